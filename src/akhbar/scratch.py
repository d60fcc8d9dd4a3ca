"""A temporary SQLite database: rows sorted or indexed on disk, for passes over a whole corpus that must
not hold every record in memory (the agreement report's votes, validation's annotations).

Nothing in it needs to survive a crash, so it is written without a journal or syncs; it is deleted on
close. Other processes (forked workers) read it through `read_only`, once it is committed.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

BATCH = 10_000  # rows per executemany: bounded memory, few round trips


class ScratchDatabase:
    """A SQLite file in a temporary folder with the given tables; a context manager that deletes it."""

    def __init__(self, prefix: str, tables: str) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix=prefix)
        self.path = Path(self._folder.name) / "scratch.sqlite"
        self.db = sqlite3.connect(self.path)
        try:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE"):
                self.db.execute(f"PRAGMA {pragma}")
            self.db.executescript(tables)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> ScratchDatabase:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def insert(self, statement: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Run an INSERT for every row, in batches (the rows may be a generator over a whole corpus)."""
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                self.db.executemany(statement, batch)
                batch.clear()
        self.db.executemany(statement, batch)

    def close(self) -> None:
        self.db.close()
        self._folder.cleanup()


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a committed scratch database (one per process: never share a connection
    across fork)."""
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
