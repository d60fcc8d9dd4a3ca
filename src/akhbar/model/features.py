"""Token features for the entity tagger: the word and its forms, character classes, neighbours, and
what was learned without labels (word clusters from the corpus's own articles; a gazetteer of the train
split's names).

Arabic writes its proclitics (و ف ب ك ل and the article ال) on the word: وبالرياض is و + ب + ال + رياض.
`stem` strips them so that the name is seen whichever clitics it wears; `normal` folds the spellings
that vary in news text (أ إ آ ا, ى ي, ة ه, diacritics and tatweel)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import regex

_MARKS = regex.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alef, tatweel
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_ARABIC = regex.compile(r"\p{Arabic}")
_LATIN = regex.compile(r"[A-Za-z]")
_DIGIT = regex.compile(r"\p{Nd}")
_PUNCT = regex.compile(r"^[\p{P}\p{S}]+$")
# Longest first: وبال before وال before ال. A stem keeps at least two letters.
_PROCLITICS = tuple(
    sorted(
        {c + a for c in ("", "و", "ف") for a in ("بال", "كال", "لل", "ال", "ب", "ك", "ل", "")} - {""},
        key=len,
        reverse=True,
    )
)


@functools.lru_cache(maxsize=500_000)
def normal(word: str) -> str:
    return _MARKS.sub("", word).translate(_FOLD)


@functools.lru_cache(maxsize=500_000)
def split_clitics(word: str) -> tuple[str, str]:
    """(proclitics, stem) of a normalised word; ("", word) when nothing is stripped."""
    for prefix in _PROCLITICS:
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


def shape(word: str) -> str:
    if _PUNCT.match(word):
        return "punct"
    kinds = (
        ("a" if _ARABIC.search(word) else "")
        + ("l" if _LATIN.search(word) else "")
        + ("d" if _DIGIT.search(word) else "")
    )
    return kinds or "other"


def token_features(
    word: str, clusters: Mapping[str, tuple[str, ...]], gazetteer: Mapping[str, str], hidden: bool = False
) -> list[str]:
    """The features of one token on its own (its neighbours' are added by `sentence_features`). A hidden
    token shows no word identity (word, stem, gazetteer): only what an unseen word would show."""
    before, middle, after = core(word)
    n = normal(middle)
    prefix, stem = split_clitics(n)
    feats = [] if hidden else [f"w={n}", f"st={stem}"]
    feats += [
        f"pc={prefix}",
        f"sh={shape(word)}",
        f"len={min(len(stem), 8)}",
        f"p2={stem[:2]}",
        f"p3={stem[:3]}",
        f"s2={stem[-2:]}",
        f"s3={stem[-3:]}",
        f"s1={stem[-1:]}",
    ]
    if before:
        feats.append(f"pb={before}")
    if after:
        feats.append(f"pa={after}")
    for name, value in (("c", clusters.get(n)), ("cs", clusters.get(stem))):
        if value:
            feats += [f"{name}{i}={v}" for i, v in enumerate(value)]
    if stem in gazetteer and not hidden:
        feats.append(f"gz={gazetteer[stem]}")
    return feats


def sentence_features(
    tokens: list[str],
    clusters: Mapping[str, tuple[str, ...]],
    gazetteer: Mapping[str, str],
    window: int = 2,
    hide: frozenset[int] = frozenset(),
) -> list[list[str]]:
    """Each token's features and its neighbours'. `hide`: positions whose word identity is hidden (the
    training copy that teaches the model to tag a name it never saw, from its form and context)."""
    own = [token_features(token, clusters, gazetteer, i in hide) for i, token in enumerate(tokens)]
    # Neighbours: their word, stem, clusters and gazetteer entry (not their affixes: fewer, stronger).
    shared = [[f for f in feats if f.split("=", 1)[0] in _NEIGHBOUR] for feats in own]
    out = []
    for i, feats in enumerate(own):
        row = ["bias", *feats]
        for offset in range(-window, window + 1):
            j = i + offset
            if offset == 0:
                continue
            if 0 <= j < len(tokens):
                row += [f"{offset}:{f}" for f in shared[j]]
            else:
                row.append(f"{offset}:pad")
        if i + 1 < len(tokens) and i not in hide and i + 1 not in hide:
            row.append(f"bi={normal(core(tokens[i])[1])}|{normal(core(tokens[i + 1])[1])}")
        out.append(row)
    return out


_NEIGHBOUR = {"w", "st", "pc", "pa", "pb", "sh", "c0", "c1", "c2", "cs0", "cs1", "cs2", "gz"}
