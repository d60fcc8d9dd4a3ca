"""Validate a corpus (or some of its files): every record, then the references between them.

Targets, annotations and splits are checked first: the targets are kept (they are few), the annotation
and split records go to an on-disk index keyed by article id (validate.pending). The articles are then
streamed, in parallel chunks on large corpora, and every annotation's spans are checked when its article
goes by. So memory holds the ids and the targets, never the article texts or the annotations.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from akhbar.corpus import Kind, corpus_files, kind_of
from akhbar.paths import Project, find_project
from akhbar.registry import OWN, read_registry, registry_path
from akhbar.stance.claims import claim_key
from akhbar.validate.chunk import (
    Chunk,
    Context,
    File,
    Ids,
    Merged,
    Task,
    check_chunk,
    check_in_worker,
    start_worker,
)
from akhbar.validate.files import chunks
from akhbar.validate.findings import Finding, Report
from akhbar.validate.pending import Pending, Reference
from akhbar.validate.records import Rules

CHUNK_BYTES = 4 << 20
PARALLEL_FROM_BYTES = 8 << 20
# Folders of a corpus that hold no records: raw Label Studio exports are archived there unchanged.
NOT_RECORDS = ("exports",)


def _results(tasks: list[Task], jobs: int, context: Context) -> Iterator[tuple[Task, Chunk]]:
    """Every task with its result, in task order; in worker processes when there is enough to share."""
    total = sum(task.end - task.start for task in tasks)
    if jobs > 1 and len(tasks) > 1 and total >= PARALLEL_FROM_BYTES:
        # fork: the initializer's argument (the context) is inherited, not pickled.
        processes = multiprocessing.get_context("fork")
        with processes.Pool(min(jobs, len(tasks)), initializer=start_worker, initargs=(context,)) as pool:
            yield from zip(tasks, pool.imap(check_in_worker, tasks), strict=True)
    else:
        for task in tasks:
            yield task, check_chunk(task, context)


def _check_files(files: list[File], jobs: int, ids: Ids, report: Report, context: Context) -> list[Merged]:
    """Check every line of the files; returns the files that could be read as UTF-8 (their annotation and
    split records go to the context's pending index, the others stay in Merged.kept)."""
    tasks = []
    for item in files:
        try:
            ranges = chunks(item.path, CHUNK_BYTES)
        except OSError as error:
            report.findings.append(
                Finding(item.shown, None, "file-io", None, f"cannot read: {error.strerror or error}")
            )
            continue
        report.files += 1
        tasks += [Task(item, start, end) for start, end in ranges]
    done: list[Merged] = []
    current: Merged | None = None
    for task, chunk in _results(tasks, jobs, context):
        report.findings += chunk.span_findings
        if current is None or current.file is not task.file:
            if current is not None:
                _finish(current, report, done, context.pending)
            current = Merged(task.file, ids)
        if chunk.rows and context.pending is not None:
            context.pending.add(task.file.shown, current.lines, chunk.rows)
        current.add(chunk)
    if current is not None:
        _finish(current, report, done, context.pending)
    return done


def _finish(merged: Merged, report: Report, done: list[Merged], pending: Pending | None) -> None:
    if merged.finish(report):
        done.append(merged)
    elif pending is not None:
        pending.drop(merged.file.shown)  # not UTF-8: none of its records count


def _kind(path: Path, project: Project) -> Kind | None:
    """The kind of a file from its folders: inside the project's corpus from there, else the nearest two."""
    full, corpus = Path(os.path.abspath(path)), Path(os.path.abspath(project.corpus))
    parts = full.relative_to(corpus).parts if full.is_relative_to(corpus) else full.parts[-3:]
    return kind_of(Path(*parts))


def _collect(paths: Iterable[Path], project: Project, report: Report) -> list[File]:
    found: list[File] = []
    seen: set[str] = set()
    for given in paths:
        if given.is_dir():
            candidates = [
                path
                for path in corpus_files(given)
                if not set(path.relative_to(given).parts[:-1]) & set(NOT_RECORDS)
            ]
            if not candidates:
                report.notes.append(f"no .jsonl files under {os.path.relpath(given)}")
        else:
            candidates = [given]
        for path in candidates:
            if os.path.abspath(path) in seen:
                continue
            seen.add(os.path.abspath(path))
            shown = os.path.relpath(path)
            kind = _kind(path, project)
            if kind is None:
                report.findings.append(
                    Finding(
                        shown,
                        None,
                        "unknown-file",
                        None,
                        "not under collections/, articles/, targets/, annotations/ or splits/; not checked",
                    )
                )
            else:
                found.append(File(path, shown, kind))
    return found


def validate_paths(
    paths: list[Path] | None = None, *, project: Project | None = None, jobs: int | None = None
) -> Report:
    """Validate the given files or folders (default: the project's whole corpus) and report every finding.

    The schemas and the label scheme come from the project's schema/ folder. `jobs` is the number of
    worker processes for large inputs (default: every core).
    """
    project = project or find_project()
    rules = Rules.load(project.schema)
    report = Report()
    files = _collect(paths or [project.corpus], project, report)
    jobs = jobs or os.cpu_count() or 1
    ids = Ids()

    registries = [item for item in files if item.kind == "collection"]
    small = [item for item in files if item.kind not in ("article", "collection")]
    articles = [item for item in files if item.kind == "article"]
    registry = _registry(registries, project, jobs, ids, report, bool(small or articles), Context(rules))
    pending = Pending()
    try:
        context = Context(rules, registry, pending)
        kept = {merged.file: merged.kept for merged in _check_files(small, jobs, ids, report, context)}
        pending.seal()
        _check_files(articles, jobs, ids, report, context)
        _check_references(ids.where.get("article", {}), kept, pending, bool(articles), report)
    finally:
        pending.close()
    return report


def _registry(
    registries: list[File],
    project: Project,
    jobs: int,
    ids: Ids,
    report: Report,
    needed: bool,
    context: Context,
) -> dict[str, dict[str, Any]] | None:
    """The collections records are checked against: the registry files among those checked, else the
    project's registry (read, not reported on), else None with a note."""
    if registries:
        found: dict[str, dict[str, Any]] = {}
        for merged in _check_files(registries, jobs, ids, report, context):
            for _, record in merged.kept:
                if isinstance(record.get("id"), str):
                    found.setdefault(record["id"], record)
        return found
    path = registry_path(project)
    if path.is_file():
        return read_registry(path)
    if needed:
        report.notes.append(
            f"no collection registry ({os.path.relpath(path)}), so collections and licences were not checked"
        )
    return None


def _check_references(
    articles: dict[str, int],
    kept: dict[File, list[tuple[int, dict[str, Any]]]],
    pending: Pending,
    have_articles: bool,
    report: Report,
) -> None:
    """The references of the files in `kept` (their records for targets; for annotations and splits,
    an empty list there, the records in `pending`), in file and line order."""
    have_targets = any(item.kind == "target" for item in kept)
    if kept and not have_articles:
        report.notes.append("no article files were checked, so references to articles were not checked")
    targets: dict[str, list[Any]] = {}
    for item, records in kept.items():
        if item.kind == "target":
            for _, record in records:
                if isinstance(record.get("id"), str):
                    ids = record.get("article_ids")
                    targets.setdefault(record["id"], ids if isinstance(ids, list) else [])

    def missing_article(item: File, line: int, article_id: Any, where: str) -> None:
        if have_articles and isinstance(article_id, str) and article_id not in articles:
            report.findings.append(
                Finding(item.shown, line, "unknown-article", where, f"no article has id {article_id!r}")
            )

    for item, records in kept.items():
        for line, record in records:
            if item.kind == "target":
                ids = record.get("article_ids")
                for index, article_id in enumerate(ids if isinstance(ids, list) else []):
                    missing_article(item, line, article_id, f"$.article_ids[{index}]")
        for reference in pending.references(item.shown):
            missing_article(item, reference.line, reference.article_id, "$.article_id")
            if item.kind == "annotation":
                _check_target(item, reference, targets if have_targets else None, report)
    if not have_targets and any(item.kind == "annotation" for item in kept):
        report.notes.append("no target files were checked, so references to stance targets were not checked")
    _check_duplicate_claims(kept, report)


def _check_duplicate_claims(kept: dict[File, list[tuple[int, dict[str, Any]]]], report: Report) -> None:
    """`duplicate-claim`: each target of the project's own collection whose claim key another target has,
    pointing at that one (the first other holder, in file and line order; of two own claims, the later
    one is reported)."""
    holders: dict[str, list[tuple[File, int, dict[str, Any]]]] = {}
    for item, records in kept.items():
        if item.kind != "target":
            continue
        for line, record in records:
            if isinstance(record.get("claim"), str) and record["claim"].strip():
                holders.setdefault(claim_key(record["claim"]), []).append((item, line, record))
    for found in holders.values():
        if len(found) < 2:
            continue
        for index, (item, line, record) in enumerate(found):
            if record.get("collection") != OWN:
                continue
            others = [
                other
                for position, other in enumerate(found)
                if position < index or other[2].get("collection") != OWN
            ]
            others = [other for other in others if other[2] is not record]
            if not others:
                continue
            first, first_line, first_record = others[0]
            report.findings.append(
                Finding(
                    item.shown,
                    line,
                    "duplicate-claim",
                    "$.claim",
                    f"the claim duplicates target {first_record.get('id')!r} ({first.shown}:{first_line}) "
                    "after normalisation",
                )
            )


def _check_target(
    item: File, reference: Reference, targets: dict[str, list[Any]] | None, report: Report
) -> None:
    line, target_id, article_id = reference.line, reference.target_id, reference.article_id
    if targets is None or target_id is None:
        return
    if target_id not in targets:
        report.findings.append(
            Finding(
                item.shown, line, "unknown-target", "$.target_id", f"no stance target has id {target_id!r}"
            )
        )
    elif article_id not in targets[target_id]:
        report.findings.append(
            Finding(
                item.shown,
                line,
                "target-not-attached",
                "$.target_id",
                f"target {target_id!r} is not attached to article {article_id!r}",
            )
        )
