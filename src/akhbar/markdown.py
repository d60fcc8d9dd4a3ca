"""The one Markdown table writer of the generated documents (card, datasheet, licences, guidelines,
agreement figures, the NewsFANE mapping)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    """The lines of a table. `align` has one letter a column, `l` or `r` (right, for numbers); columns it
    does not reach are left-aligned. Cells are written as given (escape `|` before)."""
    rule = ["---:" if side == "r" else "---" for side in align.ljust(len(header), "l")]
    return [_row(header), _row(rule), *(_row(row) for row in rows)]


def numbers_after(header: Sequence[str], text_columns: int) -> str:
    """The alignment of a table whose first `text_columns` are text and the rest numbers."""
    return "l" * text_columns + "r" * (len(header) - text_columns)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
