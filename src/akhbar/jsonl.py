"""The corpus's JSON Lines dialect: UTF-8, no BOM, \\n line ends, Arabic as characters, sorted keys.

Writes are atomic: a file is written beside its target and renamed over it, so an interrupted
run leaves the old file whole.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson


def dumps(record: dict[str, Any]) -> bytes:
    """One canonical line: the same record always gives the same bytes."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"


def read(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for a file known to be valid; for untrusted input use the validator."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, orjson.loads(line)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[Any]:
    """A binary handle whose content replaces `path` only if the block finishes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
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
