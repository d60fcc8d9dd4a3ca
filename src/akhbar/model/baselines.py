"""The scores of record: both models on every collection's test split, written to data/baselines.json
by `akhbar model evaluate --record` and shown in the card (README.md) and DATASHEET.md as a generated
"Baselines" block (`akhbar document`, part `baselines`).

baselines.json holds what evaluation gives, nothing that changes between two equal runs (no time, no
date): two trainings with one seed record the same file. A release replaces data/ whole, so a new
release starts without one until the models are trained and evaluated on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from akhbar.commit import Transaction, project_lock
from akhbar.errors import UsageError
from akhbar.model import data, entities, evaluate, stance
from akhbar.model.consistency import consistent_by
from akhbar.paths import Project
from akhbar.scheme import load_scheme

FILE = "baselines.json"


def measure(project: Project) -> dict[str, Any]:
    """Score the trained models (both must exist) on the current release's test splits."""
    scheme = load_scheme(project.schema)
    release = data.release_version(project)
    tagger = entities.load(project)
    stance_model = stance.load_stance(project)
    for card in (tagger.card, stance_model.card):
        if card.release != release:
            raise UsageError(
                f"the {card.kind} model was trained on release {card.release}, the current one is {release}: "
                "run `akhbar model train`"
            )
    ner_test = data.ner_rows(project, "test", scheme)
    sentences = [row.tokens for row in ner_test]
    documents: list[str | int] = [row.article_id or index for index, row in enumerate(ner_test)]
    predicted = consistent_by(documents, sentences, tagger.tag(sentences))
    stance_test = data.stance_rows(project, "test", scheme)
    stance_predicted = [
        label for label, _ in stance_model.predict([(r.claim, r.article) for r in stance_test])
    ]
    return {
        "release": release,
        "split": "test",
        "entities": {
            "model": tagger.version,
            "kind": "BiLSTM-CRF with character CNN and word2vec vectors (jax, CPU), names made consistent "
            "within each article",
            "training_data": tagger.card.training_data,
            "seed": tagger.card.seed,
            "hyperparameters": tagger.card.hyperparameters,
            "collections": evaluate.entity_scores(ner_test, predicted, tagger.types),
        },
        "stance": {
            "model": stance_model.version,
            "kind": "TF-IDF character n-grams + logistic regression (scikit-learn)",
            "training_data": stance_model.card.training_data,
            "seed": stance_model.card.seed,
            "collections": evaluate.stance_scores(
                stance_test, stance_predicted, stance_model.card.training_data["majority"]
            ),
        },
    }


def to_bytes(figures: dict[str, Any]) -> bytes:
    return (json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def record(project: Project, figures: dict[str, Any]) -> Path:
    path = project.data / FILE
    with project_lock(project, command="model evaluate"), Transaction(project) as txn:
        if data.release_version(project) != figures["release"]:
            raise UsageError("the release changed while the models were scored: run again")
        txn.write(path, to_bytes(figures))
        txn.commit()
    return path


def read(data_dir: Path) -> dict[str, Any] | None:
    path = data_dir / FILE
    return json.loads(path.read_text("utf-8")) if path.is_file() else None


def _f(value: float) -> str:
    return f"{value:.3f}"


def lines(figures: dict[str, Any]) -> list[str]:
    """The figures as text for the terminal."""
    out = [f"release {figures['release']}, test split"]
    ent = figures["entities"]
    out.append(f"entities: {ent['model']}")
    for collection, entry in ent["collections"].items():
        out.append(f"  {collection}: {entry['rows']} rows, {entry['tokens']} tokens")
        for name in ("camel3", "native4", "scheme"):
            if name not in entry or not entry[name]:
                continue
            s, p = entry[name]["strict"], entry[name]["partial"]
            out.append(
                f"    {name}: strict P {_f(s['precision'])} R {_f(s['recall'])} F1 {_f(s['f1'])}; "
                f"partial F1 {_f(p['f1'])}"
            )
            for kind, found in entry[name]["types"].items():
                out.append(
                    f"      {kind}: strict F1 {_f(found['strict']['f1'])} "
                    f"(P {_f(found['strict']['precision'])} R {_f(found['strict']['recall'])}, "
                    f"{found['strict']['possible']} gold); partial F1 {_f(found['partial']['f1'])}"
                )
    st = figures["stance"]
    out.append(f"stance: {st['model']}")
    for collection, entry in st["collections"].items():
        out.append(
            f"  {collection}: {entry['rows']} rows; accuracy {_f(entry['accuracy'])}, macro F1 "
            f"{_f(entry['macro_f1'])}; majority class {entry['majority']['label']}: accuracy "
            f"{_f(entry['majority']['accuracy'])}, macro F1 {_f(entry['majority']['macro_f1'])}"
        )
    return out


_NAMES = {
    "camel3": "ANERcorp's PERS, ORG, LOC (LOC against GPE/LOC/FAC; MISC left out): the CAMeL figure",
    "native4": "ANERcorp's four native types (PERS, ORG, LOC, MISC)",
    "scheme": "the scheme's types the collection annotated",
}


def block(figures: dict[str, Any] | None, release: str | None) -> str:
    """The generated Markdown block of the card and the datasheet."""
    if release is None:
        return "No release yet: no baseline."
    if figures is None or figures.get("release") != release:
        return (
            f"No baseline is recorded for release {release}: `akhbar model train` then "
            "`akhbar model evaluate --record` measure them (data/baselines.json)."
        )
    ent, st = figures["entities"], figures["stance"]
    trained = ", ".join(
        f"{c} {v['rows']} rows" for c, v in sorted(ent["training_data"]["collections"].items())
    )
    out = [
        f"Scores of the project's own baseline models on the test split of release {figures['release']} "
        "(from `data/baselines.json`, written by `akhbar model evaluate --record`). The models are trained "
        "on CPU from this release's train split; their output is a suggestion for annotators, never a label.",
        "",
        f"**Entities**: `{ent['model']}`, {ent['kind']}, trained on {trained} "
        f"(types learned: {', '.join(ent['training_data']['learned_types'])}; seed {ent['seed']}). "
        "Span scores by nervaluate, strict (exact boundaries and type) and partial.",
        "",
        "| Collection | Figure | Type | Gold spans | Strict P | Strict R | Strict F1 | Partial F1 |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for collection, entry in ent["collections"].items():
        for name in ("camel3", "native4", "scheme"):
            if name not in entry or not entry[name]:
                continue
            rows = [("all", entry[name]), *entry[name]["types"].items()]
            for kind, found in rows:
                s = found["strict"]
                out.append(
                    f"| {collection} | {name} | {kind} | {s['possible']} | {_f(s['precision'])} | "
                    f"{_f(s['recall'])} | {_f(s['f1'])} | {_f(found['partial']['f1'])} |"
                )
    out += ["", *(f"- `{name}`: {text}" for name, text in _NAMES.items()), ""]
    out += [
        f"**Stance**: `{st['model']}`, {st['kind']}; the majority class of the collection's train split "
        "beside it.",
        "",
        "| Collection | Test rows | Accuracy | Macro F1 | Majority class | Majority accuracy "
        "| Majority macro F1 |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for collection, entry in st["collections"].items():
        m = entry["majority"]
        out.append(
            f"| {collection} | {entry['rows']} | {_f(entry['accuracy'])} | {_f(entry['macro_f1'])} | "
            f"{m['label']} | {_f(m['accuracy'])} | {_f(m['macro_f1'])} |"
        )
    return "\n".join(out)
