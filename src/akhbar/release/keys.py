"""The leakage keys of the articles as numbers, in bucket files beside the release's SQLite index, and
what two or more articles share: the groups (connected components) and the keys across splits.

Nearly every key is a number already: a near-duplicate band key (band, 64-bit value), a winnowed
window (64-bit) and a long paragraph (the 128 bits of sha256 its text key spells). Kept as (kind, hi,
lo) they sort and compare in numpy; each key goes to the bucket its low bits choose, so that the keys
two articles share meet in one bucket and memory holds one bucket at a time however large the corpus.
The exact-duplicate and story keys (one or two per article, text) stay in the SQLite index. Each
number is the key itself, not a hash of it: two keys are equal as numbers exactly when their text
(`splits.group_keys`) is equal, so the groups are those the text keys make.

An article is its number: its row in the index's `articles` table (0, 1, ... in corpus order).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

KIND_WINDOW = 16  # kinds 0-15: the near-duplicate band of that number
KIND_PARAGRAPH = 17
KINDS = {KIND_WINDOW: "win:", KIND_PARAGRAPH: "para:"}
RECORD = np.dtype([("kind", "<i8"), ("hi", "<u8"), ("lo", "<u8"), ("article", "<i8")])
BUCKET_BYTES = 16 << 20  # about one bucket per this many bytes of articles (a few MB of keys each)
MAX_BUCKETS = 256


def bucket_count(article_bytes: int) -> int:
    """A power of two between 16 and MAX_BUCKETS: so that one bucket in memory stays small."""
    count = 16
    while count < MAX_BUCKETS and count * BUCKET_BYTES < article_bytes:
        count *= 2
    return count


def bucket_paths(folder: Path) -> list[Path]:
    return sorted(folder.glob("keys-*.bin"))


class KeyBuckets:
    """Numeric keys appended to `count` files in `folder` (fresh ones: earlier files are removed)."""

    def __init__(self, folder: Path, count: int = 16) -> None:
        for path in [*folder.glob("shared-*.npz"), *folder.glob("keys-*.bin")]:
            path.unlink()  # an earlier index's
        self.count = count
        self.handles = [(folder / f"keys-{bucket:03d}.bin").open("wb") for bucket in range(count)]

    def add(self, records: np.ndarray) -> None:
        bucket = (records["lo"] & np.uint64(self.count - 1)).astype(np.uint8)
        order = np.argsort(bucket, kind="stable")  # a radix sort, for one byte
        ends = np.cumsum(np.bincount(bucket, minlength=self.count))
        ordered = records[order]
        for index, handle in enumerate(self.handles):
            part = ordered[(ends[index - 1] if index else 0) : ends[index]]
            if len(part):
                handle.write(part.tobytes())

    def close(self) -> None:
        for handle in self.handles:
            handle.close()


def shared_runs(folder: Path) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per bucket, the keys held by two or more distinct articles: (run, article, kind) arrays, one
    element per (key, article), sorted by key then article, `run` numbering the keys within the bucket.
    Found once per index and kept beside the buckets (the groups and then the leakage read them)."""
    for bucket, path in enumerate(bucket_paths(folder)):
        found = folder / f"shared-{bucket:03d}.npz"
        if not found.is_file():
            np.savez(found, *_shared(np.fromfile(path, dtype=RECORD) if path.is_file() else None))
        with np.load(found) as saved:
            run, article, kind = saved["arr_0"], saved["arr_1"], saved["arr_2"]
        if len(run):
            yield run, article, kind


def _shared(records: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    empty = np.zeros(0, dtype=np.int64)
    if records is None or len(records) < 2:
        return empty, empty, empty
    # Only keys whose low 64 bits recur can be shared: a quick sort on those bits finds them, and the
    # exact sort (kind, hi, lo, article) runs on those few.
    lo = np.sort(records["lo"])
    recurring = lo[1:][lo[1:] == lo[:-1]]
    records = records[np.isin(records["lo"], recurring)]
    order = np.lexsort((records["article"], records["lo"], records["hi"], records["kind"]))
    records = records[order]
    kind, hi, lo, article = records["kind"], records["hi"], records["lo"], records["article"]
    new_key = np.ones(len(records), dtype=bool)
    new_key[1:] = (kind[1:] != kind[:-1]) | (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
    keep = new_key.copy()  # the same key twice in one article counts once
    keep[1:] |= article[1:] != article[:-1]
    run = np.cumsum(new_key[keep]) - 1
    article, kind = article[keep], kind[keep]
    shared = np.bincount(run)[run] > 1 if len(run) else np.zeros(0, dtype=bool)
    run = np.unique(run[shared], return_inverse=True)[1] if shared.any() else run[shared]
    return run.astype(np.int64), article[shared], kind[shared]


def components(count: int, edges: Iterator[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """For `count` articles and batches of edges (article a, article b), the smallest article number of
    each article's connected component (label propagation with pointer jumping, batch after batch: once
    a batch's edges join their ends, later merges of whole components keep them joined)."""
    label = np.arange(count, dtype=np.int64)
    for a, b in edges:
        while True:
            left, right = label[a], label[b]
            apart = left != right
            if not apart.any():
                break
            low = np.minimum(left[apart], right[apart])
            np.minimum.at(label, left[apart], low)
            np.minimum.at(label, right[apart], low)
            while True:  # every label to its root
                jumped = label[label]
                if np.array_equal(jumped, label):
                    break
                label = jumped
    return label


def run_edges(run: np.ndarray, article: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each member of a run (sorted by run) with the run's first member."""
    first = np.ones(len(run), dtype=bool)
    first[1:] = run[1:] != run[:-1]
    starts = np.flatnonzero(first)
    head = article[starts][np.cumsum(first) - 1]
    return head[~first], article[~first]


def crossing(folder: Path, split_of: np.ndarray, kind: int) -> tuple[int, np.ndarray]:
    """Keys of `kind` whose articles are in two or more splits (`split_of`: a split number per article,
    -1 for an article with none, which does not count), and the articles holding them."""
    keys = 0
    holders: list[np.ndarray] = []
    for run, article, kinds in shared_runs(folder):
        mine = kinds == kind
        run, article = run[mine], article[mine]
        splits = split_of[article]
        placed = splits >= 0
        run, article, splits = run[placed], article[placed], splits[placed]
        if not len(run):
            continue
        size = int(run.max()) + 1
        low = np.full(size, 127, dtype=np.int64)
        high = np.full(size, -1, dtype=np.int64)
        np.minimum.at(low, run, splits)
        np.maximum.at(high, run, splits)
        crossed = (high > low) & (high >= 0)
        keys += int(crossed.sum())
        holders.append(article[crossed[run]])
    return keys, np.unique(np.concatenate(holders)) if holders else np.zeros(0, dtype=np.int64)
