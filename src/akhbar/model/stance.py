"""The stance baseline: TF-IDF over character n-grams of the claim and of the article (title and text),
side by side (their element-wise product, what the two share, is available as a part), and logistic
regression. Honest and simple: the figure a
better model must beat, with the majority class beside it (`evaluate.stance_scores`).

Trained on the current release's `stance` train split; stored in `<root>/.akhbar/models/stance/`."""

from __future__ import annotations

import hashlib
import pickle
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from akhbar.errors import UsageError
from akhbar.model import data
from akhbar.model.card import ModelCard, peak_rss_mb, read_card, staged
from akhbar.model.features import normal
from akhbar.paths import Project
from akhbar.scheme import load_scheme

MODEL_FILE = "model.pickle"
HYPERPARAMETERS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": [2, 5],
    "min_df": 2,
    "sublinear_tf": True,
    "C": 1.0,
    "class_weight": "balanced",
    # Chosen on the validation split: the product of the two (shared n-grams) added nothing there.
    "parts": ["claim", "article"],
}


def model_dir(project: Project) -> Path:
    return project.state / "models" / "stance"


def _vectorizer(params: dict[str, Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer=params["analyzer"],
        ngram_range=tuple(params["ngram_range"]),
        min_df=params["min_df"],
        sublinear_tf=params["sublinear_tf"],
        preprocessor=normal,
        dtype=__import__("numpy").float64,
    )


def _matrix(vectorizer: Any, pairs: list[tuple[str, str]], parts: list[str]) -> Any:
    from scipy.sparse import hstack

    claims = vectorizer.transform([claim for claim, _ in pairs])
    articles = vectorizer.transform([article for _, article in pairs])
    blocks = {"claim": claims, "article": articles, "claim*article": claims.multiply(articles)}
    return hstack([blocks[part] for part in parts]).tocsr()


@dataclass
class StanceModel:
    version: str
    card: ModelCard
    vectorizer: Any
    classifier: Any
    parts: list[str]

    def predict(self, pairs: list[tuple[str, str]]) -> list[tuple[str, float]]:
        """(claim, article text) -> (scheme stance label, its probability)."""
        if not pairs:
            return []
        probabilities = self.classifier.predict_proba(_matrix(self.vectorizer, pairs, self.parts))
        labels = self.classifier.classes_
        return [(str(labels[row.argmax()]), float(row.max())) for row in probabilities]


def train_stance(project: Project, seed: int = 0) -> ModelCard:
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    scheme = load_scheme(project.schema)
    release = data.release_version(project)
    rows = data.stance_rows(project, "train", scheme)
    labels = {row.label for row in rows}
    if len(labels) < 2:
        raise UsageError(f"release {release}: the stance train split needs two labels, has {sorted(labels)}")
    params = dict(HYPERPARAMETERS)
    vectorizer = _vectorizer(params)
    vectorizer.fit([row.claim for row in rows] + [row.article for row in rows])
    pairs = [(row.claim, row.article) for row in rows]
    classifier = LogisticRegression(
        C=params["C"], class_weight=params["class_weight"], max_iter=2000, random_state=seed
    )
    classifier.fit(_matrix(vectorizer, pairs, params["parts"]), [row.label for row in rows])
    blob = pickle.dumps({"vectorizer": vectorizer, "classifier": classifier}, protocol=5)
    per = Counter(row.collection for row in rows)
    majority = {
        collection: Counter(row.label for row in rows if row.collection == collection).most_common(1)[0][0]
        for collection in sorted(per)
    }
    card = ModelCard(
        kind="stance",
        version=f"akhbar-tfidf-lr-{release}-{hashlib.sha256(blob).hexdigest()[:10]}",
        release=release,
        training_data={
            "split": "train",
            "collections": {c: {"rows": n} for c, n in sorted(per.items())},
            "labels": dict(sorted(Counter(row.label for row in rows).items())),
            "majority": majority,
        },
        features=[
            "TF-IDF of character 2-5-grams (word-bounded) of the normalised claim and article",
            "parts: " + ", ".join(params["parts"]),
        ],
        hyperparameters={**params, "classifier": "logistic regression (lbfgs)"},
        seed=seed,
    )
    with staged(model_dir(project)) as staging:
        (staging / MODEL_FILE).write_bytes(blob)
        card.training_seconds = round(time.perf_counter() - started, 1)
        card.peak_rss_mb = round(peak_rss_mb(), 1)
        card.write(staging)
    return card


def load_stance(project: Project) -> StanceModel:
    folder = model_dir(project)
    if not (folder / MODEL_FILE).is_file() or not (folder / "card.json").is_file():
        raise UsageError("no stance model: run `akhbar model train`")
    card = read_card(folder)
    # Our own artefact, written by train_stance in this machine-local folder (never downloaded).
    parts = pickle.loads((folder / MODEL_FILE).read_bytes())
    return StanceModel(
        version=card.version,
        card=card,
        vectorizer=parts["vectorizer"],
        classifier=parts["classifier"],
        parts=list(card.hyperparameters["parts"]),
    )
