"""Streamed, deterministic Parquet writing: rows go out in row groups as they come, so memory does not
grow with the corpus, and the same rows always give the same bytes (no times, fixed writer settings).

Files are `<config>/<split>-NNNNN-of-MMMMM.parquet`, a new file every `rows_per_file` rows; a split with no
rows still gets one file with the full schema and no row group.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datasets import Features

from akhbar.release.features import class_label_paths
from akhbar.release.settings import ROW_GROUP_ROWS, ROWS_PER_FILE

ARROW_BATCH_ROWS = 1_000

WRITER_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "write_page_index": False,
}


class ReleaseCheckError(Exception):
    """A release-time check failed: the data would load wrongly or silently lose information."""


class SplitWriter:
    """Rows of one config and split, buffered by column and written in row groups of `row_group_rows`."""

    def __init__(
        self,
        folder: Path,
        config: str,
        split: str,
        feats: Features,
        *,
        row_group_rows: int = ROW_GROUP_ROWS,
        rows_per_file: int = ROWS_PER_FILE,
    ) -> None:
        self.folder = folder / config
        self.folder.mkdir(parents=True, exist_ok=True)
        self.split = split
        self.schema = feats.arrow_schema
        self.labels = class_label_paths(feats)
        self.row_group_rows = row_group_rows
        self.rows_per_file = rows_per_file
        self.rows = 0
        self.paths: list[Path] = []
        self._buffer: dict[str, list[Any]] = {name: [] for name in self.schema.names}
        self._buffered = 0
        self._batches: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._in_file = 0

    def add(self, row: dict[str, Any]) -> None:
        for name, column in self._buffer.items():
            column.append(row[name])
        self._buffered += 1
        if self._buffered >= ARROW_BATCH_ROWS:
            self._to_arrow()
            while self._pending_rows >= self._room():
                self._write(self._room())

    def _room(self) -> int:
        """Rows that fit in the current row group."""
        return min(self.row_group_rows, self.rows_per_file - self._in_file)

    def _to_arrow(self) -> None:
        """Python rows to an Arrow batch: a row group's worth of Python objects weighs ten times more."""
        if not self._buffered:
            return
        batch = pa.RecordBatch.from_pydict(self._buffer, schema=self.schema)
        self._check_labels(batch)
        self._batches.append(batch)
        self._pending_rows += self._buffered
        self._buffer = {name: [] for name in self.schema.names}
        self._buffered = 0

    def _write(self, take: int) -> None:
        """The first `take` pending rows as one row group, in the current file or a new one."""
        if self._writer is None:
            path = self.folder / f"{self.split}-{len(self.paths):05d}.parquet.part"
            self.paths.append(path)
            self._writer = pq.ParquetWriter(path, self.schema, **WRITER_OPTIONS)
        table = pa.Table.from_batches(self._batches, schema=self.schema)
        self._writer.write_table(table.slice(0, take), row_group_size=self.row_group_rows)
        self._batches = table.slice(take).to_batches()
        self._pending_rows -= take
        self.rows += take
        self._in_file += take
        if self._in_file >= self.rows_per_file:
            self._writer.close()
            self._writer = None
            self._in_file = 0

    def _check_labels(self, table: pa.RecordBatch) -> None:
        """Out-of-range label integers load silently as garbage: refuse them here."""
        for path, label in self.labels.items():
            values = _leaf(table, path)
            if len(values) == 0:
                continue
            bounds = pc.min_max(values).as_py()
            low, high = bounds["min"], bounds["max"]
            if low is None or low < 0 or high >= label.num_classes:
                raise ReleaseCheckError(
                    f"{self.folder.name}/{self.split}: column {path} has label ids {low}..{high}, "
                    f"outside 0..{label.num_classes - 1}"
                )

    def close(self) -> list[Path]:
        """Finish the last file (or write the empty one) and name the files -NNNNN-of-MMMMM."""
        self._to_arrow()
        while self._pending_rows:
            self._write(min(self._pending_rows, self._room()))
        if self._writer is not None:
            self._writer.close()
        elif not self.paths:
            pq.ParquetWriter(self._new_empty_path(), self.schema, **WRITER_OPTIONS).close()
        total = len(self.paths)
        final = []
        for index, path in enumerate(self.paths):
            target = self.folder / f"{self.split}-{index:05d}-of-{total:05d}.parquet"
            path.rename(target)
            final.append(target)
        self.paths = final
        return final

    def _new_empty_path(self) -> Path:
        path = self.folder / f"{self.split}-00000.parquet.part"
        self.paths.append(path)
        return path


def _leaf(table: pa.RecordBatch, path: str) -> pa.Array:
    """The flat values of a (possibly list-nested, struct-nested) column."""
    head, *rest = path.split(".")
    values: pa.Array = table.column(head)
    for name in [None, *rest]:
        while pa.types.is_list(values.type) or pa.types.is_large_list(values.type):
            values = values.flatten()
        if name is not None:
            values = pc.struct_field(values, name)
    return values


def check_file_schema(path: Path, feats: Features) -> str | None:
    """Why the file would not load as the card declares (a declared column missing from a file loads
    silently as nulls), or None."""
    found = pq.read_schema(path)
    expected = feats.arrow_schema
    if found.names != expected.names:
        return f"{path.name}: columns {found.names}, the card declares {expected.names}"
    for field in expected:
        if not found.field(field.name).type.equals(field.type):
            return (
                f"{path.name}: column {field.name} is {found.field(field.name).type}, expected {field.type}"
            )
    return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
