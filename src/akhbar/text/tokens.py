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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
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
    for match in _TOKEN.finditer(text, start, stop):
        begin, finish = match.span()
        first = bisect.bisect_right(inside, begin)
        last = bisect.bisect_left(inside, finish)
        for cut in inside[first:last]:
            tokens.append(Token(text[begin:cut], begin, cut))
            begin = cut
            splits += 1
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
    for span in _in_order(spans):
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


def tags_to_spans(tokens: Sequence[Token], tags: Sequence[str]) -> list[Span]:
    """Character spans of an IOB2 tag sequence; an I- that does not continue its type opens a span."""
    spans: list[Span] = []
    open_start = open_end = -1
    open_label: str | None = None
    for token, tag in zip(tokens, tags, strict=True):
        prefix, _, label = tag.partition("-")
        if open_label is not None and (prefix != "I" or label != open_label):
            spans.append(Span(open_start, open_end, open_label))
            open_label = None
        if prefix in ("B", "I") and open_label is None:
            open_start, open_label = token.start, label
        if open_label is not None:
            open_end = token.end
    if open_label is not None:
        spans.append(Span(open_start, open_end, open_label))
    return spans


def spans_to_layers(tokens: Sequence[Token], spans: Iterable[Span]) -> list[list[str]]:
    """Nested spans as IOB2 layers: layer 0 holds the outermost spans, layer n the spans nested n deep.

    Of two spans over the same characters, the one given first goes to the outer layer.
    """
    remaining = _in_order(spans)
    layers: list[list[str]] = []
    while remaining:
        layer, remaining = outermost(remaining)
        layers.append(spans_to_tags(tokens, layer))
    return layers


def layers_to_spans(tokens: Sequence[Token], layers: Iterable[Sequence[str]]) -> list[Span]:
    """The spans of all layers, outer layers first among spans over the same characters."""
    return _in_order(span for layer in layers for span in tags_to_spans(tokens, layer))


def _in_order(spans: Iterable[Span]) -> list[Span]:
    """Distinct spans by start, then longest first, then in the order given."""
    return sorted(dict.fromkeys(spans), key=lambda s: (s.start, -s.end))


@dataclass(frozen=True)
class Sentence:
    """One sentence of a CoNLL file: tokens and, per nesting layer, one tag per token."""

    tokens: tuple[str, ...]
    layers: tuple[tuple[str, ...], ...]
    breaks: tuple[int, ...] = ()  # token indexes before which the file marks a segment boundary

    def text(self) -> tuple[str, list[Token]]:
        """The sentence as text (tokens joined by spaces, a segment boundary as a newline) and its tokens."""
        parts: list[str] = []
        tokens: list[Token] = []
        position = 0
        for index, surface in enumerate(self.tokens):
            if index:
                parts.append("\n" if index in self.breaks else " ")
                position += 1
            tokens.append(Token(surface, position, position + len(surface)))
            parts.append(surface)
            position += len(surface)
        return "".join(parts), tokens


SEGMENT_MARK = "$#$"


def read_conll(path: Path) -> Iterator[Sentence]:
    """Wojood's nested CoNLL: `token TAG [TAG ...]` per line (one tag per layer, O when none), a blank
    line between sentences, and a `$#$` line marking a segment boundary (kept as a break, not a token)."""
    tokens: list[str] = []
    rows: list[list[str]] = []
    breaks: list[int] = []

    def sentence() -> Sentence:
        depth = max(len(row) for row in rows)
        layers = tuple(tuple(row[i] if i < len(row) else "O" for row in rows) for i in range(depth))
        return Sentence(tuple(tokens), layers, tuple(b for b in breaks if 0 < b < len(tokens)))

    with path.open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if not fields:
                if tokens:
                    yield sentence()
                tokens, rows, breaks = [], [], []
            elif fields[0] == SEGMENT_MARK:
                breaks.append(len(tokens))
            else:
                tokens.append(fields[0])
                tags = [tag for tag in fields[1:] if tag != "O"]
                rows.append(tags or ["O"])
    if tokens:
        yield sentence()


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
