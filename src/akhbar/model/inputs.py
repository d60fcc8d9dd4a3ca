"""What the entity tagger's network reads: each token as ids (its word in the train vocabulary, its word
and clitic-stripped stem among the pretrained vectors, its characters, proclitics and character class),
sentences in padded batches, and each token's allowed tags for training.

Batches are padded to a few fixed lengths (`BUCKETS`) so that the network is compiled a few times, not
once per sentence length."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from akhbar.model import data
from akhbar.model.features import PROCLITICS, SHAPES, core, normal, shape, split_clitics

BUCKETS = (16, 32, 64, 128, 256, 512)
MAX_CHARS = 16  # a longer word keeps its first and last eight characters
PAD, UNKNOWN = 0, 1


@dataclass(frozen=True)
class Vocabulary:
    tags: tuple[str, ...]  # "O", then B- and I- of each learned type
    words: tuple[str, ...]  # words seen at least twice in training (ids from 2)
    chars: tuple[str, ...]  # characters seen at least twice in training (ids from 2)
    pretrained: tuple[str, ...]  # the words that have a pretrained vector (ids from 1; 0: none)

    @classmethod
    def build(
        cls, rows: Sequence[data.NerRow], types: Sequence[str], pretrained: Sequence[str]
    ) -> Vocabulary:
        words = Counter(word_of(token) for row in rows for token in row.tokens)
        chars = Counter(char for row in rows for token in row.tokens for char in normal(token))
        return cls(
            tags=("O", *(f"{b}-{name}" for name in types for b in ("B", "I"))),
            words=tuple(sorted(word for word, n in words.items() if n >= 2)),
            chars=tuple(sorted(char for char, n in chars.items() if n >= 2)),
            pretrained=tuple(pretrained),
        )

    def sizes(self) -> dict[str, int]:
        return {
            "tags": len(self.tags),
            "words": len(self.words) + 2,
            "chars": len(self.chars) + 2,
            "proclitics": len(PROCLITICS) + 1,
            "shapes": 2 * len(SHAPES),
        }

    def encoder(self) -> Encoder:
        return Encoder(self)


def word_of(token: str) -> str:
    """The normalised word of a token, without the punctuation ANERcorp leaves on some."""
    return normal(core(token)[1])


class Encoder:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._words = {word: i + 2 for i, word in enumerate(vocabulary.words)}
        self._chars = {char: i + 2 for i, char in enumerate(vocabulary.chars)}
        self._pretrained = {word: i + 1 for i, word in enumerate(vocabulary.pretrained)}
        self._proclitics = {prefix: i + 1 for i, prefix in enumerate(PROCLITICS)}
        self._shapes = {name: i for i, name in enumerate(SHAPES)}
        self._tags = {tag: i for i, tag in enumerate(vocabulary.tags)}

    def tokens(self, tokens: Sequence[str]) -> dict[str, np.ndarray]:
        n = len(tokens)
        out = {name: np.zeros(n, np.int32) for name in ("word", "vector", "stem", "proclitic", "shape")}
        chars = np.zeros((n, MAX_CHARS), np.int32)
        for i, token in enumerate(tokens):
            before, middle, after = core(token)
            word = normal(middle)
            prefix, stem = split_clitics(word)
            out["word"][i] = self._words.get(word, UNKNOWN)
            out["vector"][i] = self._pretrained.get(word, PAD)
            out["stem"][i] = self._pretrained.get(stem, PAD)
            out["proclitic"][i] = self._proclitics.get(prefix, PAD)
            out["shape"][i] = self._shapes[shape(token)] + (len(SHAPES) if before or after else 0)
            spelled = normal(token)
            if len(spelled) > MAX_CHARS:
                spelled = spelled[: MAX_CHARS // 2] + spelled[-MAX_CHARS // 2 :]
            for j, char in enumerate(spelled):
                chars[i, j] = self._chars.get(char, UNKNOWN)
        out["chars"] = chars
        return out

    def allowed(self, row: data.NerRow, types: Sequence[str]) -> np.ndarray:
        """[tokens, tags]: the tags each token may have. Where the source marked a name that the import
        could not type (the scheme's tag is O, the source's is not), the name's type is unknown, not O:
        a location may be any location type (GPE, LOC, FAC), another name any tag."""
        tags = data.restrict(row.tags, types)
        source = row.source_tags or ["O"] * len(tags)
        out = np.zeros((len(tags), len(self.vocabulary.tags)), bool)
        places = [name for name in types if data.NATIVE.get(name) == "LOC"]
        for i, (tag, native) in enumerate(zip(tags, source, strict=True)):
            if tag != "O" or native == "O":
                out[i, self._tags[tag]] = True
                continue
            out[i, self._tags["O"]] = not native.endswith("LOC")
            for name in places if native.endswith("LOC") else types:
                out[i, self._tags[f"{native[0]}-{name}"]] = True
        return out

    def batches(
        self, sentences: Sequence[Sequence[str]], size: int, allowed: Sequence[np.ndarray] | None = None
    ) -> Iterator[tuple[list[int], dict[str, np.ndarray]]]:
        """(positions of the sentences, padded arrays) in batches of `size` sentences of similar length.
        Empty sentences are left out; a sentence longer than the last bucket is an error of the caller."""
        order = sorted((i for i, s in enumerate(sentences) if s), key=lambda i: (len(sentences[i]), i))
        for start in range(0, len(order), size):
            group = order[start : start + size]
            length = bucket(max(len(sentences[i]) for i in group))
            arrays = {
                name: np.zeros((size, length), np.int32)
                for name in ("word", "vector", "stem", "proclitic", "shape")
            }
            arrays["chars"] = np.zeros((size, length, MAX_CHARS), np.int32)
            arrays["length"] = np.zeros(size, np.int32)
            if allowed is not None:
                arrays["allowed"] = np.ones((size, length, len(self.vocabulary.tags)), bool)
            for b, i in enumerate(group):
                n = len(sentences[i])
                for name, values in self.tokens(sentences[i]).items():
                    arrays[name][b, :n] = values
                arrays["length"][b] = n
                if allowed is not None:
                    arrays["allowed"][b, :n] = allowed[i]
            yield group, arrays


def bucket(length: int) -> int:
    for size in BUCKETS:
        if length <= size:
            return size
    raise ValueError(f"a sentence of {length} tokens is longer than {BUCKETS[-1]}")
