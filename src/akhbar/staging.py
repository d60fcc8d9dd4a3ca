"""Building aside and moving into place, shared by ingest and release.

Work is written in a staging folder named after the process that owns it; the finished files replace the
old ones by renames, with SIGINT and SIGTERM held for that moment (a held signal is delivered right after,
so Ctrl-C still stops the program, just not between two renames). A staging folder whose process is gone
was left by a killed run and is removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned(folder: Path, pattern: str, pid_of: Callable[[str], str]) -> None:
    """Remove the staging folders matching `pattern` whose owning process (pid_of(name)) has ended."""
    for path in folder.glob(pattern):
        pid = pid_of(path.name)
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while new files replace the old, so no one sees half a commit."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
