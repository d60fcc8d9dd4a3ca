"""Reading a corpus file as lines of bytes, with the file-level rules: encoding, BOM, line ends."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from charset_normalizer import from_bytes

from akhbar.validate.findings import Finding

BOM = b"\xef\xbb\xbf"
_SAMPLE = 1 << 20


def guess_encoding(path: Path) -> str:
    """The likely encoding of a file that is not UTF-8, for the error message."""
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE)
    best = from_bytes(sample).best()
    if best is None:
        return "unknown"
    return {"cp1256": "windows-1256 (cp1256)", "iso8859_6": "ISO-8859-6"}.get(best.encoding, best.encoding)


def first_bad_utf8_line(path: Path) -> int | None:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def encoding_finding(path: Path, shown: str) -> Finding | None:
    """One clear error for a file that is not UTF-8, naming the likely encoding; None when it is UTF-8."""
    bad = first_bad_utf8_line(path)
    if bad is None:
        return None
    return Finding(
        shown,
        bad,
        "file-encoding",
        None,
        f"file is not UTF-8 (first bad byte on this line); it looks like {guess_encoding(path)}. "
        "Convert it to UTF-8 before adding it",
    )


def chunks(path: Path, size: int) -> list[tuple[int, int]]:
    """Byte ranges of about `size` bytes that start and end on line boundaries."""
    total = path.stat().st_size
    bounds = [0]
    with path.open("rb") as handle:
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
    with path.open("rb") as handle:
        handle.seek(start)
        position = start
        for number, line in enumerate(handle, start=1):
            if position >= end:
                break
            position += len(line)
            raw = line
            found = []
            if start == 0 and number == 1 and raw.startswith(BOM):
                found.append(
                    Finding(shown, number, "file-bom", None, "file starts with a UTF-8 byte-order mark")
                )
                raw = raw[len(BOM) :]
            if raw.endswith(b"\r\n"):
                found.append(Finding(shown, number, "line-ending", None, "line ends with \\r\\n; use \\n"))
                raw = raw[:-2]
            elif raw.endswith(b"\n"):
                raw = raw[:-1]
            else:
                found.append(
                    Finding(
                        shown, number, "line-ending", None, "last line has no line end (a truncated file?)"
                    )
                )
            yield number, raw, found
