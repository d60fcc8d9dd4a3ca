"""The entity tagger: a linear-chain CRF (python-crfsuite) over word, clitic-stripped stem, affix,
character-class and neighbour features, with word clusters learned without labels from the corpus's own
SaudiNewsNet articles (`clusters`) and a gazetteer of the train split's names.

What it learns from: the current release's `ner` train split, every collection, respecting each row's
annotated types (`data.learned_types`, `data.usable`): a row that never marked a type the model learns is
left out of training, so that its unmarked names are not taught as O. `extra_wojood` adds the Wojood
sample's train sentences (real gold, never released).

The model is a build artefact in `<root>/.akhbar/models/entities/` (git-ignored) with its card. Its tags
are suggestions, never labels."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from akhbar.errors import UsageError
from akhbar.model import data
from akhbar.model.card import ModelCard, peak_rss_mb, read_card, staged
from akhbar.model.features import core, normal, sentence_features, split_clitics
from akhbar.paths import Project
from akhbar.scheme import load_scheme

MODEL_FILE = "model.crfsuite"
# ../shared beside the checkout this package was installed from (the sample is never copied in).
WOJOOD = Path(__file__).resolve().parents[3].parent / "shared" / "external" / "wojood_sample" / "data"

# Chosen by measurement on the train split (see benchmarks/model.md); quick is for tests on tiny projects.
HYPERPARAMETERS: dict[str, Any] = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 100,
    "window": 2,
    "hide_names": 0.5,
    "hide_others": 0.05,
}
QUICK: dict[str, Any] = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 30,
    "window": 1,
    "hide_names": 0.0,
    "hide_others": 0.0,
}


def model_dir(project: Project, kind: str = "entities") -> Path:
    return project.state / "models" / kind


@dataclass
class EntityModel:
    version: str
    card: ModelCard
    types: tuple[str, ...]
    clusters: Mapping[str, tuple[str, ...]]
    gazetteer: Mapping[str, str]
    window: int
    path: Path

    def __post_init__(self) -> None:
        import pycrfsuite

        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.path / MODEL_FILE))

    def features(self, tokens: list[str]) -> list[list[str]]:
        return sentence_features(tokens, self.clusters, self.gazetteer, self.window)

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        return [tags for tags, _ in self.tag_scored(sentences)]

    def tag_scored(self, sentences: list[list[str]]) -> list[tuple[list[str], float]]:
        """IOB2 tags of the scheme and the probability the CRF gives the whole sequence (lower: less sure).
        An empty sentence has no tags and probability 1."""
        out = []
        for tokens in sentences:
            if not tokens:
                out.append(([], 1.0))
                continue
            tags = list(self._tagger.tag(self.features(list(tokens))))
            out.append((iob2(tags), float(self._tagger.probability(tags))))
        return out


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


def load(project: Project) -> EntityModel:
    folder = model_dir(project)
    if not (folder / MODEL_FILE).is_file() or not (folder / "card.json").is_file():
        raise UsageError("no entity model: run `akhbar model train`")
    card = read_card(folder)
    extra = json.loads((folder / "lexicon.json").read_text("utf-8"))
    return EntityModel(
        version=card.version,
        card=card,
        types=tuple(extra["types"]),
        clusters={word: tuple(ids) for word, ids in extra["clusters"].items()},
        gazetteer=extra["gazetteer"],
        window=int(card.hyperparameters["window"]),
        path=folder,
    )


def gazetteer(rows: list[data.NerRow], types: tuple[str, ...]) -> dict[str, str]:
    """Stems that are mostly a name of one type in the train split: stem -> that type. A stem seen as O
    more often than as a name is left out (common words are not names)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        for token, tag in zip(row.tokens, data.restrict(row.tags, types), strict=True):
            counts[split_clitics(normal(core(token)[1]))[1]][tag[2:] if tag != "O" else "O"] += 1
    found = {}
    for stem, seen in counts.items():
        label, n = seen.most_common(1)[0]
        if label != "O" and n * 2 > sum(seen.values()) and len(stem) > 1:
            found[stem] = label
    return dict(sorted(found.items()))


def train(
    project: Project,
    *,
    extra_wojood: bool = False,
    seed: int = 0,
    quick: bool = False,
    clusters: Mapping[str, tuple[str, ...]] | None = None,
) -> ModelCard:
    """Train on the current release's ner train split and store the model with its card (replacing the
    one before). `clusters` overrides the unsupervised word clusters (None: learned from the corpus, or
    none when quick)."""
    import pycrfsuite

    from akhbar.model import clusters as unsupervised

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
    params = dict(QUICK if quick else HYPERPARAMETERS)
    timings: dict[str, Any] = {}
    if clusters is None and quick:
        clusters = {}
    elif clusters is None:
        clusters_started = time.perf_counter()
        timings["clusters_cached"] = unsupervised.cached(project, seed=seed)
        clusters = unsupervised.word_clusters(project, seed=seed)
        timings["clusters_seconds"] = round(time.perf_counter() - clusters_started, 1)
    gaz = gazetteer(kept, types)
    trainer = pycrfsuite.Trainer(verbose=False)
    chance = random.Random(seed)
    for row in kept:
        tags = data.restrict(row.tags, types)
        trainer.append(sentence_features(row.tokens, clusters, gaz, params["window"]), tags)
        if params["hide_names"]:
            # A second copy with the identity of some names (and a few other words) hidden: a third of the
            # test split's names never occur in train, and a model that saw every name by its word alone
            # learns little else.
            hide = frozenset(
                i
                for i, tag in enumerate(tags)
                if chance.random() < (params["hide_names"] if tag != "O" else params["hide_others"])
            )
            if hide:
                trainer.append(sentence_features(row.tokens, clusters, gaz, params["window"], hide), tags)
    trainer.set_params(
        {
            "c1": params["c1"],
            "c2": params["c2"],
            "max_iterations": params["max_iterations"],
            "feature.possible_transitions": True,
        }
    )
    with staged(model_dir(project)) as staging:
        trainer.train(str(staging / MODEL_FILE))
        lexicon = {
            "types": list(types),
            "clusters": {w: list(c) for w, c in clusters.items()},
            "gazetteer": gaz,
        }
        (staging / "lexicon.json").write_text(
            json.dumps(lexicon, ensure_ascii=False, sort_keys=True, separators=(",", ":")), "utf-8"
        )
        digest = hashlib.sha256()
        for name in (MODEL_FILE, "lexicon.json"):
            digest.update((staging / name).read_bytes())
        card = ModelCard(
            kind="entities",
            version=f"akhbar-crf-{release}-{digest.hexdigest()[:10]}",
            release=release,
            training_data=_training_data(rows, kept, types, extra_wojood),
            features=[
                "normalised word, clitic-stripped stem and its proclitics",
                "stem prefixes and suffixes (1-3), length, character classes",
                f"neighbours within {params['window']}: word, stem, proclitics, class, clusters, gazetteer",
                "next-word bigram",
                "a second copy of each sentence with the word identity of some names hidden",
                "word2vec k-means clusters of word and stem from the SaudiNewsNet articles"
                + (f" ({unsupervised.describe(len(clusters))})" if clusters else " (none: quick)"),
                "gazetteer of train-split name stems",
            ],
            hyperparameters={**params, "algorithm": "lbfgs", "quick": quick},
            seed=seed,
            timings=timings,
        )
        card.training_seconds = round(time.perf_counter() - started, 1)
        card.peak_rss_mb = round(peak_rss_mb(), 1)
        card.write(staging)
    return card


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
