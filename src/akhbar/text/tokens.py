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
from itertools import accumulate, chain
from typing import NamedTuple

import regex

_ALNUM = r"[\p{L}\p{M}\p{Nd}]"
_TOKEN = regex.compile(
    # a word: letters, marks and digits; inside it, zero-width joiners and, between two digits, a decimal or
    # thousands separator (2,500  3.5  ٣٫٥, also after a proclitic: و3.5)
    rf"{_ALNUM}+(?:(?:\p{{Cf}}+|(?<=\p{{Nd}})[.,\u066b\u066c](?=\p{{Nd}})){_ALNUM}+)*"
    r"|[^\s\p{Cf}]"  # anything else visible stands alone
)
_SEPARATORS = regex.compile(r"[\s\p{Cf}]*")  # what lies between two tokens (a token starts with neither)
# A token and the separators after it: the pieces of a text from its first token on, end to end.
_PIECES = regex.compile(rf"({_TOKEN.pattern})({_SEPARATORS.pattern})")


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
    texts, starts, ends, splits = token_columns(text, start, end, cuts)
    return list(map(Token, texts, starts, ends)), splits


def token_columns(
    text: str, start: int = 0, end: int | None = None, cuts: Iterable[int] = ()
) -> tuple[list[str], list[int], list[int], int]:
    """`tokenize` as columns: the tokens' texts, starts and ends, and how many cuts fell inside a token
    (the release's ner rows are columns: no Token is made for each token)."""
    stop = len(text) if end is None else end
    # One regex pass gives each token with the separators after it; the offsets are the running sum of
    # the pieces' lengths from the first token's start: no Python code runs for each token.
    pieces = list(chain.from_iterable(_PIECES.findall(text, start, stop)))
    first = _SEPARATORS.match(text, start, stop).end()
    offsets = list(accumulate(map(len, pieces), initial=first))
    texts, starts, ends = pieces[::2], offsets[:-1:2], offsets[1::2]
    splits = 0
    # A cut inside a token (a proclitic before a name) is rare: each cut is looked up by bisection, the
    # last first so that the positions of the earlier ones stay valid as tokens are split.
    for cut in sorted({cut for cut in cuts if start < cut < stop}, reverse=True):
        index = bisect.bisect_right(starts, cut) - 1
        if index < 0 or cut >= ends[index] or cut == starts[index]:
            continue
        head = cut - starts[index]
        texts[index : index + 1] = [texts[index][:head], texts[index][head:]]
        starts.insert(index + 1, cut)
        ends.insert(index, cut)
        splits += 1
    return texts, starts, ends, splits


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
    starts = [token.start for token in tokens]
    ends = [token.end for token in tokens]
    tags = ["O"] * len(tokens)
    for span in spans:
        inside = tokens_inside(starts, ends, span.start, span.end)
        if inside:
            tags[inside.start] = "B-" + span.label
            tags[inside.start + 1 : inside.stop] = ["I-" + span.label] * (len(inside) - 1)
    return tags


def tokens_inside(starts: Sequence[int], ends: Sequence[int], start: int, end: int) -> range:
    """The indexes of the tokens (by their starts and ends, in text order: both ascend) that lie wholly
    inside [start, end): consecutive, found by two bisections, not by a look at every token."""
    first = bisect.bisect_left(starts, start)
    return range(first, bisect.bisect_right(ends, end, first))


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
