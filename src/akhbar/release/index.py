"""The SQLite index a release is built from: stance targets, annotations, article ids and their
leakage-group keys, kept in a scratch database in the build folder (the numeric keys in bucket files
beside it, release.keys) so that memory stays flat as the corpus grows; the tally of what is counted on
the way; and the corpus files a release reads.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from akhbar import jsonl
from akhbar.corpus import corpus_files, iter_annotations, iter_articles, iter_targets
from akhbar.errors import DataError
from akhbar.paths import Project
from akhbar.release.parquet import sha256_file
from akhbar.release.settings import Settings
from akhbar.release.splits import ASSIGNMENT_FILE, BatchKeys, batch_keys

BATCH = 1000
# Above this many bytes of articles, worker processes compute the leakage keys (below, starting them
# costs more than it saves).
PARALLEL_BYTES = 8 << 20
WORKERS = 2
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
    # reason: why `akhbar stance pairs` drew the pair (null for a pair attached by hand or imported)
    db.execute("CREATE TABLE attached (article_id TEXT, target_id TEXT, reason TEXT)")
    for target in iter_targets(project):
        db.execute(
            "INSERT INTO targets VALUES (?, ?, ?, ?)",
            (target["id"], target["claim"], target["license"], target["attribution"]),
        )
        reasons = {pair["article_id"]: pair["reason"] for pair in target.get("pairs", ())}
        db.executemany(
            "INSERT INTO attached VALUES (?, ?, ?)",
            ((a, target["id"], reasons.get(a)) for a in target["article_ids"]),
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
    """Every article into an ArticleIndex, keys computed ahead by `keyed_batches`."""
    index = ArticleIndex(db, project)
    try:
        for found in keyed_batches(project, near=settings.near_duplicates):
            index.add(found, tally)
    finally:
        index.close()


class ArticleIndex:
    """Table `articles` (id; its rowid is the article's number, 0, 1, ... in corpus order), table `keys`
    (article number, text key: exact duplicate and story) and the numeric leakage keys in bucket files
    beside the index (release.keys), filled batch after batch in corpus order."""

    def __init__(self, db: sqlite3.Connection, project: Project) -> None:
        from akhbar.release.keys import KeyBuckets, bucket_count

        db.execute("CREATE TABLE articles (id TEXT PRIMARY KEY)")
        db.execute("CREATE TABLE keys (article INTEGER, key TEXT)")
        files = corpus_files(project.articles) if project.articles.is_dir() else []
        self.db = db
        self.buckets = KeyBuckets(index_folder(db), bucket_count(sum(path.stat().st_size for path in files)))
        self.count = 0

    def add(self, found: BatchKeys, tally: Tally) -> None:
        number = self.count
        self.db.executemany(
            "INSERT INTO articles (rowid, id) VALUES (?, ?)",
            ((number + offset, article_id) for offset, article_id in enumerate(found.ids)),
        )
        self.db.executemany(
            "INSERT INTO keys VALUES (?, ?)",
            ((number + offset, key) for offset, keys in enumerate(found.text) for key in keys),
        )
        found.numbers["article"] += number
        self.buckets.add(found.numbers)
        tally.synthetic += found.synthetic
        self.count += len(found.ids)

    def close(self) -> None:
        self.buckets.close()


def index_folder(db: sqlite3.Connection) -> Path:
    """The folder of the index's database file, where the key buckets live."""
    (file,) = [row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"]
    return Path(file).parent


def keyed_batches(project: Project, *, near: bool) -> Iterator[BatchKeys]:
    """The leakage keys of the articles, batch after batch in corpus order. Past PARALLEL_BYTES of
    articles, worker processes parse the lines and compute the keys (a few batches ahead, in order, so
    memory stays flat) while this process reads the files and fills the index; an article's keys do not
    depend on where they are computed."""
    files = corpus_files(project.articles) if project.articles.is_dir() else []
    workers = min(WORKERS, os.cpu_count() or 1)
    if sum(path.stat().st_size for path in files) < PARALLEL_BYTES or workers < 2:
        for batch in batches(project):
            yield batch_keys(batch, near=near)
        return
    start = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(start)
    with ProcessPoolExecutor(workers, context, _die_with_parent, (os.getpid(),)) as pool:
        pending: deque[Future[BatchKeys]] = deque()
        for lines in _line_batches(files):
            pending.append(pool.submit(_parsed_keys, lines, near))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _die_with_parent(parent: int) -> None:
    """A worker ends when the release that started it does: a killed release leaves no worker behind
    (each would wait on its queue forever). Linux's PR_SET_PDEATHSIG; elsewhere the pool's own
    shutdown is all there is."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the release ended before the signal was asked for
        os._exit(1)


def _line_batches(files: list[Path]) -> Iterator[list[tuple[str, int, bytes]]]:
    """The non-blank lines of the article files (file, line number, bytes), BATCH at a time across files,
    as `batches` reads them."""
    batch: list[tuple[str, int, bytes]] = []
    for path in files:
        for number, line, _ in jsonl.lines(path):
            if line.strip():
                batch.append((str(path), number, line))
                if len(batch) == BATCH:
                    yield batch
                    batch = []
    if batch:
        yield batch


def _parsed_keys(lines: list[tuple[str, int, bytes]], near: bool) -> BatchKeys:
    """In a worker: the lines parsed as `jsonl.read` parses them (a bad line raises its DataError), and
    their keys."""
    records = []
    for path, number, line in lines:
        try:
            records.append(jsonl.parse(line))
        except jsonl.LineError as error:
            raise DataError(f"{path}:{number}: error {error.rule} {error.message}") from None
    return batch_keys(records, near=near)


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
