"""Compile the corpus into the Parquet files of a release: `build` makes the files of the three configs
in a folder aside (akhbar.release.publish moves them into place with the manifest and documents).

Memory stays flat as the corpus grows: targets, annotations and the split assignment live in a SQLite
index in the build folder (akhbar.release.index), articles are streamed twice by a release (once for the
leakage groups, once for the rows) and once by verify's rebuild, and rows go to Parquet in row groups as
they are made.
"""

from __future__ import annotations

import contextlib
import gc
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from akhbar.corpus import text_sha256
from akhbar.paths import Project
from akhbar.quality.adjudicate import EntityDecision, StanceDecision, adjudicate
from akhbar.registry import load_registry
from akhbar.release.features import features
from akhbar.release.index import (
    ArticleIndex,
    Listed,
    Tally,
    batches,
    connect,
    corpus_sizes,
    index_articles,
    index_side_tables,
    select,
)
from akhbar.release.parquet import ReleaseCheckError, SplitWriter, check_file_schema, sha256_file
from akhbar.release.rows import (
    RowStats,
    annotated,
    article_row,
    codes,
    ner_rows,
    source_spans,
    stance_row,
    terms,
)
from akhbar.release.settings import CONFIGS, SPLITS, Settings
from akhbar.release.splits import (
    ASSIGNMENT_FILE,
    SplitReport,
    assign,
    batch_keys,
    leakage,
    load_kept,
    unassigned,
    write_assignment,
)
from akhbar.scheme import Scheme, load_scheme


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
    tally = Tally()
    db = connect(work / "index.sqlite")
    try:
        index_side_tables(db, project, tally)
        # Verify places no article: its splits are the kept ones, known before an article is read, so its
        # one pass over the articles indexes them too. The release reads them twice: placing a new article
        # needs the keys of every other first.
        index = None if assign_new else ArticleIndex(db, project)
        if assign_new:
            index_articles(db, project, settings, tally)
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
                    features(config, scheme, pair_reason=settings.pair_reason),
                    row_group_rows=settings.row_group_rows,
                    rows_per_file=settings.rows_per_file,
                )
                for split in SPLITS
            }
            for config in CONFIGS
        }
        stats = RowStats()
        # verify counts its articles as it reads them
        known = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] if index is None else None
        with (
            tqdm(total=known, unit="article", disable=not progress, desc="release") as bar,
            _no_cycle_collection(),
        ):
            for batch in batches(project):
                if index is not None:
                    # near-duplicate bands only group articles to place; the leakage figures read the
                    # paragraph and window keys
                    index.add(batch_keys(batch, near=False), tally)
                _write_batch(
                    db, batch, writers, claims, target_terms, scheme, stats, tally, settings.pair_reason
                )
                bar.update(len(batch))
        if index is not None:
            index.close()
            split_report.unassigned = unassigned(db)
        total = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
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
                    problem = check_file_schema(
                        path, features(config, scheme, pair_reason=settings.pair_reason)
                    )
                    if problem:
                        raise ReleaseCheckError(problem)
                    files[f"data/{path.relative_to(out).as_posix()}"] = sha256_file(path)
                    sizes[f"data/{path.relative_to(out).as_posix()}"] = path.stat().st_size
                rows.setdefault(config, {})[split] = writer.rows
        leaks = leakage(db)
        if settings.pair_reason:  # a figure of releases after 0.2.1 (0.2.1 rebuilds without it)
            leaks["claim_pairs_in_another_split"] = _pairs_across_splits(db)
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


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: the rows pass makes millions of short-lived containers
    (records, spans, rows) and no reference cycle, so reference counting frees them all; the collector's
    passes over a batch's live objects took about a sixth of the pass (1.2 s of 7.6 s at 10,000 synthetic
    articles) and found nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    tally: Tally,
    pair_reason: bool = False,
) -> None:
    ids = [article["id"] for article in batch]
    split_of = dict(select(db, "SELECT article_id, split FROM final WHERE article_id IN ({marks})", ids))
    attached: dict[str, list[str]] = {}
    reasons: dict[tuple[str, str], str | None] = {}
    for article_id, target_id, reason in select(
        db,
        "SELECT article_id, target_id, reason FROM attached WHERE article_id IN ({marks}) ORDER BY 1, 2",
        ids,
    ):
        attached.setdefault(article_id, []).append(target_id)
        reasons[article_id, target_id] = reason
    by_article: dict[str, list[dict[str, Any]]] = {}
    for article_id, raw in select(
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
    code = codes(scheme)  # once a batch: the cache's key, the scheme, is slow to hash
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
        # whose work the released labels are, by the annotation records' collection (the card's creators)
        tally.count_each([r["collection"] for r in entity_records], "label_records", "entities")
        for decision in released:
            tally.count_each([r["collection"] for r in _voters(records, decision)], "label_records", "stance")

        made_from = entity_records + [
            item for d in released for item in [*_voters(records, d), target_terms[d.target_id]]
        ]
        row = article_row(article, entities, stances, code, terms(article, made_from))
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
            made = tokens = 0
            for ner in ner_rows(article, entities.spans, split, code, stats, ner_terms, labels, native):
                writers["ner"][split].add(ner)
                made += 1
                tokens += len(ner["tokens"])
            if made:  # counted once per article, not once per row
                tally.count(collection, "rows", {"ner": made})
                tally.count(collection, "tokens", {"ner": tokens})
        for decision, claim in stances:
            if decision.label is not None:
                voters = _voters(records, decision)
                row_terms = terms(article, [*voters, target_terms[decision.target_id]])
                labels = annotated(voters, scheme.stance_names)
                row = stance_row(article, decision, claim, code, row_terms, labels)
                if pair_reason:
                    row["pair_reason"] = reasons.get((article["id"], decision.target_id))
                writers["stance"][split].add(row)
                stats.count("stance", split, [f"stance:{decision.label}"])
                tally.count(collection, "rows", ["stance"])


def _pairs_across_splits(db: sqlite3.Connection) -> dict[str, Any]:
    """Drawn pairs whose article is in another split than the claim's source article (`akhbar stance
    pairs` draws none; a corpus changed between the draw and the release could make some)."""
    found = Listed()
    for target_id, article_id in db.execute(
        "SELECT a.target_id, a.article_id FROM attached a "
        "JOIN attached s ON s.target_id = a.target_id AND s.reason = 'source' "
        "JOIN final fa ON fa.article_id = a.article_id JOIN final fs ON fs.article_id = s.article_id "
        "WHERE fa.split != fs.split ORDER BY 1, 2"
    ):
        found.add({"target_id": target_id, "article_id": article_id})
    return found.to_dict()


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
    tally: Tally,
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
