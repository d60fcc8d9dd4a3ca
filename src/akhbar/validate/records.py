"""Checks of one line and one record, with no knowledge of other files.

Records come from untrusted files: any field may hold any JSON value, so every check looks at the type
of what it reads before using it, and the schema findings say what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson

from akhbar import jsonl
from akhbar.corpus import Kind, text_sha256
from akhbar.errors import UsageError
from akhbar.scheme import SCHEMA_FILES, Scheme, load_scheme, validator
from akhbar.text.rules import check_text
from akhbar.validate.files import utf8_problem
from akhbar.validate.findings import Finding

TEXT_FIELDS: dict[Kind, tuple[str, ...]] = {
    "article": ("title", "text"),
    "target": ("claim",),
    "annotation": (),
    "split": (),
}


def json_path(parts: list[str | int]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def parse_line(raw: bytes, path: str, line: int) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The record on a line, or the finding that says why there is none (bytes that are not UTF-8 first)."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        problem = utf8_problem(raw)
        if problem is not None:
            return None, [Finding(path, line, "file-encoding", None, problem)]
        return None, [Finding(path, line, "json-syntax", None, f"malformed JSON: {error}")]
    if not isinstance(record, dict):
        return None, [
            Finding(
                path,
                line,
                "json-syntax",
                None,
                f"a record must be a JSON object, got {type(record).__name__}",
            )
        ]
    return record, []


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
            findings.append(Finding(path, line, "text-empty", f"$.{name}", f"{name} is empty"))
            continue
        for found in check_text(value):
            findings.append(Finding(path, line, found.rule, f"$.{name}", found.message))
    if kind == "annotation":
        findings += _check_labels(record, rules.scheme, path, line)
    if schema_ok and jsonl.dumps(record) != raw + b"\n":
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


def _offsets(span: dict[str, Any]) -> tuple[int, int] | None:
    start, end = span.get("start"), span.get("end")
    # bool is an int in Python but not in JSON: the schema reports it.
    if type(start) is int and type(end) is int:
        return start, end
    return None


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
    for index, span in _spans(record):
        where = f"$.spans[{index}]"
        label = span.get("label")
        if isinstance(label, str) and label not in scheme.entity_names:
            findings.append(
                Finding(
                    path,
                    line,
                    "unknown-label",
                    f"{where}.label",
                    f"entity label {label!r} is not in the label scheme",
                )
            )
        offsets = _offsets(span)
        if offsets is None or not isinstance(label, str):
            continue
        start, end = offsets
        if start >= end:
            findings.append(
                Finding(path, line, "span-bounds", where, f"span start {start} is not before end {end}")
            )
        if (start, end, label) in seen:
            findings.append(
                Finding(
                    path,
                    line,
                    "duplicate-span",
                    where,
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
    for index, span in _spans(annotation):
        offsets = _offsets(span)
        if offsets is None or offsets[0] < 0 or offsets[0] >= offsets[1]:
            continue
        start, end = offsets
        where = f"$.spans[{index}]"
        surface = span.get("text")
        if end > len(text):
            findings.append(
                Finding(
                    path,
                    line,
                    "span-bounds",
                    where,
                    f"span end {end} is past the end of the article text ({len(text)} code points)",
                )
            )
        elif text[start:end] != surface:
            findings.append(
                Finding(
                    path,
                    line,
                    "span-text",
                    where,
                    f"text[{start}:{end}] is {text[start:end]!r}, the span says {surface!r}",
                )
            )
    return findings
