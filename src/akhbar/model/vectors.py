"""Word vectors learned without labels from the corpus's own SaudiNewsNet articles: word2vec (gensim, one
worker and a fixed seed, so two runs give the same vectors). The entity tagger reads them frozen: names
the train split never saw have vectors near those of names it did.

Only the articles of the collection `saudinewsnet` are read (never a test split of a labelled
collection). The result is cached under `.akhbar/models/unsupervised/`, keyed by the articles' bytes,
the parameters and the seed."""

from __future__ import annotations

import hashlib
import json
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import regex

from akhbar.model.features import normal
from akhbar.paths import Project

COLLECTION = "saudinewsnet"
PARAMS = {
    "vector_size": 100,
    "window": 5,
    "min_count": 5,
    "sg": 0,
    "epochs": 5,
    "input": "corpus_file",
}
_WORD = regex.compile(r"[\p{L}\p{M}\p{Nd}]+|[^\s\p{L}\p{M}\p{Nd}]")


@dataclass(frozen=True)
class Vectors:
    words: tuple[str, ...]
    vectors: Any  # numpy float32 [words, width], each of unit length

    def describe(self) -> str:
        p = PARAMS
        return (
            f"word2vec CBOW {p['vector_size']}d, window {p['window']}, {p['epochs']} epochs, "
            f"{len(self.words)} words seen at least {p['min_count']} times in the SaudiNewsNet articles"
        )


def _files(project: Project) -> list[Path]:
    return sorted((project.articles / COLLECTION).glob("*.jsonl"))


def sentences(files: list[Path]) -> Iterator[list[str]]:
    """Normalised tokens of every line of every article, in file order."""
    for path in files:
        with path.open("rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = orjson.loads(line)
                if record.get("collection") != COLLECTION:
                    continue
                for paragraph in "\n".join(filter(None, (record.get("title"), record["text"]))).split("\n"):
                    tokens = [normal(t) for t in _WORD.findall(paragraph)]
                    if tokens:
                        yield tokens


def _hash(text: str) -> int:
    # gensim seeds each word's initial vector with hash(word + seed); Python's str hash changes with
    # PYTHONHASHSEED, crc32 does not.
    return zlib.crc32(text.encode("utf-8"))


def _key(files: list[Path], seed: int) -> str:
    digest = hashlib.sha256(json.dumps(PARAMS, sort_keys=True).encode() + str(seed).encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def _cache(project: Project, files: list[Path], seed: int) -> Path:
    return project.state / "models" / "unsupervised" / f"vectors-{_key(files, seed)}.npz"


def word_vectors(project: Project, *, seed: int = 0) -> tuple[Vectors, bool]:
    """The vectors, and whether they were read from the cache (else learned now; the articles are hashed
    once for the cache's key). No SaudiNewsNet articles in the project: no vectors."""
    import numpy as np

    files = _files(project)
    if not files:
        return Vectors((), np.zeros((0, PARAMS["vector_size"]), np.float32)), False
    cache = _cache(project, files, seed)
    was_cached = cache.is_file()
    if not was_cached:
        found = learn(files, seed=seed)
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(".tmp.npz")
        np.savez(temporary, words=np.asarray(found.words), vectors=found.vectors)
        temporary.replace(cache)
    with np.load(cache) as stored:
        return Vectors(tuple(str(word) for word in stored["words"]), stored["vectors"]), was_cached


def learn(files: list[Path], *, seed: int = 0) -> Vectors:
    from gensim.models import Word2Vec

    # The articles are tokenised once into a plain file that gensim reads in C (corpus_file): the
    # tokenizer in Python on every epoch would cost more than the training.
    with tempfile.TemporaryDirectory(prefix="akhbar-w2v-") as work:
        text = Path(work) / "tokens.txt"
        with text.open("w", encoding="utf-8") as handle:
            for tokens in sentences(files):
                handle.write(" ".join(tokens) + "\n")
        model = Word2Vec(
            corpus_file=str(text),
            vector_size=PARAMS["vector_size"],
            window=PARAMS["window"],
            min_count=PARAMS["min_count"],
            sg=PARAMS["sg"],
            epochs=PARAMS["epochs"],
            workers=1,
            seed=seed,
            hashfxn=_hash,
        )
    return unit(tuple(model.wv.index_to_key), model.wv.vectors)


def unit(words: tuple[str, ...], vectors: Any) -> Vectors:
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    return Vectors(words, vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-6))
