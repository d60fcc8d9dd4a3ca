"""The SQLite index a release is built from: stance targets, annotations, article ids and their
leakage-group keys, kept in a scratch database in the build folder so that memory stays flat as the
corpus grows; the tally of what is counted on the way; and the corpus files a release reads.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from akhbar.corpus import corpus_files, iter_annotations, iter_articles, iter_targets
from akhbar.paths import Project
from akhbar.release.parquet import sha256_file
from akhbar.release.settings import Settings
from akhbar.release.splits import ASSIGNMENT_FILE, group_keys

BATCH = 1000
EXAMPLES = 20  # ids listed per kind of left-out item; the counts are complete


@dataclass
class Listed:
    """A count with the first EXAMPLES items: memory stays flat however many items there are."""

    count: int = 0
    examples: list[Any] = field(default_factory=list)

    def add(self, item: Any) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(item)

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "examples": self.examples}


@dataclass
class Tally:
    annotations: Counter[str] = field(default_factory=Counter)
    stale: Listed = field(default_factory=Listed)
    orphan: Listed = field(default_factory=Listed)
    entity_rules: Counter[str] = field(default_factory=Counter)
    stance_rules: Counter[str] = field(default_factory=Counter)
    entities_held: Listed = field(default_factory=Listed)
    stance_held: Listed = field(default_factory=Listed)
    synthetic: int = 0
    unplaced: int = 0
    # per collection: what it holds and what of it was kept out of the release (never released)
    collections: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)

    def count(self, collection: str, what: str, items: Iterable[str] | Counter[str]) -> None:
        self.collections.setdefault(collection, {}).setdefault(what, Counter()).update(items)

    def count_each(self, collections: Iterable[str], what: str, item: str) -> None:
        for collection in collections:
            self.count(collection, what, [item])

    def per_collection(self) -> dict[str, dict[str, dict[str, int]]]:
        return {
            name: {what: dict(sorted(counts.items())) for what, counts in sorted(parts.items())}
            for name, parts in sorted(self.collections.items())
        }


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    # A scratch index rebuilt on every run: durability buys nothing, a small page cache keeps memory flat.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -16000")
    db.execute("PRAGMA temp_store = FILE")
    db.execute("BEGIN")
    return db


def index_side_tables(db: sqlite3.Connection, project: Project, tally: Tally) -> None:
    db.execute("CREATE TABLE targets (id TEXT PRIMARY KEY, claim TEXT, license TEXT, attribution TEXT)")
    db.execute("CREATE TABLE attached (article_id TEXT, target_id TEXT)")
    for target in iter_targets(project):
        db.execute(
            "INSERT INTO targets VALUES (?, ?, ?, ?)",
            (target["id"], target["claim"], target["license"], target["attribution"]),
        )
        db.executemany(
            "INSERT INTO attached VALUES (?, ?)", ((a, target["id"]) for a in target["article_ids"])
        )
    db.execute("CREATE INDEX attached_by_article ON attached (article_id, target_id)")
    db.execute("CREATE TABLE ann (article_id TEXT, record BLOB)")

    def records() -> Iterator[tuple[str, bytes]]:
        for record in iter_annotations(project):
            tally.annotations[record["layer"]] += 1
            # Kept in the corpus, counted, never released: source entities the evidence could not type
            # and stances whose source label has no counterpart in the scheme (ANS `other`).
            unmapped = record.get("unmapped_spans") or ()
            if unmapped:
                tally.count(record["collection"], "unmapped_spans", [s["source_label"] for s in unmapped])
            if record["layer"] == "stance" and record.get("stance") is None:
                tally.count(record["collection"], "stance_not_mapped", [record.get("source_label") or "?"])
                continue
            yield record["article_id"], orjson.dumps(record)

    db.executemany("INSERT INTO ann VALUES (?, ?)", records())
    db.execute("CREATE INDEX ann_by_article ON ann (article_id)")


def index_articles(db: sqlite3.Connection, project: Project, settings: Settings, tally: Tally) -> None:
    db.execute("CREATE TABLE articles (id TEXT PRIMARY KEY)")
    db.execute("CREATE TABLE keys (article TEXT, key TEXT)")
    for batch in batches(project):
        db.executemany("INSERT INTO articles VALUES (?)", ((article["id"],) for article in batch))
        for article, keys in zip(batch, group_keys(batch, near=settings.near_duplicates), strict=True):
            db.executemany("INSERT INTO keys VALUES (?, ?)", ((article["id"], key) for key in keys))
            tally.synthetic += bool(article.get("synthetic"))


def batches(project: Project) -> Iterator[list[dict[str, Any]]]:
    articles = iter_articles(project)
    while batch := list(islice(articles, BATCH)):
        yield batch


def select(db: sqlite3.Connection, sql: str, ids: list[str]) -> list[tuple[Any, ...]]:
    marks = ",".join("?" * len(ids))
    return db.execute(sql.format(marks=marks), ids).fetchall()


def corpus_inputs(project: Project, assignment: Path) -> dict[str, Path]:
    """Every corpus input of a release by its path relative to the root (the split assignment as the
    release writes it, `assignment`)."""
    found = {}
    splits = project.corpus / "splits"
    for folder in (
        project.corpus / "collections",
        project.articles,
        project.targets,
        project.annotations,
        splits,
    ):
        for path in corpus_files(folder) if folder.is_dir() else []:
            if path.parent != splits or path.name != ASSIGNMENT_FILE:
                found[path.relative_to(project.root).as_posix()] = path
    found[f"corpus/splits/{ASSIGNMENT_FILE}"] = assignment
    return found


def corpus_sizes(project: Project, assignment: Path) -> dict[str, int]:
    return {
        relative: path.stat().st_size
        for relative, path in corpus_inputs(project, assignment).items()
        if path.is_file()
    }


def corpus_digest(project: Project, assignment: Path) -> dict[str, str]:
    """sha256 of every corpus input of a release (the split assignment as the release writes it)."""
    files = {
        relative: sha256_file(path)
        for relative, path in corpus_inputs(project, assignment).items()
        if relative != f"corpus/splits/{ASSIGNMENT_FILE}"
    }
    files[f"corpus/splits/{ASSIGNMENT_FILE}"] = sha256_file(assignment) if assignment.is_file() else ""
    return dict(sorted(files.items()))
