"""Each annotator's vote per item, streamed from an on-disk sort, for measures over a whole corpus.

Agreement needs every item's votes side by side, but the records of one item may lie anywhere in the
annotation layers. Holding every record in memory costs about 40 KB per annotated article (13 GiB at
300,000), so the records are reduced to what a measure reads (annotator, stance label or span keys,
and what rule 1 of the adjudication orders on) and sorted by item in a temporary SQLite file: memory
stays flat whatever the size of the corpus, and items come out in the order `votes_by_item` gives.

The choice is the one `quality.records.current_annotations` then `quality.adjudicate.votes_by_item`
make in memory: records made on an earlier text of their article (or on an unknown article) are
counted as stale and left out; of an annotator's several records for an item, the most recently
updated wins, then the highest record id, then the first read.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any

import orjson

from akhbar.corpus import iter_annotations, iter_articles, text_sha256
from akhbar.paths import Project
from akhbar.quality.adjudicate import span_keys
from akhbar.scratch import ScratchDatabase

SpanKey = tuple[int, int, str]

_TABLES = """
CREATE TABLE article (id TEXT PRIMARY KEY, sha TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE vote (
    seq INTEGER PRIMARY KEY,  -- reading order, the last tie-break of rule 1
    layer TEXT NOT NULL, article_id TEXT NOT NULL, target_id TEXT NOT NULL,
    annotator TEXT NOT NULL, updated TEXT NOT NULL, record_id TEXT NOT NULL,
    sha TEXT, ground_truth INTEGER NOT NULL,
    value TEXT  -- the stance label (NULL when the source's has no counterpart), or span keys as JSON
);
"""
# Items in the order votes_by_item sorts them (SQLite compares TEXT as UTF-8 bytes, which is code point
# order, as Python compares str); within an item by annotator, then rule 1's preference, ascending, so
# the last row of an annotator is their vote (seq descending: among equals the first read wins).
_VOTES = """
SELECT vote.article_id, vote.target_id, vote.annotator, vote.value
FROM vote JOIN article ON article.id = vote.article_id AND article.sha = vote.sha
WHERE vote.layer = ? AND vote.ground_truth = 0
ORDER BY vote.article_id, vote.target_id, vote.annotator, vote.updated, vote.record_id, vote.seq DESC
"""
_STALE = """
SELECT count(*) FROM vote LEFT JOIN article ON article.id = vote.article_id
WHERE article.sha IS NULL OR vote.sha IS NULL OR article.sha != vote.sha
"""


class ItemVotes:
    """The current annotations of a project, sorted by item in a temporary SQLite file.

    Use as a context manager; `stale` counts the records left out (made on an earlier text of their
    article, or on an article that is gone), ground-truth records included."""

    def __init__(self, project: Project) -> None:
        self._scratch = ScratchDatabase("akhbar-votes-", _TABLES)
        self._db = self._scratch.db
        try:
            self._load(project)
            self.stale: int = self._db.execute(_STALE).fetchone()[0]
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> ItemVotes:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._scratch.close()

    def _load(self, project: Project) -> None:
        # A repeated article id keeps the last text read, as a dict of hashes would.
        articles = ((article["id"], text_sha256(article["text"])) for article in iter_articles(project))
        self._scratch.insert("INSERT OR REPLACE INTO article VALUES (?, ?)", articles)
        self._scratch.insert("INSERT INTO vote VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _rows(project))
        self._db.commit()

    def stance(self) -> Iterator[dict[str, str | None]]:
        """annotator -> stance label, for each (article, target) pair two or more annotators labelled."""
        yield from self._items("stance")

    def entities(self) -> Iterator[dict[str, list[SpanKey]]]:
        """annotator -> sorted distinct (start, end, label) spans, for each article two or more annotators
        labelled."""
        for votes in self._items("entities"):
            yield {
                name: [(start, end, label) for start, end, label in orjson.loads(value)]
                for name, value in votes.items()
            }

    def _items(self, layer: str) -> Iterator[dict[str, Any]]:
        item: tuple[str, str] | None = None
        votes: dict[str, Any] = {}
        for article_id, target_id, annotator, value in self._db.execute(_VOTES, (layer,)):
            if (article_id, target_id) != item:
                if len(votes) > 1:
                    yield votes
                item, votes = (article_id, target_id), {}
            votes[annotator] = value  # the rows are in preference order: the last one is the vote
        if len(votes) > 1:
            yield votes


def _rows(project: Project) -> Iterator[tuple[Any, ...]]:
    for seq, record in enumerate(iter_annotations(project)):
        layer = record.get("layer")
        if layer == "entities":
            value = orjson.dumps(sorted(span_keys(record))).decode("utf-8")
            target_id = ""
        elif layer == "stance":
            value, target_id = record["stance"], record["target_id"]
        else:
            raise ValueError(f"annotation record {record.get('id')!r} has unknown layer {layer!r}")
        provenance = record.get("provenance") or {}
        updated = provenance.get("updated_at") or provenance.get("created_at") or ""
        yield (
            seq,
            layer,
            record["article_id"],
            target_id,
            record["annotator"],
            updated,
            str(record.get("id", "")),
            record.get("text_sha256"),
            int(bool(record.get("ground_truth"))),
            value,
        )
