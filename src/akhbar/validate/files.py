"""Reading a corpus file as lines of bytes, with the file-level rules: encoding, BOM, line ends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from akhbar.jsonl import lines as read_lines
from akhbar.jsonl import open_regular, utf8_problem
from akhbar.validate.findings import Finding

__all__ = ["BOM", "chunks", "guess_encoding", "lines", "utf8_problem"]

BOM = b"\xef\xbb\xbf"
_SAMPLE = 1 << 20
_NAMES = {"cp1256": "windows-1256 (cp1256)", "iso8859_6": "ISO-8859-6"}


def guess_encoding(path: Path) -> str:
    """The likely encoding of a file that is not UTF-8, for the error message."""
    from charset_normalizer import from_bytes  # only needed when a file is not UTF-8: keep start-up fast

    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE)
    best = from_bytes(sample).best()
    if best is None:
        return "an unknown encoding"
    return _NAMES.get(best.encoding, best.encoding)


def chunks(path: Path, size: int) -> list[tuple[int, int]]:
    """Byte ranges of about `size` bytes that start and end on line boundaries."""
    with open_regular(path) as handle:
        total = os.fstat(handle.fileno()).st_size
        bounds = [0]
        while bounds[-1] + size < total:
            handle.seek(bounds[-1] + size)
            handle.readline()
            if handle.tell() >= total:
                break
            bounds.append(handle.tell())
    bounds.append(total)
    return list(pairwise(bounds))


def lines(path: Path, start: int, end: int, shown: str) -> Iterator[tuple[int, bytes, list[Finding]]]:
    """(line number relative to `start`, the line without its end, file-level findings on it)."""
    none: list[Finding] = []
    for number, line, ended in read_lines(path, start, end):
        found = none
        if start == 0 and number == 1 and line.startswith(BOM):
            found = [Finding(shown, number, "file-bom", None, "file starts with a UTF-8 byte-order mark")]
            line = line[len(BOM) :]
        if not ended:
            found = [
                *found,
                Finding(shown, number, "line-ending", None, "last line has no line end (a truncated file?)"),
            ]
        elif line.endswith(b"\r"):
            found = [*found, Finding(shown, number, "line-ending", None, "line ends with \\r\\n; use \\n")]
            line = line[:-1]
        yield number, line, found
