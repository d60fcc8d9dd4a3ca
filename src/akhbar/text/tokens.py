"""Arabic-aware tokens and the mapping between character spans and IOB2 tags.

A token is one of:
- a run of letters, combining marks and digits in any script (كتاب، وjavascript، ص140, as Wojood keeps them),
  with zero-width joiners allowed inside, and numbers kept whole with their separators between digits
  (2,500  3.5  ٣٫٥, Arabic decimal and thousands signs too);
- any other visible character alone: punctuation (، ؛ ؟ . " ...) and symbols stand apart.
White space and stray format characters (bidi marks) separate tokens and belong to none.

A span boundary that falls inside a token splits the token there (proclitic + name: بالجيش with a span on
الجيش gives ب + الجيش), so every token lies wholly inside or wholly outside each span and no entity
character is lost or mislabelled. Offsets are code points into the text given (NFC is the corpus's form).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import regex

_ALNUM = r"[\p{L}\p{M}\p{Nd}]"
_TOKEN = regex.compile(
    # a word: letters, marks and digits; inside it, zero-width joiners and, between two digits, a decimal or
    # thousands separator (2,500  3.5  ٣٫٥, also after a proclitic: و3.5)
    rf"{_ALNUM}+(?:(?:\p{{Cf}}+|(?<=\p{{Nd}})[.,\u066b\u066c](?=\p{{Nd}})){_ALNUM}+)*"
    r"|[^\s\p{Cf}]"  # anything else visible stands alone
)


class Token(NamedTuple):
    text: str
    start: int
    end: int


class Span(NamedTuple):
    start: int
    end: int
    label: str


def tokenize(
    text: str, start: int = 0, end: int | None = None, cuts: Iterable[int] = ()
) -> tuple[list[Token], int]:
    """Tokens of text[start:end] (offsets into `text`), split at every cut that falls inside one.

    Returns the tokens and how many cuts fell inside a token (each such cut splits one token in two).
    """
    stop = len(text) if end is None else end
    inside = sorted({cut for cut in cuts if start < cut < stop})
    tokens: list[Token] = []
    splits = 0
    # The tokens come in order: the cuts are walked once, and a token no cut falls inside (nearly all)
    # costs one comparison.
    inside.append(stop + 1)
    following = 0  # the first cut after the previous token's start
    for match in _TOKEN.finditer(text, start, stop):
        begin, finish = match.span()
        while inside[following] <= begin:
            following += 1
        if inside[following] >= finish:
            tokens.append(Token(match.group(), begin, finish))
            continue
        while inside[following] < finish:
            cut = inside[following]
            tokens.append(Token(text[begin:cut], begin, cut))
            begin = cut
            splits += 1
            following += 1
        tokens.append(Token(text[begin:finish], begin, finish))
    return tokens, splits


def outermost(spans: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """The spans no other span contains, in text order, and the spans left out.

    Left out: nested spans (kept in the character-level view) and spans that cross an earlier kept one
    (a crossing pair cannot be written in one IOB2 layer; the earlier, then the longer, then the one
    given first wins).
    """
    kept: list[Span] = []
    dropped: list[Span] = []
    for span in in_order(spans):
        if kept and span.start < kept[-1].end:
            dropped.append(span)
        else:
            kept.append(span)
    return kept, dropped


def spans_to_tags(tokens: Sequence[Token], spans: Sequence[Span]) -> list[str]:
    """IOB2 tags of tokens for non-overlapping spans (from `outermost`) whose edges are token edges.

    A token is tagged when it lies inside a span; the first tagged token of a span in this token
    sequence gets B-, the rest I-.
    """
    starts = [span.start for span in spans]
    tags: list[str] = []
    previous: Span | None = None
    for token in tokens:
        index = bisect.bisect_right(starts, token.start) - 1
        span = spans[index] if index >= 0 else None
        if span is not None and token.end <= span.end:
            tags.append(("I-" if span is previous else "B-") + span.label)
            previous = span
        else:
            tags.append("O")
            previous = None
    return tags


def in_order(spans: Iterable[Span]) -> list[Span]:
    """Distinct spans by start, then longest first, then in the order given."""
    return sorted(dict.fromkeys(spans), key=lambda s: (s.start, -s.end))


def source_tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of a line tokenized by its source (ANERcorp): text[start:end] split on " " exactly, as
    given; never re-tokenized (an empty piece between two spaces is no token)."""
    stop = len(text) if end is None else end
    tokens: list[Token] = []
    begin = start
    for piece in text[start:stop].split(" "):
        if piece:
            tokens.append(Token(piece, begin, begin + len(piece)))
        begin += len(piece) + 1
    return tokens
