"""Checking a corpus file in byte ranges (chunks), in this process or in worker processes, and putting
the chunks of a file back together (line numbers, duplicate ids across files, sort order).
"""

from __future__ import annotations

import itertools
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akhbar.corpus import Kind
from akhbar.validate.files import guess_encoding, lines
from akhbar.validate.findings import Finding, Report
from akhbar.validate.pending import Pending, Row, row
from akhbar.validate.records import Rules, check_collection, check_record, check_spans_against, parse_line

WITH_COLLECTION = ("article", "target", "annotation")
# Kinds whose records go to the pending index rather than memory: there is one or more per article.
PENDING = ("annotation", "split")


@dataclass
class Context:
    """What checking a chunk needs besides the chunk, passed to every check (in a worker, once, by the
    pool's initializer: forked workers inherit it instead of pickling it, and the compiled schemas cannot
    be pickled)."""

    rules: Rules
    # The collection registry the records are checked against (None: none known, nothing checked).
    registry: dict[str, dict[str, Any]] | None = None
    # The annotations waiting for their article's text, on disk (None: no annotation files checked).
    pending: Pending | None = None


# Set in a worker process only, by start_worker: the context its pool was started with.
_worker_context: list[Context] = []


@dataclass(frozen=True)
class File:
    path: Path
    shown: str
    kind: Kind


@dataclass(frozen=True)
class Task:
    file: File
    start: int
    end: int


@dataclass
class Chunk:
    # Line numbers relative to the chunk; Finding objects, or their fields once sent by a worker.
    findings: list[Finding | FindingFields] = field(default_factory=list)
    not_utf8: list[Finding | FindingFields] = field(default_factory=list)
    span_findings: list[Finding] = field(default_factory=list)
    keys: list[tuple[str, int]] = field(default_factory=list)
    kept: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # Annotation and split records, reduced to what the pending index keeps.
    rows: list[Row] = field(default_factory=list)
    records: int = 0
    lines: int = 0
    utf8_text: bool = False

    # A worker sends its chunk to the parent pickled: findings travel as plain tuples, which pickle
    # about fifteen times faster than frozen dataclasses (with a finding on every article, pickling
    # the dataclasses cost more than a third of parsing the line). `findings` and `not_utf8` stay
    # tuples in the parent until Merged.add makes each a Finding once, at its line in the file.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in _FINDING_LISTS:
            state[name] = [_fields(found) for found in state[name]]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["span_findings"] = [Finding(*fields) for fields in state["span_findings"]]
        self.__dict__.update(state)


FindingFields = tuple[str, int | None, str, str | None, str]


def _fields(found: Finding | FindingFields) -> FindingFields:
    if isinstance(found, tuple):
        return found
    return (found.path, found.line, found.rule, found.json_path, found.message)


_FINDING_LISTS = ("findings", "not_utf8", "span_findings")


def start_worker(context: Context) -> None:
    # Workers ignore Ctrl-C: the parent alone stops, and ends them, so the user sees one message.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_context[:] = [context]


def check_in_worker(task: Task) -> Chunk:
    return check_chunk(task, _worker_context[0])


def check_chunk(task: Task, context: Context) -> Chunk:
    """Check the lines of one byte range of one file; line numbers are relative to the range."""
    item, out, rules, pending = task.file, Chunk(), context.rules, context.pending
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
            if context.registry is not None and item.kind in WITH_COLLECTION:
                out.findings += check_collection(record, context.registry, item.shown, number)
            key = record.get(key_field)
            if isinstance(key, str):
                out.keys.append((key, number))
            if item.kind in PENDING:
                out.rows.append(row(number, record, raw, item.kind == "annotation"))
            elif item.kind != "article":
                out.kept.append((number, record))
            elif pending is not None and isinstance(key, str) and isinstance(record.get("text"), str):
                for ann_shown, ann_line, annotation in pending.of_article(key):
                    out.span_findings += check_spans_against(record["text"], annotation, ann_shown, ann_line)
    except OSError as error:
        out.findings.append(
            Finding(item.shown, None, "file-io", None, f"cannot read: {error.strerror or error}")
        )
    return out


def _shift(finding: Finding | FindingFields, offset: int) -> Finding:
    """The finding at its line in the file (`offset`: the lines of the file before the chunk)."""
    if isinstance(finding, tuple):
        path, line, rule, json_path, message = finding
        return Finding(path, line if line is None else line + offset, rule, json_path, message)
    if not offset or finding.line is None:
        return finding
    return Finding(finding.path, finding.line + offset, finding.rule, finding.json_path, finding.message)


@dataclass
class Merged:
    """The chunks of one file put back together, with line numbers counted from the top of the file."""

    file: File
    ids: Ids
    findings: list[Finding] = field(default_factory=list)
    not_utf8: list[Finding] = field(default_factory=list)
    kept: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    records: int = 0
    lines: int = 0
    utf8_text: bool = False
    crlf: int = 0
    last_key: str | None = None  # for the sort order, across chunks
    sorted_reported: bool = False

    def add(self, chunk: Chunk) -> None:
        offset = self.lines
        self.ids.check(self, [(key, line + offset) for key, line in chunk.keys])
        for finding in map(_shift, chunk.findings, itertools.repeat(offset)):
            if finding.rule == "line-ending" and finding.message.startswith("line ends with"):
                self.crlf += 1
                if self.crlf > 1:  # one finding per file, with a count, not one per line
                    continue
            self.findings.append(finding)
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


class Ids:
    """Every id seen per kind, with where it was first seen, to find duplicates across files.

    Ids are registered as chunks arrive; their findings go to the file's own list, so that they are
    dropped with it if the file turns out not to be UTF-8.
    """

    def __init__(self) -> None:
        self.where: dict[str, dict[str, int]] = {}  # kind -> id -> file number << 32 | line
        self.files: list[str] = []
        self.numbers: dict[File, int] = {}

    def check(self, merged: Merged, keys: list[tuple[str, int]]) -> None:
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
