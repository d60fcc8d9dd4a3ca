"""Train / validation / test, stable across releases and without leakage.

(One module of about 340 lines, by intent: the leakage groups, the kept assignment and the stratified
placement are one algorithm over one SQLite index, read in one place.)

- Leakage groups: articles that share a story id, an exact-duplicate key (`corpus.dedup_key`), a
  near-duplicate key (an LSH band of a one-permutation MinHash over character 5-grams,
  `release.minhash`), a paragraph of PARAGRAPH characters or more (exact after `corpus.fold`: agency
  text quoted inside longer articles, which whole-article MinHash misses) or a sampled WINDOW-character
  window of the folded text (the same passage cut into paragraphs differently by two outlets) are
  joined, transitively.
- Source splits: every file of corpus/splits/ other than assignment.jsonl is a source's own split
  (`since: "source"`, written by an importer, e.g. ANERcorp's CAMeL test set): kept as it is, never
  reassigned, never rewritten by the release.
- An article already in the kept assignment (corpus/splits/assignment.jsonl) stays in its split in every
  later release (while it is in the corpus: the row of a removed article is dropped). The release writes
  that file for the articles no source file places.
- A group with an assigned member goes to that member's split (a source-placed member's first, then the
  smallest assigned id's, if its members were in different splits before they became one group:
  reported as a conflict).
- A new group goes where a hash of its smallest article id falls on the ratios, so a new singleton
  article is placed by a hash of its own id.

The work is done in the build's SQLite index, so memory holds only the articles that share a key.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.corpus import corpus_files, fold
from akhbar.release import minhash
from akhbar.release.settings import SPLITS

ASSIGNMENT_FILE = "assignment.jsonl"
SOURCE = "source"  # the `since` of a source split
# Articles sharing a paragraph this long (after fold) are one leakage group; the release counts the
# paragraphs this long that still occur in two splits, and the shared WINDOW-character passages.
PARAGRAPH = 200
WINDOW = 300
# Winnowing (Schleimer, Wilkerson and Aiken, 2003): of every WINNOW consecutive KEY-character windows of
# the folded text, the one with the smallest hash is a key. Two texts that share any passage of
# KEY + WINNOW - 1 = WINDOW characters share a key for certain, so grouping on the keys leaves no shared
# WINDOW-character passage across splits; about 2 windows in WINNOW + 1 become keys (small on 100 MB).
WINNOW = 51
KEY = WINDOW - WINNOW + 1


def hash_split(group: str, ratios: tuple[float, float, float]) -> str:
    """Where a new group falls: the first 8 bytes of sha256(group id) as a fraction of 2**64."""
    point = int.from_bytes(hashlib.sha256(group.encode("utf-8")).digest()[:8], "big") / 2**64
    cumulative = 0.0
    for split, ratio in zip(SPLITS, ratios, strict=True):
        cumulative += ratio
        if point < cumulative:
            return split
    return SPLITS[-1]


def long_paragraphs(text: str) -> list[str]:
    """Keys of the distinct paragraphs (\n-separated) of PARAGRAPH or more characters after `fold`."""
    keys = set()
    for paragraph in text.split("\n"):
        folded = fold(paragraph)
        if len(folded) >= PARAGRAPH:
            keys.add(hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32])
    return sorted(keys)


def group_keys(records: list[dict[str, Any]], *, near: bool) -> list[list[str]]:
    """The leakage keys of each record of a batch (a batch, so that the near-duplicate search runs
    vectorized over many texts at once; each text is folded once)."""
    folded = [fold(record["text"]) for record in records]
    near_keys = minhash.band_keys(folded) if near else [[] for _ in records]
    found = []
    for record, text, nearby in zip(records, folded, near_keys, strict=True):
        # A headline's text is "" by definition: its title is what repeats (the empty text would join
        # every headline into one group).
        content = fold(record.get("title") or "") if record.get("kind") == "headline" else text
        keys = [f"dup:{hashlib.sha256(content.encode('utf-8')).hexdigest()}"] if content else []
        if record.get("story_id"):
            keys.append(f"story:{record['story_id']}")
        keys += [f"para:{key}" for key in long_paragraphs(record["text"])]
        # A passage shared across outlets is often cut into paragraphs differently: sampled windows join
        # those too (and the leakage counts below read the same keys, so a group never crosses splits).
        keys += [f"win:{key}" for key in window_keys(text)]
        found.append(keys + nearby)
    return found


_BASE = 0x100000001B3  # odd: invertible modulo 2**64
_MIX = 0x9E3779B97F4A7C15


def window_keys(folded: str) -> list[int]:
    """The winnowed keys (signed 64-bit hashes) of a folded text (`corpus.fold`): see WINNOW.

    A polynomial hash modulo 2**64 of every KEY-character window at once with numpy: window [i, i+K)
    hashes to B**(i+K-1) * (S[i+K] - S[i]) where S are prefix sums of c_j * B**-j; the hashes are mixed
    by an odd multiplier (a bijection) so that the minimum is not biased towards some letters, and the
    minimum of every WINNOW consecutive ones is taken in linear time (van Herk / Gil-Werman).
    """
    import numpy as np

    n = len(folded)
    if n < WINDOW:
        return []  # no passage of WINDOW characters to share
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        powers = np.ones(n, dtype=np.uint64)  # B**j
        powers[1:] = np.cumprod(np.full(n - 1, _BASE, dtype=np.uint64), dtype=np.uint64)
        inverses = np.ones(n, dtype=np.uint64)  # B**-j
        inverses[1:] = np.cumprod(np.full(n - 1, pow(_BASE, -1, 2**64), dtype=np.uint64), dtype=np.uint64)
        sums = np.zeros(n + 1, dtype=np.uint64)
        sums[1:] = np.cumsum(codes * inverses, dtype=np.uint64)
        starts = np.arange(n - KEY + 1)
        hashes = (powers[starts + KEY - 1] * (sums[starts + KEY] - sums[starts])) * np.uint64(_MIX)
    return sorted(set(_window_minima(hashes, WINNOW).view(np.int64).tolist()))


def _window_minima(values: Any, width: int) -> Any:
    """The minimum of every `width` consecutive values (len(values) >= width), in linear time: per block
    of `width`, prefix minima and suffix minima; window i's minimum is min(suffix[i], prefix[i+width-1])."""
    import numpy as np

    count = len(values)
    blocks = -(-count // width)
    padded = np.full(blocks * width, np.iinfo(np.uint64).max, dtype=np.uint64)
    padded[:count] = values
    shaped = padded.reshape(blocks, width)
    prefix = np.minimum.accumulate(shaped, axis=1).reshape(-1)
    suffix = np.minimum.accumulate(shaped[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    starts = np.arange(count - width + 1)
    return np.minimum(suffix[starts], prefix[starts + width - 1])


def leakage(db: sqlite3.Connection) -> dict[str, Any]:
    """What still crosses splits, from tables `keys` (article, key) and `final` (article_id, split):
    paragraphs of PARAGRAPH+ characters and sampled WINDOW-character windows in two or more splits (only a
    source's own split, kept as published, can leave some)."""

    def crossing(prefix: str) -> tuple[int, list[str]]:
        rows = db.execute(
            "SELECT k.key, GROUP_CONCAT(DISTINCT k.article) FROM keys k "
            "JOIN final f ON f.article_id = k.article WHERE k.key >= ? AND k.key < ? "
            "GROUP BY k.key HAVING COUNT(DISTINCT f.split) > 1 ORDER BY k.key",
            (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)),
        ).fetchall()
        examples = sorted({article for _, articles in rows for article in articles.split(",")})[:20]
        return len(rows), examples

    paragraphs, paragraph_articles = crossing("para:")
    windows, window_articles = crossing("win:")
    return {
        "paragraph_chars": PARAGRAPH,
        "paragraphs_in_two_or_more_splits": paragraphs,
        "paragraph_examples": paragraph_articles,
        "window_chars": WINDOW,
        "window_keys": f"winnowed {KEY}-character windows, {WINNOW} per key window",
        "windows_in_two_or_more_splits": windows,
        "window_examples": window_articles,
    }


@dataclass
class SplitReport:
    assigned_before: int = 0
    assigned_now: int = 0
    from_source: int = 0  # placed by a source split file, kept as it is
    dropped_removed: int = 0
    groups: int = 0  # groups of two or more articles
    grouped_articles: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)  # verify mode: articles the assignment lacks

    def to_dict(self) -> dict[str, Any]:
        return {
            "assigned_before": self.assigned_before,
            "assigned_now": self.assigned_now,
            "from_source_splits": self.from_source,
            "dropped_for_removed_articles": self.dropped_removed,
            "groups_of_two_or_more": self.groups,
            "articles_in_such_groups": self.grouped_articles,
            "conflicts": self.conflicts[:20],
            "conflict_count": len(self.conflicts),
        }


def read_assignment(path: Path) -> Iterator[dict[str, Any]]:
    if path.is_file():
        for _, record in jsonl.read(path):
            yield record


def split_files(folder: Path) -> list[Path]:
    """The source split files first (sorted), then the release's own assignment."""
    found = corpus_files(folder) if folder.is_dir() else []
    return sorted(found, key=lambda path: (path.name == ASSIGNMENT_FILE, path.as_posix()))


def load_kept(db: sqlite3.Connection, folder: Path) -> int:
    """Every file of corpus/splits/ into table `kept`; `source` 1 for a source's own split. An article a
    source file places keeps that split (the validator reports it twice as duplicate-id)."""
    db.execute(
        "CREATE TABLE kept (article_id TEXT PRIMARY KEY, split TEXT, grp TEXT, since TEXT, source INTEGER)"
    )
    for path in split_files(folder):
        from_source = int(path.name != ASSIGNMENT_FILE)
        db.executemany(
            "INSERT OR IGNORE INTO kept VALUES (?, ?, ?, ?, ?)",
            (
                (r["article_id"], r["split"], r["group"], r["since"], from_source)
                for r in read_assignment(path)
            ),
        )
    return db.execute("SELECT COUNT(*) FROM kept").fetchone()[0]


def _components(db: sqlite3.Connection) -> dict[str, str]:
    """Article id -> smallest article id of its group, for articles that share a key with another."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        root = item
        while parent.get(root, root) != root:
            root = parent[root]
        while item != root:
            parent[item], item = root, parent[item]
        return root

    previous_key, first = None, ""
    rows = db.execute(
        "SELECT key, article FROM keys WHERE key IN "
        "(SELECT key FROM keys GROUP BY key HAVING COUNT(DISTINCT article) > 1) ORDER BY key, article"
    )
    for key, article in rows:
        parent.setdefault(article, article)
        if key != previous_key:
            previous_key, first = key, article
            continue
        a, b = find(first), find(article)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {article: find(article) for article in parent}


def assign(
    db: sqlite3.Connection, *, version: str, ratios: tuple[float, float, float], assign_new: bool
) -> SplitReport:
    """Fill table `final(article_id, split, grp, since)` from `articles`, `keys` and `kept`.

    With assign_new False (verify), nothing new is placed: articles the kept assignment lacks are listed.
    """
    report = SplitReport(assigned_before=db.execute("SELECT COUNT(*) FROM kept").fetchone()[0])
    report.from_source = db.execute("SELECT COUNT(*) FROM kept WHERE source = 1").fetchone()[0]
    db.execute(
        "CREATE TABLE final (article_id TEXT PRIMARY KEY, split TEXT, grp TEXT, since TEXT, source INTEGER)"
    )
    if not assign_new:
        db.execute("INSERT INTO final SELECT * FROM kept")
        report.unassigned = [
            row[0]
            for row in db.execute(
                "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM kept) ORDER BY id LIMIT 20"
            )
        ]
        report.assigned_now = report.assigned_before
        return report

    db.execute("CREATE INDEX keys_by_key ON keys (key)")
    group_of = _components(db)
    members: dict[str, list[str]] = {}
    for article, group in group_of.items():
        members.setdefault(group, []).append(article)
    report.groups = len(members)
    report.grouped_articles = len(group_of)
    db.execute("CREATE TEMP TABLE grouped (article TEXT PRIMARY KEY)")
    db.executemany("INSERT INTO grouped VALUES (?)", ((article,) for article in group_of))
    kept_split = {
        article: (split, source)
        for article, split, source in db.execute(
            "SELECT article_id, split, source FROM kept JOIN grouped ON grouped.article = kept.article_id"
        )
    }
    group_split: dict[str, str] = {}
    for group, ids in sorted(members.items()):
        # a source's split first: it is never moved, so new members follow it
        placed = sorted(
            (not kept_split[article][1], article, kept_split[article][0])
            for article in ids
            if article in kept_split
        )
        if placed:
            group_split[group] = placed[0][2]
            if len({split for _, _, split in placed}) > 1:
                report.conflicts.append(
                    {
                        "group": group,
                        "splits": {article: split for _, article, split in placed},
                        "new_members_go_to": placed[0][2],
                    }
                )

    def rows() -> Iterator[tuple[str, str, str, str, int]]:
        for article_id, split, group, since, source in db.execute(
            "SELECT a.id, k.split, k.grp, k.since, k.source FROM articles a "
            "LEFT JOIN kept k ON k.article_id = a.id"
        ):
            if source:  # a source split is kept whole, its group included
                yield article_id, split, group, since, 1
                continue
            group = group_of.get(article_id, article_id)
            if split is None:
                split = group_split.get(group) or hash_split(group, ratios)
                since = version
            yield article_id, split, group, since, 0

    db.executemany("INSERT INTO final VALUES (?, ?, ?, ?, ?)", rows())
    # The assignment covers the corpus as it is (the validator checks that every row names an article):
    # a removed article's row goes, and should it come back it is placed anew, by the hash of its group.
    report.dropped_removed = db.execute(
        "SELECT COUNT(*) FROM kept WHERE article_id NOT IN (SELECT id FROM articles)"
    ).fetchone()[0]
    report.assigned_now = db.execute("SELECT COUNT(*) FROM final").fetchone()[0]
    return report


def write_assignment(db: sqlite3.Connection, path: Path) -> None:
    """The release's own assignment: every article no source split file places."""
    jsonl.write(
        path,
        (
            {"article_id": article_id, "group": group, "since": since, "split": split}
            for article_id, split, group, since in db.execute(
                "SELECT article_id, split, grp, since FROM final WHERE source = 0 ORDER BY article_id"
            )
        ),
    )
