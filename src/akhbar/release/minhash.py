"""Near-duplicate keys for many articles at once: one-permutation MinHash with LSH bands, in numpy.

Each folded text (`corpus.fold`) becomes the set of its character 5-grams. A 5-gram is hashed once
(a polynomial over its code points, then the splitmix64 finaliser); the hash's low 7 bits choose one
of 128 bins and the rest is the value, and each bin keeps its minimum: one-permutation hashing (Li,
Owen and Zhang 2012), which estimates Jaccard similarity like 128 separate permutations at the cost
of one hash per 5-gram. A text of few 5-grams counts each several times over (with a copy number, which
keeps Jaccard similarity as it is), and bins still empty borrow the next filled bin's value,
offset by the distance (rotation densification, Shrivastava and Li 2014), so that two short texts do
not look alike just because both left the same bins empty.

16 bands of 8 bins: two texts share a band key with high probability above Jaccard similarity of
about (1/16)**(1/8) = 0.71, as the datasketch MinHash this replaces did; the whole batch is a few
array operations, so the cost per article is a few microseconds of numpy instead of a Python loop
over its 5-grams.
"""

from __future__ import annotations

import numpy as np

SHINGLE = 5
BINS = 128
BANDS = 16
ROWS = BINS // BANDS
EXPAND_TO = 4 * BINS  # elements a short text is expanded to (see _expand)
MAX_COPIES = 64
_EMPTY = np.iinfo(np.uint64).max
_ROTATION = np.uint64(0x9E3779B97F4A7C15)  # added per bin of distance when a bin borrows its value


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit (numpy integers wrap)."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def signatures(folded: list[str]) -> np.ndarray:
    """One row of BINS uint64 per text; a row of _EMPTY for a text shorter than one 5-gram."""
    lengths = np.fromiter((len(text) for text in folded), dtype=np.int64, count=len(folded))
    out = np.full((len(folded), BINS), _EMPTY, dtype=np.uint64)
    points = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    windows = len(points) - SHINGLE + 1
    if windows <= 0:
        return out
    hashes = np.zeros(windows, dtype=np.uint64)
    for offset in range(SHINGLE):
        hashes = hashes * np.uint64(1_000_003) + points[offset : offset + windows]
    hashes = _mix(hashes)
    # A window belongs to the text it starts in, and counts only if it ends inside that text.
    owner = np.repeat(np.arange(len(folded)), lengths)[:windows]
    ends = np.cumsum(lengths)[owner]
    inside = np.arange(windows) + SHINGLE <= ends
    hashes, owner = _expand(hashes[inside], owner[inside], len(folded))
    flat = out.reshape(-1)
    np.minimum.at(
        flat, owner * BINS + (hashes & np.uint64(BINS - 1)).astype(np.int64), hashes >> np.uint64(7)
    )
    return _densify(out)


def _expand(hashes: np.ndarray, owner: np.ndarray, texts: int) -> tuple[np.ndarray, np.ndarray]:
    """Each 5-gram of a text with few of them becomes several elements (the 5-gram with a copy number),
    enough to reach most bins: the Jaccard similarity of two expanded sets is that of the sets, while
    without it a short text leaves runs of empty bins whose borrowed values hang on one 5-gram, and two
    unrelated short texts sharing that one 5-gram would share a band."""
    counts = np.bincount(owner, minlength=texts)
    copies = np.clip(-(-EXPAND_TO // np.maximum(counts, 1)), 1, MAX_COPIES)
    repeat = copies[owner]
    hashes, owner = np.repeat(hashes, repeat), np.repeat(owner, repeat)
    copy = np.arange(len(hashes)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    return _mix(hashes ^ (copy.astype(np.uint64) * _ROTATION)), owner


def _densify(signature: np.ndarray) -> np.ndarray:
    empty = signature == _EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if len(rows) == 0:
        return signature
    part = np.concatenate([signature[rows], signature[rows]], axis=1)
    filled = np.concatenate([~empty[rows], ~empty[rows]], axis=1)
    positions = np.where(filled, np.arange(2 * BINS), 2 * BINS)
    following = np.minimum.accumulate(positions[:, ::-1], axis=1)[:, ::-1][:, :BINS]
    distance = (following - np.arange(BINS)).astype(np.uint64)
    borrowed = np.take_along_axis(part, following, axis=1) + distance * _ROTATION
    signature[rows] = np.where(empty[rows], borrowed, signature[rows])
    return signature


def band_keys(folded: list[str]) -> list[list[str]]:
    """The LSH band keys of each text; texts sharing a key are near-duplicate candidates."""
    signature = signatures(folded)
    bands = signature.reshape(len(folded), BANDS, ROWS)
    # One 64-bit value per band: the band's 8 values folded through the mixer.
    combined = np.zeros((len(folded), BANDS), dtype=np.uint64)
    for row in range(ROWS):
        combined = _mix(combined ^ bands[:, :, row])
    keys: list[list[str]] = []
    for text, values, signature_row in zip(folded, combined.tolist(), signature, strict=True):
        if len(text) < SHINGLE or signature_row[0] == _EMPTY:
            keys.append([])
        else:
            keys.append([f"near:{band}:{value:016x}" for band, value in enumerate(values)])
    return keys
