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

The work is done in the build's SQLite index and the numeric keys' bucket files beside it
(release.keys), so memory holds one bucket of keys and the articles that share a key. The keys are
those release 0.2.1 was built from, bit for bit (tests/release/test_keys.py).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.corpus import corpus_files, fold, visible
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
    lines = [" ".join(line.split()) for line in visible(text).split("\n")]
    return [digest.hex() for digest in _paragraph_digests(lines)]


def _paragraph_digests(folded_lines: list[str]) -> list[bytes]:
    """The first 16 bytes of the sha256 of each distinct long paragraph, sorted (as their hex is)."""
    return sorted(
        {
            hashlib.sha256(line.encode("utf-8")).digest()[:16]
            for line in folded_lines
            if len(line) >= PARAGRAPH
        }
    )


@dataclass
class BatchKeys:
    """The leakage keys of a batch of records (their ids, how many are synthetic): `text` per record
    (exact duplicate, story), `numbers` the rest as keys.RECORD rows (near-duplicate bands, paragraphs,
    windows; `article` = the record's position in the batch)."""

    ids: list[str]
    synthetic: int  # how many of the records are synthetic
    text: list[list[str]]
    numbers: Any  # numpy array of keys.RECORD


def batch_keys(records: list[dict[str, Any]], *, near: bool) -> BatchKeys:
    """The leakage keys of each record of a batch (a batch, so that the near-duplicate search and the
    windows run over many texts at once).

    Each text is folded once, line by line: the lines of `corpus.visible(text)` are its paragraphs' NFC
    (no character composes across a line feed) and str.split() splits at line feeds too, so the folded
    lines are the folded paragraphs and, joined by a space with the empty ones left out, the folded
    text."""
    import numpy as np

    from akhbar.release import keys

    lines = [[" ".join(line.split()) for line in visible(r["text"]).split("\n")] for r in records]
    folded = [" ".join(filter(None, text_lines)) for text_lines in lines]
    text: list[list[str]] = []
    paragraphs: list[tuple[int, bytes]] = []
    for index, (record, text_folded, text_lines) in enumerate(zip(records, folded, lines, strict=True)):
        # A headline's text is "" by definition: its title is what repeats (the empty text would join
        # every headline into one group).
        content = fold(record.get("title") or "") if record.get("kind") == "headline" else text_folded
        found = [f"dup:{hashlib.sha256(content.encode('utf-8')).hexdigest()}"] if content else []
        if record.get("story_id"):
            found.append(f"story:{record['story_id']}")
        text.append(found)
        paragraphs += [(index, digest) for digest in _paragraph_digests(text_lines)]
    # A passage shared across outlets is often cut into paragraphs differently: sampled windows join
    # those too (and the leakage counts read the same keys, so a group never crosses splits).
    windows, counts = _window_arrays(folded)
    count = len(paragraphs)
    parts = [
        _numbers(
            keys.KIND_PARAGRAPH,
            np.fromiter((int.from_bytes(d[:8], "big") for _, d in paragraphs), np.uint64, count),
            np.fromiter((int.from_bytes(d[8:], "big") for _, d in paragraphs), np.uint64, count),
            np.fromiter((index for index, _ in paragraphs), np.int64, count),
        ),
        _numbers(keys.KIND_WINDOW, 0, windows, np.repeat(np.arange(len(records), dtype=np.int64), counts)),
    ]
    if near:
        values, keyed = minhash.band_values(folded)
        rows = np.flatnonzero(keyed)
        bands = np.tile(np.arange(minhash.BANDS, dtype=np.int64), len(rows))
        parts.append(_numbers(bands, 0, values[rows].reshape(-1), np.repeat(rows, minhash.BANDS)))
    synthetic = sum(bool(record.get("synthetic")) for record in records)
    return BatchKeys([record["id"] for record in records], synthetic, text, np.concatenate(parts))


def _numbers(kind: Any, hi: Any, lo: Any, article: Any) -> Any:
    import numpy as np

    from akhbar.release.keys import RECORD

    out = np.empty(len(lo), dtype=RECORD)
    out["kind"], out["hi"], out["lo"], out["article"] = kind, hi, lo, article
    return out


def group_keys(records: list[dict[str, Any]], *, near: bool) -> list[list[str]]:
    """The leakage keys of each record as text: exact duplicate, story, long paragraphs (sorted),
    windows (sorted by value), near-duplicate bands (by band): what `batch_keys` holds as numbers."""
    from akhbar.release import keys

    found = batch_keys(records, near=near)
    spelled = [[list(text), [], []] for text in found.text]  # text and paragraphs, windows, bands
    for kind, hi, lo, article in found.numbers.tolist():
        if kind == keys.KIND_PARAGRAPH:
            spelled[article][0].append(f"para:{hi:016x}{lo:016x}")
        elif kind == keys.KIND_WINDOW:
            spelled[article][1].append(f"win:{lo - (1 << 64) if lo >= 1 << 63 else lo}")
        else:
            spelled[article][2].append(f"near:{kind}:{lo:016x}")
    return [text + windows + bands for text, windows, bands in spelled]


_BASE = 0x100000001B3  # odd: invertible modulo 2**64
_MIX = 0x9E3779B97F4A7C15


def window_keys(folded: str) -> list[int]:
    """The winnowed keys (signed 64-bit hashes) of a folded text (`corpus.fold`): see WINNOW."""
    import numpy as np

    values, _ = _window_arrays([folded])
    return sorted(values.view(np.int64).tolist())


def _window_arrays(folded: list[str]) -> tuple[Any, Any]:
    """The winnowed keys of each folded text (uint64, text after text, each text's in the order of their
    signed values) and how many each text has: every KEY-character window hashed as the polynomial sum
    of c[i + j] * _BASE**(KEY - 1 - j) modulo 2**64, times the odd _MIX (a bijection, so that the minimum
    is not biased towards some letters); the minimum of every WINNOW consecutive hashes is a key. One
    compiled loop over the batch (release.kernels); the keys are those of release 0.2.1 (the reference,
    computed from prefix sums with numpy, is kept in tests/release/reference_keys.py)."""
    import numpy as np

    if all(len(text) < WINDOW for text in folded):  # no passage of WINDOW characters to share
        return np.zeros(0, dtype=np.uint64), np.zeros(len(folded), dtype=np.int64)
    from akhbar.release.kernels import winnowed

    starts = np.zeros(len(folded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, folded), dtype=np.int64, count=len(folded)), out=starts[1:])
    points = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32)
    return winnowed(points, starts, KEY, WINNOW, np.uint64(_BASE), np.uint64(_MIX))


def leakage(db: sqlite3.Connection) -> dict[str, Any]:
    """What still crosses splits, from the keys (release.keys) and table `final` (article_id, split):
    paragraphs of PARAGRAPH+ characters and sampled WINDOW-character windows in two or more splits (only a
    source's own split, kept as published, can leave some)."""
    import numpy as np

    from akhbar.release import keys
    from akhbar.release.index import index_folder

    count = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    split_of = np.full(count, -1, dtype=np.int64)
    codes: dict[str, int] = {}
    for number, split in db.execute(
        "SELECT a.rowid, f.split FROM articles a JOIN final f ON f.article_id = a.id"
    ):
        split_of[number] = codes.setdefault(split, len(codes))

    def crossing(kind: int) -> tuple[int, list[str]]:
        found, holders = keys.crossing(index_folder(db), split_of, kind)
        return found, sorted(_ids(db, holders))[:20]

    paragraphs, paragraph_articles = crossing(keys.KIND_PARAGRAPH)
    windows, window_articles = crossing(keys.KIND_WINDOW)
    return {
        "paragraph_chars": PARAGRAPH,
        "paragraphs_in_two_or_more_splits": paragraphs,
        "paragraph_examples": paragraph_articles,
        "window_chars": WINDOW,
        "window_keys": f"winnowed {KEY}-character windows, {WINNOW} per key window",
        "windows_in_two_or_more_splits": windows,
        "window_examples": window_articles,
    }


def _ids(db: sqlite3.Connection, numbers: Any) -> list[str]:
    """The article ids of article numbers (rowids of `articles`)."""
    found: list[str] = []
    values = numbers.tolist()
    for start in range(0, len(values), 500):
        part = values[start : start + 500]
        marks = ",".join("?" * len(part))
        found += [row[0] for row in db.execute(f"SELECT id FROM articles WHERE rowid IN ({marks})", part)]
    return found


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
    """Article id -> smallest article id of its group, for articles that share a key with another: the
    connected components of the numeric keys' buckets (release.keys) and the text keys of table `keys`."""
    import numpy as np

    from akhbar.release import keys
    from akhbar.release.index import index_folder

    count = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def edges() -> Iterator[tuple[Any, Any]]:
        for run, article, _ in keys.shared_runs(index_folder(db)):
            yield keys.run_edges(run, article)
        rows = db.execute(
            "SELECT key, article FROM keys WHERE key IN "
            "(SELECT key FROM keys GROUP BY key HAVING COUNT(DISTINCT article) > 1) ORDER BY key, article"
        ).fetchall()
        if rows:
            run = np.cumsum([index == 0 or rows[index - 1][0] != key for index, (key, _) in enumerate(rows)])
            yield keys.run_edges(run, np.array([article for _, article in rows], dtype=np.int64))

    label = keys.components(count, edges())
    grouped = np.bincount(label, minlength=count)[label] > 1
    ids = {}
    for number, article_id in db.execute("SELECT rowid, id FROM articles"):
        if grouped[number]:
            ids[number] = article_id
    smallest: dict[int, str] = {}
    for number, article_id in ids.items():
        root = int(label[number])
        if root not in smallest or article_id < smallest[root]:
            smallest[root] = article_id
    return {article_id: smallest[int(label[number])] for number, article_id in ids.items()}


def assign(
    db: sqlite3.Connection, *, version: str, ratios: tuple[float, float, float], assign_new: bool
) -> SplitReport:
    """Fill table `final(article_id, split, grp, since)` from `articles`, `keys` and `kept`.

    With assign_new False (verify), nothing new is placed and `articles` is not read: `unassigned` lists
    the articles the kept assignment lacks.
    """
    report = SplitReport(assigned_before=db.execute("SELECT COUNT(*) FROM kept").fetchone()[0])
    report.from_source = db.execute("SELECT COUNT(*) FROM kept WHERE source = 1").fetchone()[0]
    db.execute(
        "CREATE TABLE final (article_id TEXT PRIMARY KEY, split TEXT, grp TEXT, since TEXT, source INTEGER)"
    )
    if not assign_new:
        db.execute("INSERT INTO final SELECT * FROM kept")
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


def unassigned(db: sqlite3.Connection) -> list[str]:
    """Verify mode, once table `articles` is filled: the first articles the kept assignment lacks."""
    return [
        row[0]
        for row in db.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM kept) ORDER BY id LIMIT 20"
        )
    ]


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
