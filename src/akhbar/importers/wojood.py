"""A reader for the Wojood NER sample (SinaLab, MIT): native 21-type nested gold, for tests and models.

Wojood is not news (its domains are mixed), so nothing imports it into the corpus: it stays outside,
as real gold to test the tools and, later, to train and evaluate a model. See
../shared/external/wojood_sample/ABOUT.md.

Layout of `data/{train,val,test}.txt`: one token per line, then one IOB2 tag per nesting layer; a blank
line ends a sentence; a line `$#$ O` marks a segment boundary (it is no token, and ends a sentence).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SEGMENT = "$#$"


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[str, ...]
    tags: tuple[tuple[str, ...], ...]  # per token, one tag per nesting layer (outermost first)


def read(path: Path) -> list[Sentence]:
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[tuple[str, ...]] = []

    def close() -> None:
        if tokens:
            sentences.append(Sentence(tuple(tokens), tuple(tags)))
            tokens.clear()
            tags.clear()

    for line in path.read_text(encoding="utf-8").split("\n"):
        fields = line.split()
        if not fields or fields[0] == SEGMENT:
            close()
            continue
        tokens.append(fields[0])
        tags.append(tuple(fields[1:]) or ("O",))
    close()
    return sentences


def entity_types(sentences: list[Sentence]) -> set[str]:
    """The entity types a set of sentences uses, at any nesting layer."""
    return {tag[2:] for sentence in sentences for layers in sentence.tags for tag in layers if tag != "O"}
