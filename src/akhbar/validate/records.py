"""Checks of one line and one record, with no knowledge of other files.

Records come from untrusted files: any field may hold any JSON value, so every check looks at the type
of what it reads before using it, and the schema findings say what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from akhbar import jsonl
from akhbar.corpus import Kind, text_sha256
from akhbar.errors import UsageError
from akhbar.scheme import SCHEMA_FILES, Scheme, load_scheme, validator
from akhbar.text.rules import check_text
from akhbar.validate.findings import Finding
from akhbar.validate.spans import offsets as span_offsets
from akhbar.validate.spans import shape_problems, text_problems

TEXT_FIELDS: dict[Kind, tuple[str, ...]] = {
    "article": ("title", "text"),
    "target": ("claim",),
    "annotation": (),
    "split": (),
    "collection": (),
}


def json_path(parts: list[str | int]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def parse_line(raw: bytes, path: str, line: int) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The record on a line, or the finding that says why there is none (bytes that are not UTF-8 first)."""
    try:
        return jsonl.parse(raw), []
    except jsonl.LineError as error:
        return None, [Finding(path, line, error.rule, None, error.message)]


def _schema_message(message: str) -> str:
    # jsonschema-rs words a forbidden field (a `false` subschema) as "False schema does not allow X".
    if message.startswith("False schema"):
        return f"field not allowed here (value {message.split(' does not allow ', 1)[-1]})"
    return message


@dataclass(frozen=True)
class Rules:
    """What checking records needs, loaded once from one project's schema/ folder."""

    scheme: Scheme
    schemas: dict[str, jsonschema_rs.Validator]

    @classmethod
    def load(cls, schema_dir: Path) -> Rules:
        """The label scheme and every compiled schema, or a UsageError that says what is wrong with them."""
        try:
            schemas = {kind: validator(kind, schema_dir) for kind in SCHEMA_FILES}
            return cls(load_scheme(schema_dir), schemas)
        except (OSError, ValueError, KeyError) as error:
            raise UsageError(f"cannot load the schemas and label scheme in {schema_dir}: {error}") from None


def check_record(
    record: dict[str, Any], raw: bytes, kind: Kind, rules: Rules, path: str, line: int
) -> list[Finding]:
    """Schema, text rules, labels and canonical form of one record; `raw` is its line without the line end."""
    findings: list[Finding] = []
    schema = rules.schemas[kind]
    if not schema.is_valid(record):
        for error in schema.iter_errors(record):
            where = json_path(list(error.instance_path))
            findings.append(Finding(path, line, "schema", where, _schema_message(error.message)))
    schema_ok = not findings
    for name in TEXT_FIELDS[kind]:
        value = record.get(name)
        if not isinstance(value, str):
            continue
        if not value.strip():
            # A headline is a title alone: its text is empty by definition (the schema keeps it "").
            if not (name == "text" and value == "" and record.get("kind") == "headline"):
                findings.append(Finding(path, line, "text-empty", f"$.{name}", f"{name} is empty"))
            continue
        for found in check_text(value):
            findings.append(Finding(path, line, found.rule, f"$.{name}", found.message))
    if kind == "annotation":
        findings += _check_labels(record, rules.scheme, path, line)
    if schema_ok and jsonl.canonical(record) != raw:  # no line end added: no copy of a 5 KB line
        findings.append(
            Finding(
                path,
                line,
                "not-canonical",
                None,
                "line is not in canonical form (sorted keys, compact, characters unescaped)",
            )
        )
    return findings


def _spans(record: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The spans of an annotation that are objects, with their index; the schema reports the rest."""
    spans = record.get("spans")
    if not isinstance(spans, list):
        return []
    return [(index, span) for index, span in enumerate(spans) if isinstance(span, dict)]


def _check_labels(record: dict[str, Any], scheme: Scheme, path: str, line: int) -> list[Finding]:
    findings = []
    stance = record.get("stance")
    if isinstance(stance, str) and stance not in scheme.stance_names:
        findings.append(
            Finding(
                path,
                line,
                "unknown-label",
                "$.stance",
                f"stance {stance!r} is not one of {', '.join(scheme.stance_names)}",
            )
        )
    seen = set()
    labels = frozenset(scheme.entity_names)  # once per record: there are tens of spans
    for index, span in _spans(record):
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        # The common case inline (a span of ordered integer offsets and a known label): shape_problems
        # would find nothing, and a call per span cost a third of checking an annotated article.
        if not (
            type(start) is int
            and type(end) is int
            and 0 <= start < end
            and isinstance(label, str)
            and label in labels
        ):
            where = f"$.spans[{index}]"
            for problem in shape_problems(span, labels):
                if problem.rule != "schema":  # the schema has said it already
                    at = f"{where}.{problem.field}" if problem.field else where
                    findings.append(Finding(path, line, problem.rule, at, problem.message))
            offsets = span_offsets(span)
            if offsets is None or not isinstance(label, str):
                continue
            start, end = offsets
        if (start, end, label) in seen:
            findings.append(
                Finding(
                    path,
                    line,
                    "duplicate-span",
                    f"$.spans[{index}]",
                    f"span {start}-{end} {label} appears twice in this annotation",
                )
            )
        seen.add((start, end, label))
    return findings


def check_spans_against(text: str, annotation: dict[str, Any], path: str, line: int) -> list[Finding]:
    """The spans of one annotation against the text of its article."""
    findings = []
    if annotation.get("text_sha256") != text_sha256(text):
        findings.append(
            Finding(
                path,
                line,
                "text-hash",
                "$.text_sha256",
                f"annotation was made on another text of article {annotation.get('article_id')!r}",
            )
        )
    length = len(text)
    for index, span in _spans(annotation):
        start, end = span.get("start"), span.get("end")
        # The common case inline (integer offsets inside the text, around the span's own text):
        # text_problems would find nothing.
        if (
            type(start) is int
            and type(end) is int
            and 0 <= start < end <= length
            and text[start:end] == span.get("text")
        ):
            continue
        for problem in text_problems(span, text):
            findings.append(Finding(path, line, problem.rule, f"$.spans[{index}]", problem.message))
    return findings


def check_collection(
    record: dict[str, Any], registry: dict[str, dict[str, Any]], path: str, line: int
) -> list[Finding]:
    """A record's collection against the registry: it must be there, and the licence must be its licence."""
    name, license_ = record.get("collection"), record.get("license")
    if not isinstance(name, str):
        return []  # the schema reports a missing or mistyped collection
    entry = registry.get(name)
    if entry is None:
        known = ", ".join(sorted(registry)) or "none"
        return [
            Finding(
                path,
                line,
                "unknown-collection",
                "$.collection",
                f"collection {name!r} is not in the registry (known: {known})",
            )
        ]
    if isinstance(license_, str) and license_ != entry.get("license"):
        return [
            Finding(
                path,
                line,
                "license-mismatch",
                "$.license",
                f"license {license_!r} differs from collection {name!r}'s {entry.get('license')!r}",
            )
        ]
    return []
