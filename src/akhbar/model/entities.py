"""The entity tagger: a bidirectional LSTM with a CRF on top (`network`, in jax on CPU) over each token's
word vectors learned without labels from the corpus's own SaudiNewsNet articles (`vectors`), a word
embedding and a character CNN learned from the gold (`inputs`).

What it learns from: the current release's `ner` train split, every collection, respecting each row's
annotated types (`data.learned_types`, `data.usable`): a row that never marked a type the model learns is
left out of training, so that its unmarked names are not taught as O; a name the source marked but the
import could not type is trained as any type of its kind, not as O (`inputs.Encoder.allowed`).
`extra_wojood` adds the Wojood sample's train sentences (real gold, never released).

Training is deterministic for a seed (batch order, initial weights, dropout). What is kept is a running
average of the weights over the last steps, steadier than the last step's. The model is a build artefact
in `<root>/.akhbar/models/entities/` (git-ignored) with its card. Its tags are suggestions, never
labels."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from akhbar.errors import UsageError
from akhbar.model import data, network
from akhbar.model.card import ModelCard, peak_rss_mb, read_card, staged
from akhbar.model.inputs import BUCKETS, Vocabulary
from akhbar.model.vectors import Vectors
from akhbar.paths import Project
from akhbar.scheme import load_scheme

MODEL_FILE = "weights.npz"
LEXICON_FILE = "lexicon.json"
# ../shared beside the checkout this package was installed from (the sample is never copied in).
WOJOOD = Path(__file__).resolve().parents[3].parent / "shared" / "external" / "wojood_sample" / "data"

# Chosen by measurement on a dev split carved from train (see benchmarks/model.md); quick is for tests
# on tiny projects.
HYPERPARAMETERS: dict[str, Any] = {
    "epochs": 20,
    "batch": 32,
    "hidden": 128,
    "word_dim": 50,
    "char_dim": 32,
    "filters": 64,
    "dropout": 0.5,
    "word_dropout": 0.25,
    "vector_dropout": 0.1,
    "learning_rate": 0.002,
    "clip": 5.0,
    "average": 0.995,
}
QUICK: dict[str, Any] = {
    **HYPERPARAMETERS,
    "steps": 200,
    "batch": 8,
    "hidden": 16,
    "word_dim": 16,
    "char_dim": 8,
    "filters": 16,
    "dropout": 0.1,
    "word_dropout": 0.0,  # measured on the suggestion tests' tiny release: with 0.1 it tags unseen words
    "learning_rate": 0.01,
    "average": 0.9,
}
PREDICT_BATCH = 64


def model_dir(project: Project, kind: str = "entities") -> Path:
    return project.state / "models" / kind


@dataclass
class EntityModel:
    version: str
    card: ModelCard
    types: tuple[str, ...]
    vocabulary: Vocabulary
    config: dict[str, Any]
    weights: dict[str, np.ndarray]
    pretrained: np.ndarray

    def __post_init__(self) -> None:
        import jax

        config = self.config
        self._encoder = self.vocabulary.encoder()
        self._emissions = jax.jit(
            lambda params, pretrained, batch: network.emissions(params, pretrained, batch, config)
        )
        # Moved to jax's memory once, not with every batch (the vectors alone are tens of megabytes).
        self._on_device = jax.device_put((self.weights, self.pretrained))

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        return [tags for tags, _ in self.tag_scored(sentences)]

    def tag_scored(self, sentences: list[list[str]]) -> list[tuple[list[str], float]]:
        """IOB2 tags of the scheme and the probability the CRF gives the tag path (lower: less sure). An
        empty sentence has no tags and probability 1; one longer than the network's longest batch is
        tagged in pieces (the probability is their product)."""
        longest = BUCKETS[-1]
        pieces: list[list[str]] = []
        owner: list[int] = []
        for index, tokens in enumerate(sentences):
            for start in range(0, len(tokens), longest):
                pieces.append(list(tokens[start : start + longest]))
                owner.append(index)
        found: list[tuple[list[int], float]] = [([], 1.0)] * len(pieces)
        for positions, batch in self._encoder.batches(pieces, PREDICT_BATCH):
            scores = np.asarray(self._emissions(*self._on_device, batch))
            for row, position in enumerate(positions):
                found[position] = network.viterbi(scores[row, : len(pieces[position])], self.weights)
        out: list[tuple[list[str], float]] = [([], 1.0) for _ in sentences]
        for index, (path, probability) in zip(owner, found, strict=True):
            tags, before = out[index]
            out[index] = (tags + [self.vocabulary.tags[k] for k in path], before * probability)
        return [(iob2(tags), probability) for tags, probability in out]


def iob2(tags: list[str]) -> list[str]:
    """Valid IOB2: an I- that does not continue a span of its type opens one (B-)."""
    fixed = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    return fixed


def compilation_cache(project: Project) -> None:
    """Compiled network programs kept under .akhbar/cache/jax: a later command skips their compilation
    (seconds for each batch shape). A cache the environment names (JAX_COMPILATION_CACHE_DIR) stands."""
    import jax

    if not jax.config.jax_compilation_cache_dir:
        jax.config.update("jax_compilation_cache_dir", str(project.state / "cache" / "jax"))


def load(project: Project) -> EntityModel:
    folder = model_dir(project)
    if not (folder / MODEL_FILE).is_file() or not (folder / "card.json").is_file():
        raise UsageError("no entity model: run `akhbar model train`")
    card = read_card(folder)
    compilation_cache(project)
    lexicon = json.loads((folder / LEXICON_FILE).read_text("utf-8"))
    with np.load(folder / MODEL_FILE) as stored:
        weights = {name: stored[name] for name in stored.files}
    pretrained = weights.pop("pretrained")
    return EntityModel(
        version=card.version,
        card=card,
        types=tuple(lexicon["types"]),
        vocabulary=Vocabulary(**{name: tuple(values) for name, values in lexicon["vocabulary"].items()}),
        config=lexicon["config"],
        weights=weights,
        pretrained=pretrained,
    )


def train(
    project: Project,
    *,
    extra_wojood: bool = False,
    seed: int = 0,
    quick: bool = False,
    vectors: Vectors | None = None,
) -> ModelCard:
    """Train on the current release's ner train split and store the model with its card (replacing the
    one before). `vectors` overrides the word vectors (None: learned from the corpus, or none when
    quick)."""
    from akhbar.model import vectors as unsupervised

    started = time.perf_counter()
    scheme = load_scheme(project.schema)
    release = data.release_version(project)
    rows = data.ner_rows(project, "train", scheme)
    if extra_wojood:
        if not (WOJOOD / "train.txt").is_file():
            raise UsageError(f"--extra-wojood: the Wojood sample is not at {WOJOOD}")
        rows += data.wojood_rows(WOJOOD / "train.txt", scheme)
    if not rows:
        raise UsageError(f"release {release} has no ner train rows to learn from")
    types = data.learned_types(rows, scheme)
    kept = [row for row in rows if data.usable(row, types) and row.tokens]
    config = dict(QUICK if quick else HYPERPARAMETERS)
    timings: dict[str, Any] = {}
    if vectors is None and quick:
        vectors = unsupervised.unit((), np.zeros((0, unsupervised.PARAMS["vector_size"]), np.float32))
    elif vectors is None:
        vectors_started = time.perf_counter()
        vectors, timings["vectors_cached"] = unsupervised.word_vectors(project, seed=seed)
        timings["vectors_seconds"] = round(time.perf_counter() - vectors_started, 1)
    vocabulary = Vocabulary.build(kept, types, vectors.words)
    compilation_cache(project)
    training_started = time.perf_counter()
    weights = _fit(kept, types, vocabulary, vectors, config, seed)
    timings["network_seconds"] = round(time.perf_counter() - training_started, 1)
    with staged(model_dir(project)) as staging:
        np.savez(staging / MODEL_FILE, **weights)
        lexicon = {
            "types": list(types),
            "config": config,
            "vocabulary": {
                "tags": list(vocabulary.tags),
                "words": list(vocabulary.words),
                "chars": list(vocabulary.chars),
                "pretrained": list(vocabulary.pretrained),
            },
        }
        (staging / LEXICON_FILE).write_text(
            json.dumps(lexicon, ensure_ascii=False, sort_keys=True, separators=(",", ":")), "utf-8"
        )
        digest = hashlib.sha256()
        for name in (MODEL_FILE, LEXICON_FILE):
            digest.update((staging / name).read_bytes())
        card = ModelCard(
            kind="entities",
            version=f"akhbar-bilstm-crf-{release}-{digest.hexdigest()[:10]}",
            release=release,
            training_data=_training_data(rows, kept, types, extra_wojood),
            features=[
                "normalised word: pretrained vector (frozen) and a trainable embedding (words seen twice)",
                "clitic-stripped stem: pretrained vector (frozen); proclitics and character class",
                "characters: a CNN (width 3) over the normalised token, max-pooled",
                "a bidirectional LSTM over the sentence, a CRF over its tag scores (partial labels)",
                (vectors.describe() if vectors.words else "no pretrained word vectors (quick)"),
            ],
            hyperparameters={**config, "optimizer": "adam", "quick": quick},
            seed=seed,
            timings=timings,
        )
        card.training_seconds = round(time.perf_counter() - started, 1)
        card.peak_rss_mb = round(peak_rss_mb(), 1)
        card.write(staging)
    return card


def _fit(
    rows: list[data.NerRow],
    types: tuple[str, ...],
    vocabulary: Vocabulary,
    vectors: Vectors,
    config: dict[str, Any],
    seed: int,
) -> dict[str, np.ndarray]:
    """The averaged weights after `epochs` passes over the rows (quick: `steps` batches), batches in a
    seeded order."""
    import jax
    import jax.numpy as jnp
    import optax

    encoder = vocabulary.encoder()
    allowed = [encoder.allowed(row, types) for row in rows]
    batches = [
        arrays for _, arrays in encoder.batches([row.tokens for row in rows], config["batch"], allowed)
    ]
    width = vectors.vectors.shape[1]
    pretrained = jnp.asarray(
        np.vstack([np.zeros((1, width), np.float32), vectors.vectors.reshape(-1, width)])
    )
    params = network.init(seed, vocabulary.sizes(), config, width)
    optimizer = optax.chain(optax.clip_by_global_norm(config["clip"]), optax.adam(config["learning_rate"]))
    decay = config["average"]

    @jax.jit
    def step(params: Any, state: Any, average: Any, pretrained: Any, batch: Any, key: Any) -> Any:
        grads = jax.grad(lambda p: network.loss(p, pretrained, batch, config, key))(params)
        updates, state = optimizer.update(grads, state, params)
        params = optax.apply_updates(params, updates)
        average = jax.tree.map(lambda a, p: decay * a + (1 - decay) * p, average, params)
        return params, state, average

    state = optimizer.init(params)
    average = params
    key = jax.random.PRNGKey(seed + 1)
    order = np.random.default_rng(seed)
    # `steps` (quick models only) caps the training at that many batches, however many rows there are.
    steps = config.get("steps") or config["epochs"] * len(batches)
    while steps > 0:
        for index in order.permutation(len(batches))[:steps]:
            key, subkey = jax.random.split(key)
            params, state, average = step(params, state, average, pretrained, batches[index], subkey)
        steps -= len(batches)
    weights = {name: np.asarray(value) for name, value in average.items()}
    weights["pretrained"] = np.asarray(pretrained)
    return weights


def _training_data(
    rows: list[data.NerRow], kept: list[data.NerRow], types: tuple[str, ...], extra_wojood: bool
) -> dict[str, Any]:
    used: dict[str, dict[str, int]] = {}
    for row in rows:
        entry = used.setdefault(row.collection, {"rows": 0, "tokens": 0, "rows_left_out": 0})
        entry["rows"] += 1
        entry["tokens"] += len(row.tokens)
    kept_ids = {id(row) for row in kept}
    for row in rows:
        if id(row) not in kept_ids:
            used[row.collection]["rows_left_out"] += 1
    return {
        "split": "train",
        "collections": used,
        "learned_types": list(types),
        "extra_wojood": extra_wojood,
        "left_out_because": "a row that did not annotate every learned type",
    }
