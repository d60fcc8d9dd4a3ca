"""Validate a corpus (or some of its files): every record, then the references between them.

Targets and annotations are read first (they are small); the articles are then streamed, in parallel
chunks on large corpora, and every annotation's spans are checked when its article goes by. So memory
holds the annotations and the article ids, never the article texts.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akhbar.corpus import Kind, corpus_files, kind_of
from akhbar.paths import Project, find_project
from akhbar.scheme import Scheme, load_scheme
from akhbar.validate.files import chunks, encoding_finding, lines
from akhbar.validate.findings import Finding, Report
from akhbar.validate.records import check_record, check_spans_against, parse_line

CHUNK_BYTES = 4 << 20
PARALLEL_FROM_BYTES = 8 << 20

# Annotations waiting for their article's text: article id -> [(file shown, line, record)].
# A module global so that forked workers share it without pickling.
_PENDING: dict[str, list[tuple[str, int, dict[str, Any]]]] = {}


@dataclass
class _Chunk:
    findings: list[Finding] = field(default_factory=list)
    span_findings: list[Finding] = field(default_factory=list)
    ids: list[tuple[Any, int]] = field(default_factory=list)
    records: int = 0
    lines: int = 0
    not_utf8: bool = False


def _check_chunk(task: tuple[Path, str, Kind, int, int, Scheme]) -> _Chunk:
    path, shown, kind, start, end, scheme = task
    out = _Chunk()
    crlf_seen = False
    for number, raw, file_findings in lines(path, start, end, shown):
        out.lines = number
        for finding in file_findings:
            if finding.message.startswith("line ends with") and crlf_seen:
                continue
            crlf_seen = crlf_seen or finding.message.startswith("line ends with")
            out.findings.append(finding)
        if not raw.strip():
            out.findings.append(Finding(shown, number, "blank-line", None, "empty line"))
            continue
        record, found = parse_line(raw, shown, number)
        if record is None:
            if found[0].message.endswith("not valid UTF-8"):
                out.not_utf8 = True
                return out
            out.findings += found
            continue
        out.records += 1
        out.findings += check_record(record, raw, kind, scheme, shown, number)
        out.ids.append((record.get("id"), number))
        if kind == "article" and isinstance(record.get("text"), str):
            for ann_shown, ann_line, annotation in _PENDING.get(record.get("id"), ()):  # type: ignore[arg-type]
                out.span_findings += check_spans_against(record["text"], annotation, ann_shown, ann_line)
    return out


@dataclass
class _File:
    path: Path
    shown: str
    kind: Kind


def _collect(paths: Iterable[Path], report: Report) -> list[_File]:
    found: list[_File] = []
    for given in paths:
        candidates = corpus_files(given) if given.is_dir() else [given]
        for path in candidates:
            relative = path.relative_to(given) if given.is_dir() else path
            kind = kind_of(Path(given.name) / relative) if given.is_dir() else kind_of(path.resolve())
            shown = os.path.relpath(path)
            if kind is None:
                report.findings.append(
                    Finding(
                        shown,
                        None,
                        "unknown-file",
                        None,
                        "not under articles/, targets/ or annotations/; not checked",
                    )
                )
            else:
                found.append(_File(path, shown, kind))
    return found


def _check_ids(
    ids: list[tuple[Any, int]], shown: str, kind: str, seen: dict[Any, str], report: Report
) -> None:
    previous = None
    sorted_reported = False
    for record_id, line in ids:
        if not isinstance(record_id, str):
            continue
        if record_id in seen:
            report.findings.append(
                Finding(
                    shown,
                    line,
                    "duplicate-id",
                    "$.id",
                    f"{kind} id {record_id!r} is already used at {seen[record_id]}",
                )
            )
        else:
            seen[record_id] = f"{shown}:{line}"
        if previous is not None and record_id < previous and not sorted_reported:
            report.findings.append(
                Finding(
                    shown,
                    line,
                    "sort-order",
                    "$.id",
                    f"id {record_id!r} comes after {previous!r}; keep lines sorted by id",
                )
            )
            sorted_reported = True
        previous = record_id


def _run_files(files: list[_File], scheme: Scheme, jobs: int, report: Report) -> dict[str, dict[Any, str]]:
    """Check every file; returns the ids seen per kind with where each was first seen."""
    seen: dict[str, dict[Any, str]] = defaultdict(dict)
    tasks: list[tuple[Path, str, Kind, int, int, Scheme]] = []
    for item in files:
        try:
            bad = encoding_finding(item.path, item.shown)
        except OSError as error:
            report.findings.append(
                Finding(item.shown, None, "file-io", None, f"cannot read: {error.strerror}")
            )
            continue
        report.files += 1
        if bad is not None:
            report.findings.append(bad)
            continue
        for start, end in chunks(item.path, CHUNK_BYTES):
            tasks.append((item.path, item.shown, item.kind, start, end, scheme))
    total = sum(end - start for _, _, _, start, end, _ in tasks)
    if jobs > 1 and total >= PARALLEL_FROM_BYTES:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = list(pool.imap(_check_chunk, tasks))
    else:
        results = [_check_chunk(task) for task in tasks]
    offset, current = 0, None
    for task, result in zip(tasks, results, strict=True):
        path, shown, kind = task[0], task[1], task[2]
        if path != current:
            offset, current = 0, path
        report.records[kind] += result.records
        report.findings += [_shift(finding, offset) for finding in result.findings]
        report.findings += result.span_findings
        _check_ids(
            [(record_id, line + offset) for record_id, line in result.ids], shown, kind, seen[kind], report
        )
        offset += result.lines
    return seen


def _shift(finding: Finding, offset: int) -> Finding:
    if not offset or finding.line is None:
        return finding
    return Finding(finding.path, finding.line + offset, finding.rule, finding.json_path, finding.message)


def validate_paths(
    paths: list[Path] | None = None, *, project: Project | None = None, jobs: int | None = None
) -> Report:
    """Validate the given files or folders (default: the project's whole corpus) and report every finding."""
    project = project or find_project()
    scheme = load_scheme()
    report = Report()
    files = _collect(paths or [project.corpus], report)
    by_kind = {
        kind: [item for item in files if item.kind == kind] for kind in ("target", "annotation", "article")
    }
    jobs = jobs or os.cpu_count() or 1

    targets: dict[str, tuple[str, int, list[Any]]] = {}
    annotations: list[tuple[str, int, dict[str, Any]]] = []
    for kind in ("target", "annotation"):
        for item in by_kind[kind]:
            if encoding_finding(item.path, item.shown) is not None:
                continue
            for number, raw, _ in lines(item.path, 0, item.path.stat().st_size, item.shown):
                record, _ = parse_line(raw, item.shown, number) if raw.strip() else (None, [])
                if record is None:
                    continue
                if kind == "target" and isinstance(record.get("id"), str):
                    targets[record["id"]] = (item.shown, number, list(record.get("article_ids") or []))
                elif kind == "annotation":
                    annotations.append((item.shown, number, record))

    _PENDING.clear()
    for shown, number, record in annotations:
        if isinstance(record.get("article_id"), str):
            _PENDING.setdefault(record["article_id"], []).append((shown, number, record))
    try:
        seen = _run_files(
            by_kind["target"] + by_kind["annotation"] + by_kind["article"], scheme, jobs, report
        )
    finally:
        _PENDING.clear()
    _check_references(
        seen.get("article", {}),
        targets,
        annotations,
        bool(by_kind["article"]),
        bool(by_kind["target"]),
        report,
    )
    return report


def _check_references(
    articles: dict[Any, str],
    targets: dict[str, tuple[str, int, list[Any]]],
    annotations: list[tuple[str, int, dict[str, Any]]],
    have_articles: bool,
    have_targets: bool,
    report: Report,
) -> None:
    if not have_articles:
        report.notes.append("no article files were checked, so references to articles were not checked")
    if not have_targets:
        report.notes.append("no target files were checked, so references to stance targets were not checked")
    if have_articles:
        for shown, number, article_ids in targets.values():
            for index, article_id in enumerate(article_ids):
                if isinstance(article_id, str) and article_id not in articles:
                    report.findings.append(
                        Finding(
                            shown,
                            number,
                            "unknown-article",
                            f"$.article_ids[{index}]",
                            f"no article has id {article_id!r}",
                        )
                    )
    for shown, number, record in annotations:
        article_id, target_id = record.get("article_id"), record.get("target_id")
        if have_articles and isinstance(article_id, str) and article_id not in articles:
            report.findings.append(
                Finding(shown, number, "unknown-article", "$.article_id", f"no article has id {article_id!r}")
            )
        if have_targets and isinstance(target_id, str):
            if target_id not in targets:
                report.findings.append(
                    Finding(
                        shown,
                        number,
                        "unknown-target",
                        "$.target_id",
                        f"no stance target has id {target_id!r}",
                    )
                )
            elif article_id not in targets[target_id][2]:
                report.findings.append(
                    Finding(
                        shown,
                        number,
                        "target-not-attached",
                        "$.target_id",
                        f"target {target_id!r} is not attached to article {article_id!r}",
                    )
                )
