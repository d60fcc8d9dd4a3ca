"""The one check of an entity span ({start, end, label, text}, code-point offsets): used by the validator
on corpus annotations and by Label Studio on pre-annotations and pulled work, so both are as strict.

The check comes in two parts because the validator sees an annotation before its article's text:
`shape_problems` needs only the span (and the labels), `text_problems` the text it points into.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SpanProblem:
    rule: str  # a validation rule id (see validate/catalogue.py)
    field: str | None  # the span's field at fault, None for the span as a whole
    message: str


def offsets(span: dict[str, Any]) -> tuple[int, int] | None:
    """(start, end) when both are JSON integers, else None. `type() is int`: bool is an int in Python but
    not in JSON, and JSON's 5.0 is a number, which json-schema's "integer" lets through but no string
    can be sliced with."""
    start, end = span.get("start"), span.get("end")
    if type(start) is int and type(end) is int:
        return start, end
    return None


def _offset_problem(name: str, value: Any) -> SpanProblem:
    if isinstance(value, float) and value.is_integer():
        return SpanProblem(
            "span-offsets",
            name,
            f"{name} is {value!r}, a decimal number; offsets are integers: write {int(value)}",
        )
    # Anything else (a string, a bool, 5.5, a missing value) breaks the schema, which says so in its words.
    return SpanProblem("schema", name, f"{name} must be an integer, got {value!r}")


def shape_problems(span: Any, labels: Collection[str] | None = None) -> list[SpanProblem]:
    """What is wrong with a span on its own: not an object, offsets that are not integers or not in order,
    a label outside `labels` (when given)."""
    if not isinstance(span, dict):
        return [SpanProblem("schema", None, "a span must be an object")]
    problems = []
    label = span.get("label")
    if not isinstance(label, str):
        problems.append(SpanProblem("schema", "label", f"label must be a string, got {label!r}"))
    elif labels is not None and label not in labels:
        problems.append(
            SpanProblem("unknown-label", "label", f"entity label {label!r} is not in the label scheme")
        )
    found = offsets(span)
    if found is None:
        problems += [
            _offset_problem(name, span.get(name))
            for name in ("start", "end")
            if type(span.get(name)) is not int
        ]
        return problems
    start, end = found
    if start < 0:
        problems.append(SpanProblem("schema", "start", f"span start {start} is negative"))
    elif start >= end:
        problems.append(SpanProblem("span-bounds", None, f"span start {start} is not before end {end}"))
    return problems


def text_problems(span: Any, text: str) -> list[SpanProblem]:
    """What is wrong with a span against the text it points into: an end past the text, or a stored text
    other than text[start:end]. Nothing for spans whose offsets `shape_problems` refuses."""
    found = offsets(span) if isinstance(span, dict) else None
    if found is None or found[0] < 0 or found[0] >= found[1]:
        return []
    start, end = found
    if end > len(text):
        return [
            SpanProblem(
                "span-bounds",
                None,
                f"span end {end} is past the end of the article text ({len(text)} code points)",
            )
        ]
    surface = span.get("text")
    if text[start:end] != surface:
        return [
            SpanProblem(
                "span-text", None, f"text[{start}:{end}] is {text[start:end]!r}, the span says {surface!r}"
            )
        ]
    return []


def span_problems(span: Any, text: str, labels: Collection[str]) -> list[SpanProblem]:
    """Every problem of a span that must fit `text` with a label in `labels`."""
    return shape_problems(span, labels) + text_problems(span, text)
