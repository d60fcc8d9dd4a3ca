"""Generated blocks inside human-written Markdown, between `<!-- NAME:begin -->` and `<!-- NAME:end -->`."""

from __future__ import annotations

import re

from akhbar.errors import UsageError


def markers(name: str, note: str = "") -> tuple[str, str]:
    """The begin and end markers of a block; a `note` (who writes it) is said inside the begin marker."""
    return f"<!-- {name}:begin{': ' + note if note else ''} -->", f"<!-- {name}:end -->"


def block(text: str, name: str, *, where: str) -> str:
    """The current content of a block (without its markers)."""
    begin, end = _find(text, name, where)
    return text[begin:end].strip("\n")


def replace_block(text: str, name: str, content: str, *, where: str) -> str:
    """`text` with the block's content replaced; the markers and everything outside them are kept."""
    begin, end = _find(text, name, where)
    return text[:begin] + "\n" + content.strip("\n") + "\n" + text[end:]


def _find(text: str, name: str, where: str) -> tuple[int, int]:
    begin_marker, end_marker = markers(name)
    begins = [match.end() for match in re.finditer(re.escape(begin_marker), text)]
    ends = [match.start() for match in re.finditer(re.escape(end_marker), text)]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise UsageError(f"{where}: needs exactly one {begin_marker} followed by one {end_marker}")
    return begins[0], ends[0]
