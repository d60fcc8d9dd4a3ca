"""The corpus's JSON Lines dialect: UTF-8, no BOM, \\n line ends, Arabic as characters, sorted keys.

Reading has one loop, `lines`, used by the validator, the ingest adapters, the pre-annotation reader,
the collection registry and `read`. It opens only regular files (a FIFO named *.jsonl would block
forever; only an input named on the command line may be a stream), and `parse` turns a line into a
record or a `LineError` that names the validation rule it breaks, so that bad data always ends as a
finding (file, line, rule), never as a decoder's traceback.

Writes are atomic: a file is written beside its target, synced and renamed over it, and the folder is
synced, so an interrupted run leaves the old file whole. Files get the mode the umask gives (0644 under
umask 022), as a checkout's files have. Several files that must change together go through a
`akhbar.commit.Transaction` instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from akhbar.commit import create_file, fsync_folder


def dumps(record: dict[str, Any]) -> bytes:
    """One canonical line: the same record always gives the same bytes."""
    return canonical(record) + b"\n"


def canonical(record: dict[str, Any]) -> bytes:
    """The canonical form of a record: its line without the line end."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)


# Records of the corpus nest 4 levels at most. Deeper values are refused before anything walks them:
# orjson cannot write more than 255 levels and the schema validator cannot read them.
MAX_DEPTH = 64
BLOCK_BYTES = 4 << 20


class LineError(ValueError):
    """Why a line holds no record; `rule` is the validation rule it breaks."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


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


_CONTAINERS = frozenset((dict, list))


def _too_deep(value: Any) -> bool:
    # A walk over the containers only (orjson makes exactly dicts and lists): a record has a few (an
    # article two), so this costs far less than counting the brackets of a line of several kilobytes.
    level: list[tuple[Any, int]] = [(value, 1)]
    while level:
        item, depth = level.pop()
        for child in item.values() if type(item) is dict else item:
            if type(child) in _CONTAINERS:  # one set lookup: the walk looks at every value of a record
                if depth >= MAX_DEPTH:
                    return True
                level.append((child, depth + 1))
    return False


def parse(raw: bytes) -> dict[str, Any]:
    """The record on one line (without its line end), or a LineError: file-encoding, json-syntax or
    json-depth."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        problem = utf8_problem(raw)
        if problem is not None:
            raise LineError("file-encoding", problem) from None
        if "depth limit" in str(error):
            raise LineError("json-depth", f"values nest deeper than {MAX_DEPTH} levels") from None
        raise LineError("json-syntax", f"malformed JSON: {error}") from None
    if not isinstance(record, dict):
        raise LineError("json-syntax", f"a record must be a JSON object, got {type(record).__name__}")
    if _too_deep(record):
        raise LineError("json-depth", f"values nest deeper than {MAX_DEPTH} levels")
    return record


def open_regular(path: Path, *, streams: bool = False) -> Any:
    """A binary handle on `path`, or OSError when it is not a regular file (a FIFO, a device, a socket
    or a folder), without blocking on it. With `streams`, a FIFO or a character device is opened as
    `cat` would: for an input named on the command line, such as `<(zcat feed.jsonl.gz)`.
    """
    if streams:
        with contextlib.suppress(OSError):  # open() below says what is wrong with the path
            mode = os.stat(path).st_mode
            if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
                return path.open("rb")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a folder" if stat.S_ISDIR(mode) else "a special file"
            raise OSError(errno.EINVAL, f"not a regular file ({kind}); not read", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def lines(
    path: Path, start: int = 0, end: int | None = None, *, streams: bool = False
) -> Iterator[tuple[int, bytes, bool]]:
    """(line number counted from `start`, the line without its \\n, whether it had one) for every line of
    the byte range, blank ones included. The one JSON Lines read loop of the package; OSError when the
    file cannot be read or is not a regular file (see `open_regular` for `streams`).
    """
    with open_regular(path, streams=streams) as handle:
        if start:
            handle.seek(start)
        left = None if end is None else end - start
        number, rest = 0, b""
        while left is None or left > 0:
            block = handle.read(BLOCK_BYTES if left is None else min(BLOCK_BYTES, left))
            if not block:
                break
            if left is not None:
                left -= len(block)
            # One line at a time, not block.split(): each line is freed before the next is cut, so the
            # memory of one serves the next, where a list of every line of a block takes fresh pages (the
            # dearest part of reading, measured), and find is faster than the byte loop of split. The
            # line cut by the block's start is put together alone, not by copying the block.
            start_of_line, find = 0, block.find
            if rest:
                end_of_line = find(b"\n")
                if end_of_line < 0:
                    rest += block
                    continue
                number += 1
                yield number, rest + block[:end_of_line], True
                start_of_line = end_of_line + 1
            while (end_of_line := find(b"\n", start_of_line)) >= 0:
                number += 1
                yield number, block[start_of_line:end_of_line], True
                start_of_line = end_of_line + 1
            rest = block[start_of_line:]
        if rest:
            yield number + 1, rest, False


def records(path: Path, *, streams: bool = False) -> Iterator[tuple[int, dict[str, Any] | LineError]]:
    """(line number, record, or why the line is not one) for every non-blank line of a file whose lines
    are reported one by one (inputs to ingest, predictions). OSError as for `lines`."""
    for number, line, _ in lines(path, streams=streams):
        if line.strip():
            try:
                yield number, parse(line)
            except LineError as error:
                yield number, error


def read(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for every non-blank line of a corpus file.

    Commands validate the corpus before they read it this way; a line that still does not parse (the
    file changed meanwhile, or a caller skipped validation) raises a DataError naming file, line and rule.
    A file that cannot be read raises OSError, which the command line turns into a message.
    """
    from akhbar.errors import DataError

    for number, record in records(path):
        if isinstance(record, LineError):
            raise DataError(f"{path}:{number}: error {record.rule} {record.message}")
        yield number, record


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[Any]:
    """A binary handle whose content replaces `path` only if the block finishes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_file(path.parent, f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records atomically in the order given; returns how many."""
    count = 0
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(dumps(record))
            count += 1
    return count
