"""Train / validation / test, stable across releases and without leakage.

- Leakage groups: articles that share a story id, an exact-duplicate key (`corpus.dedup_key`) or a
  near-duplicate key (MinHash LSH band over character shingles) are joined, transitively.
- An article already in the kept assignment (corpus/splits/assignment.jsonl) stays in its split in every
  later release (while it is in the corpus: the row of a removed article is dropped).
- A group with an assigned member goes to that member's split (the smallest assigned id's, if its
  members were assigned to different splits before they became one group: reported as a conflict).
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
from akhbar.corpus import dedup_key, fold
from akhbar.release.settings import SPLITS

ASSIGNMENT_FILE = "assignment.jsonl"

# MinHash over character 5-grams, 16 bands of 8 rows: pairs with Jaccard similarity above about
# (1/16)**(1/8) = 0.71 share a band with high probability.
SHINGLE = 5
NUM_PERM = 128
BANDS = 16


def hash_split(group: str, ratios: tuple[float, float, float]) -> str:
    """Where a new group falls: the first 8 bytes of sha256(group id) as a fraction of 2**64."""
    point = int.from_bytes(hashlib.sha256(group.encode("utf-8")).digest()[:8], "big") / 2**64
    cumulative = 0.0
    for split, ratio in zip(SPLITS, ratios, strict=True):
        cumulative += ratio
        if point < cumulative:
            return split
    return SPLITS[-1]


class NearDuplicates:
    """LSH band keys of an article's MinHash; articles sharing a key are near duplicates."""

    def __init__(self) -> None:
        from datasketch import MinHash  # imported here: only releases that look for near duplicates need it

        self._minhash = MinHash
        self._template = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")

    def keys(self, text: str) -> list[str]:
        folded = fold(text)
        if len(folded) < SHINGLE:
            return []
        shingles = {folded[i : i + SHINGLE] for i in range(len(folded) - SHINGLE + 1)}
        minhash = self._minhash(
            num_perm=NUM_PERM, seed=1, scheme="affine32", permutations=self._template.permutations
        )
        minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles)])
        rows = NUM_PERM // BANDS
        values = minhash.hashvalues
        bands = (values[band * rows : (band + 1) * rows].tobytes() for band in range(BANDS))
        return [
            f"near:{band}:{hashlib.blake2b(data, digest_size=8).hexdigest()}"
            for band, data in enumerate(bands)
        ]


def group_keys(record: dict[str, Any], near: NearDuplicates | None) -> list[str]:
    keys = [f"dup:{dedup_key(record['text'])}"]
    if record.get("story_id"):
        keys.append(f"story:{record['story_id']}")
    if near is not None:
        keys += near.keys(record["text"])
    return keys


@dataclass
class SplitReport:
    assigned_before: int = 0
    assigned_now: int = 0
    dropped_removed: int = 0
    groups: int = 0  # groups of two or more articles
    grouped_articles: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)  # verify mode: articles the assignment lacks

    def to_dict(self) -> dict[str, Any]:
        return {
            "assigned_before": self.assigned_before,
            "assigned_now": self.assigned_now,
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


def load_kept(db: sqlite3.Connection, path: Path) -> int:
    db.execute("CREATE TABLE kept (article_id TEXT PRIMARY KEY, split TEXT, grp TEXT, since TEXT)")
    db.executemany(
        "INSERT INTO kept VALUES (?, ?, ?, ?)",
        ((r["article_id"], r["split"], r["group"], r["since"]) for r in read_assignment(path)),
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
    db.execute("CREATE TABLE final (article_id TEXT PRIMARY KEY, split TEXT, grp TEXT, since TEXT)")
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
    kept_split = dict(
        db.execute("SELECT article_id, split FROM kept JOIN grouped ON grouped.article = kept.article_id")
    )
    group_split: dict[str, str] = {}
    for group, ids in sorted(members.items()):
        placed = sorted((article, kept_split[article]) for article in ids if article in kept_split)
        if placed:
            group_split[group] = placed[0][1]
            if len({split for _, split in placed}) > 1:
                report.conflicts.append(
                    {"group": group, "splits": dict(placed), "new_members_go_to": placed[0][1]}
                )

    def rows() -> Iterator[tuple[str, str, str, str]]:
        for article_id, split, since in db.execute(
            "SELECT a.id, k.split, k.since FROM articles a LEFT JOIN kept k ON k.article_id = a.id"
        ):
            group = group_of.get(article_id, article_id)
            if split is None:
                split = group_split.get(group) or hash_split(group, ratios)
                since = version
            yield article_id, split, group, since

    db.executemany("INSERT INTO final VALUES (?, ?, ?, ?)", rows())
    # The assignment covers the corpus as it is (the validator checks that every row names an article):
    # a removed article's row goes, and should it come back it is placed anew, by the hash of its group.
    report.dropped_removed = db.execute(
        "SELECT COUNT(*) FROM kept WHERE article_id NOT IN (SELECT id FROM articles)"
    ).fetchone()[0]
    report.assigned_now = db.execute("SELECT COUNT(*) FROM final").fetchone()[0]
    return report


def write_assignment(db: sqlite3.Connection, path: Path) -> None:
    jsonl.write(
        path,
        (
            {"article_id": article_id, "group": group, "since": since, "split": split}
            for article_id, split, group, since in db.execute(
                "SELECT article_id, split, grp, since FROM final ORDER BY article_id"
            )
        ),
    )
