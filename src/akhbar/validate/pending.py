"""The annotation and split records validation checks against the articles, on disk, keyed by article id.

An annotation's spans can only be checked when its article's text goes by, and its references (article,
stance target) once every id is known. Holding the records until then cost about 28 KiB per annotated
article (27 GiB at 1,000,000), so they go to a temporary SQLite file as their files are checked: each
worker fetches the annotations of the articles in its chunk, and the reference checks stream them back in
file and line order. Memory holds the ids (the annotated articles' among them) and the stance targets only.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from akhbar.scratch import ScratchDatabase, read_only

# `reference`: what the reference checks read, for every annotation and split record: the article id
# when it is a string (`article`), the stance target id when it is a string (`target`), and, for the one
# check that compares an article id of another type (target-not-attached), that id as JSON (`other`).
# `annotation`: the line of each annotation with a string article id, for its spans.
_TABLES = """
CREATE TABLE reference (file INTEGER NOT NULL, line INTEGER NOT NULL, article TEXT, target TEXT, other BLOB);
CREATE TABLE annotation (
    article TEXT NOT NULL, file INTEGER NOT NULL, line INTEGER NOT NULL, raw BLOB NOT NULL
);
"""
_BY_ARTICLE = "CREATE INDEX annotation_by_article ON annotation (article, file, line)"
_OF_ARTICLE = "SELECT file, line, raw FROM annotation WHERE article = ? ORDER BY file, line"

# A record's row, as a worker extracts it: (line in its chunk, article, target, other, raw or None).
Row = tuple[int, str | None, str | None, bytes | None, bytes | None]


def row(line: int, record: dict[str, Any], raw: bytes, annotation: bool) -> Row:
    """What the index keeps of one annotation (`annotation`) or split record."""
    article_id, target_id = record.get("article_id"), record.get("target_id")
    article = article_id if isinstance(article_id, str) else None
    target = target_id if isinstance(target_id, str) else None
    other = orjson.dumps(article_id) if article is None and target is not None else None
    return line, article, target, other, raw if annotation and article is not None else None


@dataclass(frozen=True)
class Reference:
    line: int
    article_id: Any  # a string, or the record's other value (None when it has none)
    target_id: str | None


class Pending:
    """The index: filled by the parent as files are checked (`add`), then read after `seal`, in any
    process (each opens its own read-only connection on first use)."""

    def __init__(self) -> None:
        self._scratch: ScratchDatabase | None = ScratchDatabase("akhbar-validate-", _TABLES)
        self.path = self._scratch.path
        self.shown: list[str] = []  # file number -> the file as reports show it
        self._numbers: dict[str, int] = {}
        # The ids of the articles that have annotations: most articles of a corpus have none, and a set
        # answers for them without a query (about 17 us each: half a second on 30,000 articles).
        self.articles: set[str] = set()
        self._readers: dict[int, sqlite3.Connection] = {}  # process id -> its connection

    def add(self, shown: str, offset: int, rows: list[Row]) -> None:
        """The rows of one chunk of a file; `offset`: the lines of the file before the chunk."""
        assert self._scratch is not None, "the index is sealed"
        number = self._numbers.get(shown)
        if number is None:
            number = self._numbers[shown] = len(self.shown)
            self.shown.append(shown)
        self._scratch.insert(
            "INSERT INTO reference VALUES (?, ?, ?, ?, ?)",
            ((number, line + offset, article, target, other) for line, article, target, other, _ in rows),
        )
        spans = [
            (article, number, line + offset, raw) for line, article, _, _, raw in rows if raw is not None
        ]
        self._scratch.insert("INSERT INTO annotation VALUES (?, ?, ?, ?)", spans)
        self.articles.update(article for article, _, _, _ in spans)

    def drop(self, shown: str) -> None:
        """Forget a file's rows (it turned out not to be UTF-8: none of its records count)."""
        number = self._numbers.get(shown)
        if number is not None and self._scratch is not None:
            for table in ("reference", "annotation"):
                self._scratch.db.execute(f"DELETE FROM {table} WHERE file = ?", (number,))
            self.articles = {
                article for (article,) in self._scratch.db.execute("SELECT article FROM annotation")
            }

    def seal(self) -> None:
        """Commit and index: from now on the index is read only, by any process."""
        if self._scratch is not None:
            self._scratch.db.execute(_BY_ARTICLE)
            self._scratch.db.commit()

    def _reader(self) -> sqlite3.Connection:
        # Keyed by process: a forked worker never uses its parent's connection.
        reader = self._readers.get(os.getpid())
        if reader is None:
            reader = self._readers[os.getpid()] = read_only(self.path)
        return reader

    def of_article(self, article_id: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
        """(file shown, line, record) of each annotation of an article, in file and line order."""
        if article_id not in self.articles:
            return
        for number, line, raw in self._reader().execute(_OF_ARTICLE, (article_id,)):
            # orjson as jsonl.parse, without its checks: the line passed them when its file was checked.
            yield self.shown[number], line, orjson.loads(raw)

    def references(self, shown: str) -> Iterator[Reference]:
        """The references of each record of a file, in line order."""
        number = self._numbers.get(shown)
        if number is None:
            return
        # rowid: the order rows were added in, the line order of the file
        query = "SELECT line, article, target, other FROM reference WHERE file = ? ORDER BY rowid"
        for line, article, target, other in self._reader().execute(query, (number,)):
            yield Reference(line, article if other is None else orjson.loads(other), target)

    def close(self) -> None:
        reader = self._readers.pop(os.getpid(), None)
        if reader is not None:
            reader.close()
        if self._scratch is not None:
            self._scratch.close()
            self._scratch = None
