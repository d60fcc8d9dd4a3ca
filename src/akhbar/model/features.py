"""A token's forms as the entity tagger reads them: the word without its edge punctuation, normalised,
its proclitics and stem, and its character class.

Arabic writes its proclitics (و ف ب ك ل and the article ال) on the word: وبالرياض is و + ب + ال + رياض.
`stem` strips them so that the name is seen whichever clitics it wears; `normal` folds the spellings
that vary in news text (أ إ آ ا, ى ي, ة ه, diacritics and tatweel)."""

from __future__ import annotations

import functools

import regex

_MARKS = regex.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alef, tatweel
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_ARABIC = regex.compile(r"\p{Arabic}")
_LATIN = regex.compile(r"[A-Za-z]")
_DIGIT = regex.compile(r"\p{Nd}")
_PUNCT = regex.compile(r"^[\p{P}\p{S}]+$")
# Longest first: وبال before وال before ال. A stem keeps at least two letters.
PROCLITICS = tuple(
    sorted(
        {c + a for c in ("", "و", "ف") for a in ("بال", "كال", "لل", "ال", "ب", "ك", "ل", "")} - {""},
        key=lambda prefix: (-len(prefix), prefix),  # a fixed order: the tagger's ids for them
    )
)


@functools.lru_cache(maxsize=500_000)
def normal(word: str) -> str:
    return _MARKS.sub("", word).translate(_FOLD)


@functools.lru_cache(maxsize=500_000)
def split_clitics(word: str) -> tuple[str, str]:
    """(proclitics, stem) of a normalised word; ("", word) when nothing is stripped."""
    for prefix in PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2 and _ARABIC.match(word):
            return prefix, word[len(prefix) :]
    return "", word


_EDGE = regex.compile(r"^([\p{P}\p{S}]*)(.*?)([\p{P}\p{S}]*)$", regex.DOTALL)


@functools.lru_cache(maxsize=500_000)
def core(word: str) -> tuple[str, str, str]:
    """(punctuation before, the word, punctuation after): ANERcorp's tokens keep some punctuation on
    the word (لادن؛ ,(د), so the word is seen without it. A token of punctuation alone is its own core."""
    before, middle, after = _EDGE.match(word).groups()  # type: ignore[union-attr]
    return (before, middle, after) if middle else ("", word, "")


SHAPES = ("punct", "other", "a", "l", "d", "al", "ad", "ld", "ald")


def shape(word: str) -> str:
    """One of SHAPES: punctuation alone, else which of Arabic letters, Latin letters and digits it has."""
    if _PUNCT.match(word):
        return "punct"
    kinds = (
        ("a" if _ARABIC.search(word) else "")
        + ("l" if _LATIN.search(word) else "")
        + ("d" if _DIGIT.search(word) else "")
    )
    return kinds or "other"
