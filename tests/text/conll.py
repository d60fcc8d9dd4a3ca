"""Test helpers: IOB2 tags back to spans, nested spans as tag layers, and Wojood's nested CoNLL reader,
for the round trips of tests/text/test_tokens.py (the package itself only goes from spans to tags)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from akhbar.text.tokens import Span, Token, in_order, outermost, spans_to_tags


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
    remaining = in_order(spans)
    layers: list[list[str]] = []
    while remaining:
        layer, remaining = outermost(remaining)
        layers.append(spans_to_tags(tokens, layer))
    return layers


def layers_to_spans(tokens: Sequence[Token], layers: Iterable[Sequence[str]]) -> list[Span]:
    """The spans of all layers, outer layers first among spans over the same characters."""
    return in_order(span for layer in layers for span in tags_to_spans(tokens, layer))


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
