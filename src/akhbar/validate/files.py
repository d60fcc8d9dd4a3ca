"""Reading a corpus file as lines of bytes, with the file-level rules: encoding, BOM, line ends."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from akhbar.validate.findings import Finding

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


def utf8_problem(raw: bytes) -> str | None:
    """Why a line is not UTF-8 (where, and the likely cause), or None when it is."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = raw[error.start]
        where = f"byte 0x{byte:02X} at column {error.start + 1}"
        if error.reason == "unexpected end of data":
            return f"line is not valid UTF-8: a character is cut off at its end ({where}; a truncated file?)"
        return f"line is not valid UTF-8: {where} ({error.reason})"
    return None


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
    """(line number relative to `start`, the line without its end, file-level findings on it).

    The range is read at once: ranges are a few MB, and one read and one split cost far less than
    reading line by line.
    """
    with path.open("rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    parts = data.split(b"\n")
    rest = parts.pop()  # after the last line end: empty unless the file's last line has none
    none: list[Finding] = []
    for number, line in enumerate([*parts, rest] if rest else parts, start=1):
        found = none
        if start == 0 and number == 1 and line.startswith(BOM):
            found = [Finding(shown, number, "file-bom", None, "file starts with a UTF-8 byte-order mark")]
            line = line[len(BOM) :]
        if number > len(parts):
            found = [
                *found,
                Finding(shown, number, "line-ending", None, "last line has no line end (a truncated file?)"),
            ]
        elif line.endswith(b"\r"):
            found = [*found, Finding(shown, number, "line-ending", None, "line ends with \\r\\n; use \\n")]
            line = line[:-1]
        yield number, line, found
