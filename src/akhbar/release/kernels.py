"""The two loops over every character of the corpus that the leakage keys need, compiled with numba:
the MinHash bins of `release.minhash` and the winnowed windows of `release.splits`.

In numpy each of them was some thirty passes over arrays of every 5-gram or window of a batch, each
pass allocating an array the size of the batch (about 200 µs per article); one compiled loop per text
does the same integer arithmetic (unsigned 64-bit, wrapping, as numpy's) in one pass, with no
allocation. Only integer operations: the results are the same bits on every machine, and the same as
the numpy code they replace (tests/release/reference_keys.py keeps that code; tests/release/test_keys.py
compares them). Compiled once per machine and cached (numba's cache, next to this file or in the user's
cache folder).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_SIGN = np.uint64(1 << 63)  # flips the order of unsigned values into the order of their signed views


@njit(cache=True, nogil=True, inline="always")
def _mix(value: np.uint64) -> np.uint64:
    """splitmix64's finaliser, as minhash._mix."""
    value ^= value >> np.uint64(30)
    value *= np.uint64(0xBF58476D1CE4E5B9)
    value ^= value >> np.uint64(27)
    value *= np.uint64(0x94D049BB133111EB)
    return value ^ (value >> np.uint64(31))


@njit(cache=True, nogil=True)
def minhash_bins(
    points: np.ndarray,
    starts: np.ndarray,
    out: np.ndarray,
    shingle: int,
    poly: np.uint64,
    expand_to: int,
    max_copies: int,
    rotation: np.uint64,
) -> None:
    """Fill `out` (texts x bins, all _EMPTY) with the minimum value of every bin: text t is points
    [starts[t], starts[t + 1]) (code points as uint64). Each 5-gram's polynomial hash is mixed, then mixed
    again with each copy number k (times `rotation`); the low bits choose the bin, the rest is the value.

    A text of few 5-grams counts each ceil(expand_to / count) times (at most max_copies; once for a
    long text, copy 0): enough elements to reach most bins. The Jaccard similarity of two expanded sets
    is that of the sets, while without it a short text leaves runs of empty bins whose borrowed values
    hang on one 5-gram, and two unrelated short texts sharing that one 5-gram would share a band."""
    bins = out.shape[1]
    shift = np.uint64(int(np.log2(bins)))
    mask = np.uint64(bins - 1)
    top = np.uint64(1)  # poly ** (shingle - 1): the weight of the character that leaves the 5-gram
    for _ in range(shingle - 1):
        top *= poly
    for text in range(len(starts) - 1):
        begin = starts[text]
        count = starts[text + 1] - begin - (shingle - 1)
        if count <= 0:
            continue
        copies = min(max(-(-expand_to // count), 1), max_copies)
        row = out[text]
        value = np.uint64(0)
        for offset in range(shingle - 1):
            value = value * poly + points[begin + offset]
        for start in range(begin, begin + count):
            if start > begin:  # rolled on: the same polynomial as computed afresh, modulo 2**64
                value -= points[start - 1] * top
            value = value * poly + points[start + shingle - 1]
            mixed = _mix(value)
            for copy in range(copies):
                element = _mix(mixed ^ (np.uint64(copy) * rotation))
                slot = element & mask
                element >>= shift
                if element < row[slot]:
                    row[slot] = element


@njit(cache=True, nogil=True)
def winnowed(
    points: np.ndarray, starts: np.ndarray, key: int, winnow: int, base: np.uint64, mix: np.uint64
) -> tuple[np.ndarray, np.ndarray]:
    """The winnowed keys of every text (points [starts[t], starts[t + 1])): every `key`-character window
    hashed as the polynomial sum of c[i + j] * base**(key - 1 - j) modulo 2**64, times `mix`; the minimum
    of every `winnow` consecutive hashes is a key. Returns the keys, distinct and in the order of their
    signed 64-bit values, text after text, and how many each text has (0 for a text shorter than
    key + winnow - 1 characters)."""
    texts = len(starts) - 1
    counts = np.zeros(texts, dtype=np.int64)
    out = np.empty(max(len(points), 1), dtype=np.uint64)
    top = np.uint64(1)  # base ** (key - 1): the weight of the character that leaves the window
    for _ in range(key - 1):
        top *= base
    written = 0
    for text in range(texts):
        begin = starts[text]
        length = starts[text + 1] - begin
        if length < key + winnow - 1:
            continue
        hashes = np.empty(length - key + 1, dtype=np.uint64)
        value = np.uint64(0)
        for offset in range(key):
            value = value * base + points[begin + offset]
        hashes[0] = value * mix
        for start in range(1, length - key + 1):
            value = (value - points[begin + start - 1] * top) * base + points[begin + start + key - 1]
            hashes[start] = value * mix
        # The minimum of every `winnow` consecutive hashes: the last minimum's position is kept, and
        # the window is scanned afresh only when that position leaves it (Schleimer, Wilkerson and
        # Aiken's rescan; about two comparisons per hash).
        first = written
        last = np.uint64(0)
        low = -1
        for position in range(winnow - 1, len(hashes)):
            if low < position - winnow + 1:
                low = position - winnow + 1
                for other in range(low + 1, position + 1):
                    if hashes[other] <= hashes[low]:
                        low = other
            elif hashes[position] <= hashes[low]:
                low = position
            minimum = hashes[low] ^ _SIGN
            if written == first or minimum != last:  # consecutive windows mostly share theirs
                out[written] = minimum
                written += 1
                last = minimum
        found = np.unique(out[first:written])  # sorted (as signed values, by the flipped top bit)
        out[first : first + len(found)] = found ^ _SIGN
        written = first + len(found)
        counts[text] = len(found)
    return out[:written], counts
