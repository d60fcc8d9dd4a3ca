"""Word clusters learned without labels from the corpus's own SaudiNewsNet articles: word2vec vectors
(gensim, one worker and a fixed seed, so two runs give the same vectors) grouped by k-means at several
granularities. A word's feature is its cluster id at each granularity: names the train split never saw
share clusters with names it did.

Only the articles of the collection `saudinewsnet` are read (never a test split of a labelled
collection). The result is cached under `.akhbar/models/unsupervised/`, keyed by the articles' bytes,
the parameters and the seed."""

from __future__ import annotations

import hashlib
import json
import tempfile
import zlib
from collections.abc import Iterator
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
    "k": [64, 256, 1024],
    "max_words": 400000,
    "input": "corpus_file",
}
_WORD = regex.compile(r"[\p{L}\p{M}\p{Nd}]+|[^\s\p{L}\p{M}\p{Nd}]")


def describe(words: int) -> str:
    p = PARAMS
    return (
        f"CBOW {p['vector_size']}d, window {p['window']}, {p['epochs']} epochs; k-means "
        f"k={'/'.join(map(str, p['k']))} over {words} words (seen at least {p['min_count']} times, "
        f"at most the {p['max_words']} most frequent)"
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
    return project.state / "models" / "unsupervised" / f"clusters-{_key(files, seed)}.json"


def cached(project: Project, *, seed: int = 0) -> bool:
    files = _files(project)
    return bool(files) and _cache(project, files, seed).is_file()


def word_clusters(project: Project, *, seed: int = 0) -> dict[str, tuple[str, ...]]:
    """word -> its cluster id at each granularity (coarse to fine), from cache or learned now. No
    SaudiNewsNet articles in the project: no clusters."""
    files = _files(project)
    if not files:
        return {}
    cache = _cache(project, files, seed)
    if cache.is_file():
        return {word: tuple(ids) for word, ids in json.loads(cache.read_text("utf-8")).items()}
    found = learn(files, seed=seed)
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(".tmp")
    temporary.write_text(
        json.dumps(found, ensure_ascii=False, sort_keys=True, separators=(",", ":")), "utf-8"
    )
    temporary.replace(cache)
    return found


def learn(files: list[Path], *, seed: int = 0) -> dict[str, tuple[str, ...]]:
    import numpy as np
    from gensim.models import Word2Vec
    from sklearn.cluster import MiniBatchKMeans

    # The articles are tokenised once into a plain file that gensim reads in C (corpus_file): the
    # tokenizer in Python on every epoch would cost more than the training.
    with tempfile.TemporaryDirectory(prefix="akhbar-w2v-") as work:
        text = Path(work) / "tokens.txt"
        with text.open("w", encoding="utf-8") as handle:
            for tokens in sentences(files):
                handle.write(" ".join(tokens) + "\n")
        return _learn(text, seed, np, Word2Vec, MiniBatchKMeans)


def _learn(text: Path, seed: int, np: Any, Word2Vec: Any, MiniBatchKMeans: Any) -> dict[str, tuple[str, ...]]:
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
    words = model.wv.index_to_key[: PARAMS["max_words"]]
    vectors = np.asarray([model.wv[word] for word in words], dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    ids = []
    for k in PARAMS["k"]:
        kmeans = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=1, batch_size=4096, max_iter=50)
        ids.append(kmeans.fit_predict(vectors))
    return {word: tuple(str(int(level[i])) for level in ids) for i, word in enumerate(words)}
