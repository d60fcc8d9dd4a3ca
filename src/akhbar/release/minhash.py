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
about (1/16)**(1/8) = 0.71, as the datasketch MinHash this replaces did. The loop over the 5-grams of a
batch is compiled (release.kernels): about 10 ns per character; the bands are a few array operations.

The keys are part of what `akhbar verify` rebuilds byte for byte (the split assignment of release 0.2.1
was made from them): any change here must keep every key as it is, which tests/release/test_keys.py
checks against the reference in tests/release/reference_keys.py.
"""

from __future__ import annotations

import numpy as np

SHINGLE = 5
BINS = 128
BANDS = 16
ROWS = BINS // BANDS
EXPAND_TO = 4 * BINS  # elements a short text is expanded to (see kernels.minhash_bins)
MAX_COPIES = 64
_EMPTY = np.iinfo(np.uint64).max
_ROTATION = np.uint64(0x9E3779B97F4A7C15)  # added per bin of distance when a bin borrows its value
_POLY = np.uint64(1_000_003)
_BAND_PREFIXES = [f"near:{band}:" for band in range(BANDS)]


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit (numpy integers wrap). A new
    array; the steps work in place on it, since allocating an array per step costs as much as the step."""
    mixed = values >> np.uint64(30)
    mixed ^= values
    mixed *= np.uint64(0xBF58476D1CE4E5B9)
    shifted = mixed >> np.uint64(27)
    mixed ^= shifted
    mixed *= np.uint64(0x94D049BB133111EB)
    np.right_shift(mixed, np.uint64(31), out=shifted)
    mixed ^= shifted
    return mixed


def signatures(folded: list[str]) -> np.ndarray:
    """One row of BINS uint64 per text; a row of _EMPTY for a text shorter than one 5-gram."""
    from akhbar.release.kernels import minhash_bins  # compiles (or loads) the loop on first use

    out = np.full((len(folded), BINS), _EMPTY, dtype=np.uint64)
    starts = np.zeros(len(folded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, folded), dtype=np.int64, count=len(folded)), out=starts[1:])
    points = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32)
    minhash_bins(points, starts, out, SHINGLE, _POLY, EXPAND_TO, MAX_COPIES, _ROTATION)
    return _densify(out)


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


def band_values(folded: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The 16 band values of each text (texts x BANDS uint64) and whether the text has band keys (a text
    shorter than one 5-gram has none)."""
    signature = signatures(folded)
    bands = signature.reshape(len(folded), BANDS, ROWS)
    # One 64-bit value per band: the band's 8 values folded through the mixer.
    combined = np.zeros((len(folded), BANDS), dtype=np.uint64)
    for row in range(ROWS):
        combined ^= bands[:, :, row]
        combined = _mix(combined)
    lengths = np.fromiter(map(len, folded), dtype=np.int64, count=len(folded))
    return combined, (signature[:, 0] != _EMPTY) & (lengths >= SHINGLE)


def band_keys(folded: list[str]) -> list[list[str]]:
    """The LSH band keys of each text; texts sharing a key are near-duplicate candidates."""
    combined, has_keys = band_values(folded)
    # Each value as 16 hexadecimal digits (big-endian bytes, one hex string for the whole batch).
    digits = combined.astype(">u8").tobytes().hex()
    width = 16 * BANDS
    keys: list[list[str]] = []
    for index, keyed in enumerate(has_keys.tolist()):
        if not keyed:
            keys.append([])
        else:
            row = digits[index * width : (index + 1) * width]
            keys.append([prefix + row[16 * b : 16 * b + 16] for b, prefix in enumerate(_BAND_PREFIXES)])
    return keys
