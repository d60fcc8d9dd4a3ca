"""The one JSON Lines read loop: every line of a byte range, cut one at a time across read blocks."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from akhbar import jsonl


def reference_lines(data: bytes, start: int, end: int) -> list[tuple[int, bytes, bool]]:
    """What `lines` must give: the byte range split on \\n, the last piece without a line end if any."""
    parts = data[start:end].split(b"\n")
    found = [(number, line, True) for number, line in enumerate(parts[:-1], 1)]
    if parts[-1]:
        found.append((len(parts), parts[-1], False))
    return found


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64, jsonl.BLOCK_BYTES])
def test_lines_are_the_range_split_on_line_ends_whatever_the_block_size(
    block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", block)
    rng = random.Random(block)
    pieces = [b"\n", b"\n\n", b"\r\n", b'{"a":1}', "نص عربي".encode(), b"x" * 150, b""]
    for case in range(60):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        path = tmp_path / f"{case}.jsonl"
        path.write_bytes(data)
        start = rng.randint(0, len(data))
        end = rng.randint(start, len(data))
        assert list(jsonl.lines(path, start, end)) == reference_lines(data, start, end), (data, start, end)
        assert list(jsonl.lines(path)) == reference_lines(data, 0, len(data))
