"""The leakage keys as the release computed them up to 0.2.1 (fold, one-permutation MinHash band keys,
long paragraphs, winnowed windows), kept here only as the reference the faster code in the package must
match bit for bit: the committed release 0.2.1 rebuilds byte for byte only with the same keys
(tests/release/test_keys.py, scripts/bench_neardup.py). Not used by the package."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

import numpy as np

from akhbar.text.rules import BIDI_CONTROLS, TATWEEL, ZERO_WIDTH

_INVISIBLE = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}{TATWEEL}]")
PARAGRAPH = 200
WINDOW = 300
WINNOW = 51
KEY = WINDOW - WINNOW + 1


def fold(text: str) -> str:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(_INVISIBLE.sub("", text).split())


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


def long_paragraphs(text: str) -> list[str]:
    """Keys of the distinct paragraphs (\n-separated) of PARAGRAPH or more characters after `fold`."""
    keys = set()
    for paragraph in text.split("\n"):
        folded = fold(paragraph)
        if len(folded) >= PARAGRAPH:
            keys.add(hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32])
    return sorted(keys)


def group_keys(records: list[dict[str, Any]], *, near: bool) -> list[list[str]]:
    """The leakage keys of each record of a batch (a batch, so that the near-duplicate search runs
    vectorized over many texts at once; each text is folded once)."""
    folded = [fold(record["text"]) for record in records]
    near_keys = band_keys(folded) if near else [[] for _ in records]
    found = []
    for record, text, nearby in zip(records, folded, near_keys, strict=True):
        # A headline's text is "" by definition: its title is what repeats (the empty text would join
        # every headline into one group).
        content = fold(record.get("title") or "") if record.get("kind") == "headline" else text
        keys = [f"dup:{hashlib.sha256(content.encode('utf-8')).hexdigest()}"] if content else []
        if record.get("story_id"):
            keys.append(f"story:{record['story_id']}")
        keys += [f"para:{key}" for key in long_paragraphs(record["text"])]
        # A passage shared across outlets is often cut into paragraphs differently: sampled windows join
        # those too (and the leakage counts below read the same keys, so a group never crosses splits).
        keys += [f"win:{key}" for key in window_keys(text)]
        found.append(keys + nearby)
    return found


_BASE = 0x100000001B3  # odd: invertible modulo 2**64
_MIX = 0x9E3779B97F4A7C15


def window_keys(folded: str) -> list[int]:
    """The winnowed keys (signed 64-bit hashes) of a folded text (`corpus.fold`): see WINNOW.

    A polynomial hash modulo 2**64 of every KEY-character window at once with numpy: window [i, i+K)
    hashes to B**(i+K-1) * (S[i+K] - S[i]) where S are prefix sums of c_j * B**-j; the hashes are mixed
    by an odd multiplier (a bijection) so that the minimum is not biased towards some letters, and the
    minimum of every WINNOW consecutive ones is taken in linear time (van Herk / Gil-Werman).
    """
    n = len(folded)
    if n < WINDOW:
        return []  # no passage of WINDOW characters to share
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        powers = np.ones(n, dtype=np.uint64)  # B**j
        powers[1:] = np.cumprod(np.full(n - 1, _BASE, dtype=np.uint64), dtype=np.uint64)
        inverses = np.ones(n, dtype=np.uint64)  # B**-j
        inverses[1:] = np.cumprod(np.full(n - 1, pow(_BASE, -1, 2**64), dtype=np.uint64), dtype=np.uint64)
        sums = np.zeros(n + 1, dtype=np.uint64)
        sums[1:] = np.cumsum(codes * inverses, dtype=np.uint64)
        starts = np.arange(n - KEY + 1)
        hashes = (powers[starts + KEY - 1] * (sums[starts + KEY] - sums[starts])) * np.uint64(_MIX)
    return sorted(set(_window_minima(hashes, WINNOW).view(np.int64).tolist()))


def _window_minima(values: Any, width: int) -> Any:
    """The minimum of every `width` consecutive values (len(values) >= width), in linear time: per block
    of `width`, prefix minima and suffix minima; window i's minimum is min(suffix[i], prefix[i+width-1])."""
    count = len(values)
    blocks = -(-count // width)
    padded = np.full(blocks * width, np.iinfo(np.uint64).max, dtype=np.uint64)
    padded[:count] = values
    shaped = padded.reshape(blocks, width)
    prefix = np.minimum.accumulate(shaped, axis=1).reshape(-1)
    suffix = np.minimum.accumulate(shaped[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    starts = np.arange(count - width + 1)
    return np.minimum(suffix[starts], prefix[starts + width - 1])
