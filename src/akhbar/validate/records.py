"""Checks of one line and one record, with no knowledge of other files."""

from __future__ import annotations

from typing import Any

import orjson

from akhbar import jsonl
from akhbar.corpus import Kind, text_sha256
from akhbar.scheme import Scheme, validator
from akhbar.text.rules import check_text
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
    """The record on a line, or the finding that says why there is none."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        message = str(error)
        if "UTF-8" in message:
            message = "line is not valid UTF-8"
        return None, [Finding(path, line, "json-syntax", None, f"malformed JSON: {message}")]
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


def check_record(
    record: dict[str, Any], raw: bytes, kind: Kind, scheme: Scheme, path: str, line: int
) -> list[Finding]:
    findings: list[Finding] = []
    schema = validator(kind)
    if not schema.is_valid(record):
        for error in schema.iter_errors(record):
            message = error.message
            if message.startswith("False schema"):
                message = f"field not allowed here: {message.split(' does not allow ', 1)[-1]}"
            findings.append(Finding(path, line, "schema", json_path(list(error.instance_path)), message))
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
        findings += _check_labels(record, scheme, path, line)
    if not findings and raw.rstrip(b"\r\n") + b"\n" != jsonl.dumps(record):
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
    spans = record.get("spans")
    if not isinstance(spans, list):
        return findings
    seen = set()
    for index, span in enumerate(spans):
        if not isinstance(span, dict):
            continue
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
        start, end = span.get("start"), span.get("end")
        if isinstance(start, int) and isinstance(end, int) and start >= end:
            findings.append(
                Finding(path, line, "span-bounds", where, f"span start {start} is not before end {end}")
            )
        key = (start, end, label)
        if key in seen:
            findings.append(
                Finding(
                    path,
                    line,
                    "duplicate-span",
                    where,
                    f"span {start}-{end} {label} appears twice in this annotation",
                )
            )
        seen.add(key)
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
    for index, span in enumerate(annotation.get("spans") or []):
        start, end, surface = span.get("start"), span.get("end"), span.get("text")
        if not (isinstance(start, int) and isinstance(end, int)) or start >= end:
            continue
        where = f"$.spans[{index}]"
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
