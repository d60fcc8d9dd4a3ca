"""Compile the corpus into a release: `build` makes the Parquet files of the three configs in a folder
aside; `release` adds the manifest, changelog and card and moves it all into place at once.

Memory stays flat as the corpus grows: targets, annotations and the split assignment live in a SQLite
index in the build folder, articles are streamed twice (once for the leakage groups, once for the rows)
and rows go to Parquet in row groups as they are made.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from akhbar.commit import Transaction, project_lock, remove_abandoned
from akhbar.corpus import corpus_files, iter_annotations, iter_articles, iter_targets, text_sha256
from akhbar.errors import UsageError
from akhbar.paths import Project, find_project
from akhbar.quality.adjudicate import EntityDecision, StanceDecision, adjudicate
from akhbar.registry import load_registry
from akhbar.release import card, changelog, manifest
from akhbar.release.documents import documents
from akhbar.release.features import features
from akhbar.release.parquet import (
    ReleaseCheckError,
    SplitWriter,
    check_file_schema,
    sha256_file,
)
from akhbar.release.rows import RowStats, annotated, article_row, ner_rows, source_spans, stance_row, terms
from akhbar.release.settings import CONFIGS, SPLITS, Settings
from akhbar.release.splits import (
    ASSIGNMENT_FILE,
    SplitReport,
    assign,
    group_keys,
    leakage,
    load_kept,
    write_assignment,
)
from akhbar.scheme import Scheme, load_scheme

BATCH = 1000
DEFAULT_SETTINGS = Settings()
EXAMPLES = 20  # ids listed per kind of left-out item; the counts are complete


@dataclass
class Built:
    """What `build` made: files (path relative to the project root -> sha256), rows, labels, report."""

    files: dict[str, str]
    rows: dict[str, dict[str, int]]
    labels: dict[str, dict[str, dict[str, int]]]
    report: dict[str, Any]
    splits: SplitReport
    article_ids: int = 0
    # bytes of every data file and corpus input (path relative to the root): what a release adds to the
    # repository is the size of the files whose sha256 differs from the previous release's
    sizes: dict[str, int] = field(default_factory=dict)


@dataclass
class _Listed:
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
class _Tally:
    annotations: Counter[str] = field(default_factory=Counter)
    stale: _Listed = field(default_factory=_Listed)
    orphan: _Listed = field(default_factory=_Listed)
    entity_rules: Counter[str] = field(default_factory=Counter)
    stance_rules: Counter[str] = field(default_factory=Counter)
    entities_held: _Listed = field(default_factory=_Listed)
    stance_held: _Listed = field(default_factory=_Listed)
    synthetic: int = 0
    unplaced: int = 0
    # per collection: what it holds and what of it was kept out of the release (never released)
    collections: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)

    def count(self, collection: str, what: str, items: Iterable[str] | Counter[str]) -> None:
        self.collections.setdefault(collection, {}).setdefault(what, Counter()).update(items)

    def per_collection(self) -> dict[str, dict[str, dict[str, int]]]:
        return {
            name: {what: dict(sorted(counts.items())) for what, counts in sorted(parts.items())}
            for name, parts in sorted(self.collections.items())
        }


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    # A scratch index rebuilt on every run: durability buys nothing, a small page cache keeps memory flat.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -16000")
    db.execute("PRAGMA temp_store = FILE")
    db.execute("BEGIN")
    return db


def _index_side_tables(db: sqlite3.Connection, project: Project, tally: _Tally) -> None:
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


def _index_articles(db: sqlite3.Connection, project: Project, settings: Settings, tally: _Tally) -> None:
    db.execute("CREATE TABLE articles (id TEXT PRIMARY KEY)")
    db.execute("CREATE TABLE keys (article TEXT, key TEXT)")
    for batch in _batches(project):
        db.executemany("INSERT INTO articles VALUES (?)", ((article["id"],) for article in batch))
        for article, keys in zip(batch, group_keys(batch, near=settings.near_duplicates), strict=True):
            db.executemany("INSERT INTO keys VALUES (?, ?)", ((article["id"], key) for key in keys))
            tally.synthetic += bool(article.get("synthetic"))


def _batches(project: Project) -> Iterator[list[dict[str, Any]]]:
    articles = iter_articles(project)
    while batch := list(islice(articles, BATCH)):
        yield batch


def _select(db: sqlite3.Connection, sql: str, ids: list[str]) -> list[tuple[Any, ...]]:
    marks = ",".join("?" * len(ids))
    return db.execute(sql.format(marks=marks), ids).fetchall()


def build(
    project: Project,
    out: Path,
    work: Path,
    *,
    version: str,
    settings: Settings,
    assign_new: bool,
    scheme: Scheme | None = None,
    progress: bool = False,
) -> Built:
    """Write the Parquet files of every config and split into `out` (a folder that becomes `data/`) and
    the split assignment into `work/assignment.jsonl`. `assign_new` False (verify): use the kept assignment
    as it is and place nothing new."""
    scheme = scheme or load_scheme(project.schema)
    work.mkdir(parents=True, exist_ok=True)
    tally = _Tally()
    db = _connect(work / "index.sqlite")
    try:
        _index_side_tables(db, project, tally)
        _index_articles(db, project, settings, tally)
        load_kept(db, project.corpus / "splits")
        split_report = assign(db, version=version, ratios=settings.ratios, assign_new=assign_new)
        write_assignment(db, work / ASSIGNMENT_FILE)
        claims = dict(db.execute("SELECT id, claim FROM targets"))
        target_terms = {
            target_id: {"license": license_, "attribution": attribution}
            for target_id, license_, attribution in db.execute("SELECT id, license, attribution FROM targets")
        }
        writers = {
            config: {
                split: SplitWriter(
                    out,
                    config,
                    split,
                    features(config, scheme),
                    row_group_rows=settings.row_group_rows,
                    rows_per_file=settings.rows_per_file,
                )
                for split in SPLITS
            }
            for config in CONFIGS
        }
        stats = RowStats()
        total = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        with tqdm(total=total, unit="article", disable=not progress, desc="release") as bar:
            for batch in _batches(project):
                _write_batch(db, batch, writers, claims, target_terms, scheme, stats, tally)
                bar.update(len(batch))
        for (raw,) in db.execute(
            "SELECT record FROM ann WHERE article_id NOT IN (SELECT id FROM articles) ORDER BY rowid"
        ):
            tally.orphan.add(orjson.loads(raw)["id"])
        files: dict[str, str] = {}
        sizes: dict[str, int] = {}
        rows: dict[str, dict[str, int]] = {}
        for config, by_split in writers.items():
            for split, writer in by_split.items():
                for path in writer.close():
                    problem = check_file_schema(path, features(config, scheme))
                    if problem:
                        raise ReleaseCheckError(problem)
                    files[f"data/{path.relative_to(out).as_posix()}"] = sha256_file(path)
                    sizes[f"data/{path.relative_to(out).as_posix()}"] = path.stat().st_size
                rows.setdefault(config, {})[split] = writer.rows
        leaks = leakage(db)
        db.execute("COMMIT")
    finally:
        db.close()  # the index stays in `work` for the caller (changes from the previous release)
    labels = {
        config: {
            split: dict(sorted(stats.labels.get(config, {}).get(split, Counter()).items()))
            for split in SPLITS
        }
        for config in CONFIGS
    }
    report = {
        "articles": total,
        "synthetic_articles": tally.synthetic,
        "annotation_records": dict(sorted(tally.annotations.items())),
        "stale_annotations": tally.stale.to_dict(),
        "annotations_of_unknown_articles": tally.orphan.to_dict(),
        "entity_decisions": dict(sorted(tally.entity_rules.items())),
        "stance_decisions": dict(sorted(tally.stance_rules.items())),
        "entities_not_released": tally.entities_held.to_dict(),
        "stance_not_released": tally.stance_held.to_dict(),
        "tokens_split_at_span_edges": stats.tokens_split,
        "span_edges_inside_source_tokens": stats.edges_inside_source_tokens,
        "nested_spans_not_in_ner": stats.nested_spans,
        "crossing_spans_not_in_ner": stats.crossing_spans,
        "articles_without_split": tally.unplaced,
        "splits": split_report.to_dict(),
        "leakage": leaks,
        "collections": tally.per_collection(),
        "collection_terms": _collection_terms(project),
    }
    sizes.update(corpus_sizes(project, work / ASSIGNMENT_FILE))
    return Built(files, rows, labels, report, split_report, total, dict(sorted(sizes.items())))


def _collection_terms(project: Project) -> dict[str, dict[str, Any]]:
    """Each registry collection's name, kind and terms, for the card, the datasheet and LICENSE.md."""
    keep = ("name", "kind", "license", "license_url", "attribution", "annotated_labels")
    return {name: {key: entry[key] for key in keep} for name, entry in sorted(load_registry(project).items())}


def _write_batch(
    db: sqlite3.Connection,
    batch: list[dict[str, Any]],
    writers: dict[str, dict[str, SplitWriter]],
    claims: dict[str, str],
    target_terms: dict[str, dict[str, str]],
    scheme: Scheme,
    stats: RowStats,
    tally: _Tally,
) -> None:
    ids = [article["id"] for article in batch]
    split_of = dict(_select(db, "SELECT article_id, split FROM final WHERE article_id IN ({marks})", ids))
    attached: dict[str, list[str]] = {}
    for article_id, target_id in _select(
        db, "SELECT article_id, target_id FROM attached WHERE article_id IN ({marks}) ORDER BY 1, 2", ids
    ):
        attached.setdefault(article_id, []).append(target_id)
    by_article: dict[str, list[dict[str, Any]]] = {}
    for article_id, raw in _select(
        db, "SELECT article_id, record FROM ann WHERE article_id IN ({marks})", ids
    ):
        by_article.setdefault(article_id, []).append(orjson.loads(raw))
    current: list[dict[str, Any]] = []
    for article in batch:
        records = by_article.pop(article["id"], [])
        if records:
            sha = text_sha256(article["text"])
            for record in records:
                if record["text_sha256"] == sha:
                    current.append(record)
                else:
                    tally.stale.add(record["id"])
    decided = adjudicate(current)
    used: dict[str, list[dict[str, Any]]] = {}
    for record in current:
        used.setdefault(record["article_id"], []).append(record)
    for article in batch:
        split = split_of.get(article["id"])
        if split is None:
            tally.unplaced += 1
            continue
        collection = article["collection"]
        tally.count(collection, "records", [article["kind"]])
        entities = decided.entities.get(article["id"])
        if entities is not None:
            tally.entity_rules[entities.rule] += 1
            if entities.spans is None:
                tally.entities_held.add({"article_id": article["id"], "rule": entities.rule})
        stances = _stances(article["id"], attached.get(article["id"], []), decided.stance, claims, tally)
        records = used.get(article["id"], [])
        entity_records = [
            r
            for r in records
            if r["layer"] == "entities" and entities is not None and r["annotator"] in entities.annotators
        ]
        if entities is None or entities.spans is None:
            entity_records = []
        released = [d for d, _ in stances if d.label is not None]

        made_from = entity_records + [
            item for d in released for item in [*_voters(records, d), target_terms[d.target_id]]
        ]
        row = article_row(article, entities, stances, scheme, terms(article, made_from))
        writers["articles"][split].add(row)
        tally.count(collection, "rows", ["articles"])
        tally.count(collection, "entities", [s["label"] for s in row_spans(entities)])
        tally.count(collection, "stance", [d.label for d in released if d.label is not None])
        stats.count(
            "articles",
            split,
            [f"entity:{s['label']}" for s in (entities.spans or ())] if entities else [],
        )
        stats.count("articles", split, [f"stance:{d.label}" for d, _ in stances if d.label is not None])
        if entities is not None and entities.spans is not None:
            ner_terms = terms(article, entity_records)
            labels = annotated(entity_records, scheme.entity_names)
            native = source_spans(entity_records)
            for ner in ner_rows(article, entities.spans, split, scheme, stats, ner_terms, labels, native):
                writers["ner"][split].add(ner)
                tally.count(collection, "rows", ["ner"])
                tally.count(collection, "tokens", {"ner": len(ner["tokens"])})
        for decision, claim in stances:
            if decision.label is not None:
                voters = _voters(records, decision)
                row_terms = terms(article, [*voters, target_terms[decision.target_id]])
                labels = annotated(voters, scheme.stance_names)
                writers["stance"][split].add(stance_row(article, decision, claim, scheme, row_terms, labels))
                stats.count("stance", split, [f"stance:{decision.label}"])
                tally.count(collection, "rows", ["stance"])


def _voters(records: list[dict[str, Any]], decision: StanceDecision) -> list[dict[str, Any]]:
    """The stance records a decision was made from."""
    return [
        r
        for r in records
        if r["layer"] == "stance"
        and r["target_id"] == decision.target_id
        and r["annotator"] in decision.annotators
    ]


def row_spans(entities: EntityDecision | None) -> tuple[dict[str, Any], ...]:
    return (entities.spans or ()) if entities is not None else ()


def _stances(
    article_id: str,
    targets: list[str],
    decisions: dict[tuple[str, str], StanceDecision],
    claims: dict[str, str],
    tally: _Tally,
) -> list[tuple[StanceDecision, str]]:
    found = []
    for target_id in targets:
        decision = decisions.get((article_id, target_id))
        if decision is None:
            continue
        tally.stance_rules[decision.rule] += 1
        if decision.label is None:
            tally.stance_held.add({"article_id": article_id, "target_id": target_id, "rule": decision.rule})
        found.append((decision, claims[target_id]))
    return found


# ---------------------------------------------------------------------------------------------- release


@dataclass
class ReleaseReport:
    version: str
    manifest: dict[str, Any]

    def lines(self) -> list[str]:
        return manifest.summary_lines(self.manifest)


def _git(project: Project, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(project.root), *args], capture_output=True, text=True, check=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def corpus_state(project: Project) -> dict[str, Any]:
    """The commit the release was built on and whether the corpus had changes not yet committed."""
    commit = _git(project, "rev-parse", "HEAD")
    status = _git(project, "status", "--porcelain", "--", "corpus") if commit else None
    return {"commit": commit, "uncommitted_changes": bool(status) if status is not None else None}


def _corpus_inputs(project: Project, assignment: Path) -> dict[str, Path]:
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
        for relative, path in _corpus_inputs(project, assignment).items()
        if path.is_file()
    }


def corpus_digest(project: Project, assignment: Path) -> dict[str, str]:
    """sha256 of every corpus input of a release (the split assignment as the release writes it)."""
    files = {
        relative: sha256_file(path)
        for relative, path in _corpus_inputs(project, assignment).items()
        if relative != f"corpus/splits/{ASSIGNMENT_FILE}"
    }
    files[f"corpus/splits/{ASSIGNMENT_FILE}"] = sha256_file(assignment) if assignment.is_file() else ""
    return dict(sorted(files.items()))


def workdir(project: Project, kind: str) -> Path:
    """A fresh build folder under .akhbar/ (same file system as data/, so the final move is a rename);
    folders left by builds whose process is gone are removed first."""
    project.state.mkdir(parents=True, exist_ok=True)
    remove_abandoned(project.state, "build-*", lambda name: name.rsplit("-", 1)[-1])
    work = project.state / f"build-{kind}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return work


def _stage_documents(project: Project, data: Path, folder: Path) -> dict[Path, Path]:
    """The datasheet, plots and guidelines the release in `data` would leave stale, written under
    `folder`: target path -> staged file, moved into place with data/ (`akhbar document --check` then
    passes right after a release)."""
    from akhbar.document.run import regenerate_documents  # matplotlib loads only when a release needs it

    staged = {}
    for relative, content in regenerate_documents(project, data).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        staged[project.root / relative] = path
    return staged


def release(
    project: Project | None = None,
    *,
    version: str,
    settings: Settings = DEFAULT_SETTINGS,
    date: str | None = None,
    allow_synthetic: bool = False,
    validate: bool = True,
    agreement: bool = True,
    progress: bool = False,
) -> ReleaseReport:
    """Build release `version` aside and move it into place: data/, corpus/splits/assignment.jsonl,
    CHANGELOG.md, the README's front matter and generated block, and the generated documents the new
    release would leave stale (DATASHEET.md, its plots, the guidelines' table). An interrupted or failed
    build leaves the previous release untouched, and a kill at any instant leaves the old release or the
    new one (akhbar.commit). The release holds the project's lock from start to end: an ingest waits."""
    project = project or find_project()
    with project_lock(project, command=f"release {version}"):
        return _release(
            project,
            version=version,
            settings=settings,
            date=date,
            allow_synthetic=allow_synthetic,
            validate=validate,
            agreement=agreement,
            progress=progress,
        )


def _release(
    project: Project,
    *,
    version: str,
    settings: Settings,
    date: str | None,
    allow_synthetic: bool,
    validate: bool,
    agreement: bool,
    progress: bool,
) -> ReleaseReport:
    # The release diffs against the previous one: a damaged one would give false changes (see check_previous).
    previous = manifest.check_previous(project.data, version)
    date = date or datetime.now(UTC).date().isoformat()
    scheme = load_scheme(project.schema)
    if validate:
        from akhbar.validate.gate import require_valid

        require_valid(project)  # stale annotations are left out of the release, and reported
    state = corpus_state(project)
    with Transaction(project) as txn:
        out = txn.stage_folder(project.data)
        work = txn.scratch("build")
        built = build(
            project,
            out,
            work,
            version=version,
            settings=settings,
            assign_new=True,
            scheme=scheme,
            progress=progress,
        )
        if built.report["synthetic_articles"] and not allow_synthetic:
            raise UsageError(
                f"{built.report['synthetic_articles']} articles are synthetic; "
                "only tests and benchmarks release those (allow_synthetic)"
            )
        changes = manifest.changes(project.data, previous, built, work)
        current = manifest.compose(
            version=version,
            date=date,
            corpus={**state, "files": corpus_digest(project, work / ASSIGNMENT_FILE)},
            settings=settings,
            built=built,
            changes=changes,
        )
        manifest.write(out, current, project.data)
        for name, content in documents(project, current, scheme, out, agreement=agreement).items():
            (out / name).write_bytes(content)
        history = manifest.history(out)
        readme = card.rewrite(project.root / "README.md", current, scheme)
        log = changelog.render(history)
        staged = {
            project.root / "README.md": work / "README.md",
            project.root / "CHANGELOG.md": work / "CHANGELOG.md",
        }
        staged[project.root / "README.md"].write_text(readme, "utf-8")
        staged[project.root / "CHANGELOG.md"].write_text(log, "utf-8")
        if agreement:  # the datasheet reports agreement: off with it only in the release benchmark
            staged.update(_stage_documents(project, out, work / "documents"))
        txn.move(work / ASSIGNMENT_FILE, project.corpus / "splits" / ASSIGNMENT_FILE)
        for target, source in staged.items():
            txn.move(source, target)
        txn.commit()  # data/ (history inside), the assignment, README, changelog, documents: one step
    return ReleaseReport(version, current)
