"""Validate a corpus (or some of its files): every record, then the references between them.

Targets, annotations and splits are checked first and kept (they are small); the articles are then
streamed, in parallel chunks on large corpora, and every annotation's spans are checked when its
article goes by. So memory holds the annotations and the ids, never the article texts.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akhbar.corpus import Kind, corpus_files, kind_of
from akhbar.paths import Project, find_project
from akhbar.registry import read_registry, registry_path
from akhbar.validate.files import chunks, guess_encoding, lines
from akhbar.validate.findings import Finding, Report
from akhbar.validate.records import Rules, check_collection, check_record, check_spans_against, parse_line

CHUNK_BYTES = 4 << 20
PARALLEL_FROM_BYTES = 8 << 20
_IGNORE_SIGINT = (signal.SIGINT, signal.SIG_IGN)
# Folders of a corpus that hold no records: raw Label Studio exports are archived there unchanged.
NOT_RECORDS = ("exports",)

# What the workers need, set before they start. Module globals so that forked workers inherit them
# instead of pickling them: the compiled schemas (which cannot be pickled), and the annotations waiting
# for their article's text: article id -> [(file shown, line, record)].
_RULES: list[Rules] = []
_PENDING: dict[str, list[tuple[str, int, dict[str, Any]]]] = {}
# The collection registry the records are checked against (empty list: none known, nothing checked).
_REGISTRY: list[dict[str, dict[str, Any]]] = []
_WITH_COLLECTION = ("article", "target", "annotation")


@dataclass(frozen=True)
class _File:
    path: Path
    shown: str
    kind: Kind


@dataclass(frozen=True)
class _Task:
    file: _File
    start: int
    end: int


@dataclass
class _Chunk:
    findings: list[Finding] = field(default_factory=list)
    not_utf8: list[Finding] = field(default_factory=list)
    span_findings: list[Finding] = field(default_factory=list)
    keys: list[tuple[str, int]] = field(default_factory=list)
    kept: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    records: int = 0
    lines: int = 0
    utf8_text: bool = False


def _check_chunk(task: _Task) -> _Chunk:
    """Check the lines of one byte range of one file; line numbers are relative to the range."""
    item, out, rules = task.file, _Chunk(), _RULES[0]
    key_field = "article_id" if item.kind == "split" else "id"
    try:
        for number, raw, file_findings in lines(item.path, task.start, task.end, item.shown):
            out.lines = number
            if file_findings:
                out.findings += file_findings
            if not raw.strip():
                out.findings.append(Finding(item.shown, number, "blank-line", None, "empty line"))
                continue
            record, found = parse_line(raw, item.shown, number)
            if record is None:
                (out.not_utf8 if found[0].rule == "file-encoding" else out.findings).extend(found)
                continue
            out.utf8_text = out.utf8_text or not raw.isascii()
            out.records += 1
            out.findings += check_record(record, raw, item.kind, rules, item.shown, number)
            if _REGISTRY and item.kind in _WITH_COLLECTION:
                out.findings += check_collection(record, _REGISTRY[0], item.shown, number)
            key = record.get(key_field)
            if isinstance(key, str):
                out.keys.append((key, number))
            if item.kind != "article":
                out.kept.append((number, record))
            elif isinstance(key, str) and key in _PENDING and isinstance(record.get("text"), str):
                for ann_shown, ann_line, annotation in _PENDING[key]:
                    out.span_findings += check_spans_against(record["text"], annotation, ann_shown, ann_line)
    except OSError as error:
        out.findings.append(
            Finding(item.shown, None, "file-io", None, f"cannot read: {error.strerror or error}")
        )
    return out


def _shift(finding: Finding, offset: int) -> Finding:
    if not offset or finding.line is None:
        return finding
    return Finding(finding.path, finding.line + offset, finding.rule, finding.json_path, finding.message)


@dataclass
class _Merged:
    """The chunks of one file put back together, with line numbers counted from the top of the file."""

    file: _File
    ids: _Ids
    findings: list[Finding] = field(default_factory=list)
    not_utf8: list[Finding] = field(default_factory=list)
    kept: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    records: int = 0
    lines: int = 0
    utf8_text: bool = False
    crlf: int = 0
    last_key: str | None = None  # for the sort order, across chunks
    sorted_reported: bool = False

    def add(self, chunk: _Chunk) -> None:
        offset = self.lines
        self.ids.check(self, [(key, line + offset) for key, line in chunk.keys])
        for finding in chunk.findings:
            if finding.rule == "line-ending" and finding.message.startswith("line ends with"):
                self.crlf += 1
                if self.crlf > 1:  # one finding per file, with a count, not one per line
                    continue
            self.findings.append(_shift(finding, offset))
        self.not_utf8 += [_shift(finding, offset) for finding in chunk.not_utf8]
        self.kept += [(line + offset, record) for line, record in chunk.kept]
        self.records += chunk.records
        self.lines += chunk.lines
        self.utf8_text = self.utf8_text or chunk.utf8_text

    def finish(self, report: Report) -> bool:
        """Add this file's findings to the report; False when the file is not UTF-8 (nothing else counts)."""
        if self.not_utf8 and not self.utf8_text:
            # Not one line read as UTF-8 text: the whole file is in another encoding. One error says so.
            try:
                guess = guess_encoding(self.file.path)
            except OSError:
                guess = "an unknown encoding"
            report.findings.append(
                Finding(
                    self.file.shown,
                    self.not_utf8[0].line,
                    "file-encoding",
                    None,
                    f"file is not UTF-8 (first bad byte on this line); it looks like {guess}. "
                    "Convert it to UTF-8 (e.g. with iconv) before adding it",
                )
            )
            return False
        if self.crlf > 1:
            first = next(index for index, found in enumerate(self.findings) if found.rule == "line-ending")
            found = self.findings[first]
            self.findings[first] = Finding(
                found.path, found.line, found.rule, None, f"{found.message} ({self.crlf} lines in this file)"
            )
        report.findings += self.findings + self.not_utf8
        report.records[self.file.kind] += self.records
        return True


def _results(tasks: list[_Task], jobs: int) -> Iterator[tuple[_Task, _Chunk]]:
    """Every task with its result, in task order; in worker processes when there is enough to share."""
    total = sum(task.end - task.start for task in tasks)
    if jobs > 1 and len(tasks) > 1 and total >= PARALLEL_FROM_BYTES:
        # fork: the workers inherit _PENDING and the compiled validators instead of rebuilding them. They
        # ignore Ctrl-C: the parent alone stops, and ends them, so the user sees one message, no tracebacks.
        context = multiprocessing.get_context("fork")
        with context.Pool(min(jobs, len(tasks)), initializer=signal.signal, initargs=_IGNORE_SIGINT) as pool:
            yield from zip(tasks, pool.imap(_check_chunk, tasks), strict=True)
    else:
        for task in tasks:
            yield task, _check_chunk(task)


class _Ids:
    """Every id seen per kind, with where it was first seen, to find duplicates across files.

    Ids are registered as chunks arrive; their findings go to the file's own list, so that they are
    dropped with it if the file turns out not to be UTF-8.
    """

    def __init__(self) -> None:
        self.where: dict[str, dict[str, int]] = {}  # kind -> id -> file number << 32 | line
        self.files: list[str] = []
        self.numbers: dict[_File, int] = {}

    def check(self, merged: _Merged, keys: list[tuple[str, int]]) -> None:
        kind, shown = merged.file.kind, merged.file.shown
        seen = self.where.setdefault(kind, {})
        number = self.numbers.get(merged.file)
        if number is None:
            number = self.numbers[merged.file] = len(self.files)
            self.files.append(shown)
        what = "article_id" if kind == "split" else "id"
        for key, line in keys:
            first = seen.get(key)
            if first is None:
                seen[key] = number << 32 | line
            else:
                at = f"{self.files[first >> 32]}:{first & 0xFFFFFFFF}"
                merged.findings.append(
                    Finding(
                        shown,
                        line,
                        "duplicate-id",
                        f"$.{what}",
                        f"{kind} {what} {key!r} is already used at {at}",
                    )
                )
            # Split files keep the order they were written in; the other kinds are sorted by id.
            if (
                kind != "split"
                and merged.last_key is not None
                and key < merged.last_key
                and not merged.sorted_reported
            ):
                merged.findings.append(
                    Finding(
                        shown,
                        line,
                        "sort-order",
                        "$.id",
                        f"id {key!r} comes after {merged.last_key!r}; keep lines sorted by id",
                    )
                )
                merged.sorted_reported = True
            merged.last_key = key


def _check_files(files: list[_File], jobs: int, ids: _Ids, report: Report) -> list[_Merged]:
    """Check every line of the files; returns the files that could be read as UTF-8."""
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
        tasks += [_Task(item, start, end) for start, end in ranges]
    done: list[_Merged] = []
    current: _Merged | None = None
    for task, chunk in _results(tasks, jobs):
        report.findings += chunk.span_findings
        if current is None or current.file is not task.file:
            if current is not None and current.finish(report):
                done.append(current)
            current = _Merged(task.file, ids)
        current.add(chunk)
    if current is not None and current.finish(report):
        done.append(current)
    return done


def _kind(path: Path, project: Project) -> Kind | None:
    """The kind of a file from its folders: inside the project's corpus from there, else the nearest two."""
    full, corpus = Path(os.path.abspath(path)), Path(os.path.abspath(project.corpus))
    parts = full.relative_to(corpus).parts if full.is_relative_to(corpus) else full.parts[-3:]
    return kind_of(Path(*parts))


def _collect(paths: Iterable[Path], project: Project, report: Report) -> list[_File]:
    found: list[_File] = []
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
                found.append(_File(path, shown, kind))
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
    ids = _Ids()

    registries = [item for item in files if item.kind == "collection"]
    small = [item for item in files if item.kind not in ("article", "collection")]
    articles = [item for item in files if item.kind == "article"]
    _RULES[:] = [rules]
    try:
        registry = _registry(registries, project, jobs, ids, report, bool(small or articles))
        _REGISTRY[:] = [registry] if registry is not None else []
        kept = {merged.file: merged.kept for merged in _check_files(small, jobs, ids, report)}
        for item, records in kept.items():
            for line, record in records if item.kind == "annotation" else ():
                if isinstance(record.get("article_id"), str):
                    _PENDING.setdefault(record["article_id"], []).append((item.shown, line, record))
        _check_files(articles, jobs, ids, report)
    finally:
        _PENDING.clear()
        _RULES.clear()
        _REGISTRY.clear()
    _check_references(ids.where.get("article", {}), kept, bool(articles), report)
    return report


def _registry(
    registries: list[_File], project: Project, jobs: int, ids: _Ids, report: Report, needed: bool
) -> dict[str, dict[str, Any]] | None:
    """The collections records are checked against: the registry files among those checked, else the
    project's registry (read, not reported on), else None with a note."""
    if registries:
        found: dict[str, dict[str, Any]] = {}
        for merged in _check_files(registries, jobs, ids, report):
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
    kept: dict[_File, list[tuple[int, dict[str, Any]]]],
    have_articles: bool,
    report: Report,
) -> None:
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

    def missing_article(item: _File, line: int, article_id: Any, where: str) -> None:
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
            else:
                missing_article(item, line, record.get("article_id"), "$.article_id")
                if item.kind == "annotation":
                    _check_target(item, line, record, targets if have_targets else None, report)
    if not have_targets and any(item.kind == "annotation" for item in kept):
        report.notes.append("no target files were checked, so references to stance targets were not checked")


def _check_target(
    item: _File, line: int, record: dict[str, Any], targets: dict[str, list[Any]] | None, report: Report
) -> None:
    target_id, article_id = record.get("target_id"), record.get("article_id")
    if targets is None or not isinstance(target_id, str):
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
