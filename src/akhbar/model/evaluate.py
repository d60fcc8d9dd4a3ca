"""Scores of the models on the release's test splits.

Entities (nervaluate, strict and partial, overall and per type), per collection: the gold of each row is
scored on the types that row annotated and the model learned; a predicted span of a type the row did not
annotate is left out (unknown there, neither right nor wrong). For rows with the source's own tags
(ANERcorp), two more figures compare with the literature:
- `camel3`: PERS, ORG and location, the source's LOC against predicted GPE, LOC or FAC; MISC left out
  (the target figure);
- `native4`: the source's four types, the prediction mapped back (GPE/LOC/FAC -> LOC, NORP/PRODUCT and the
  other name types -> MISC).

Stance: accuracy and macro F1 per collection's test split, with the majority class of that collection's
train split beside them."""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from typing import Any

from akhbar.model import data
from akhbar.model.entities import iob2

CAMEL = ("PERS", "ORG", "LOC")


def _round(value: float) -> float:
    return round(float(value), 4)


def span_scores(gold: list[list[str]], pred: list[list[str]], types: list[str]) -> dict[str, Any]:
    """Strict and partial precision/recall/F1 (and counts), overall and per type."""
    from nervaluate import Evaluator

    def figures(result: Any) -> dict[str, Any]:
        return {
            "precision": _round(result.precision),
            "recall": _round(result.recall),
            "f1": _round(result.f1),
            "correct": int(result.correct),
            "possible": int(result.possible),
            "actual": int(result.actual),
        }

    if not types:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nervaluate warns about tags it was not asked for: they are O here
        results = Evaluator(gold, pred, tags=list(types), loader="list").evaluate()
    overall = results["overall"]
    return {
        "strict": figures(overall["strict"]),
        "partial": figures(overall["partial"]),
        "types": {
            name: {"strict": figures(found["strict"]), "partial": figures(found["partial"])}
            for name, found in sorted(results["entities"].items())
        },
    }


def _retype(tags: list[str], mapping: dict[str, str]) -> list[str]:
    out = []
    for tag in tags:
        kind = mapping.get(tag[2:]) if tag != "O" else None
        out.append(f"{tag[:2]}{kind}" if kind else "O")
    return out


def entity_scores(
    rows: list[data.NerRow], predicted: list[list[str]], learned: tuple[str, ...]
) -> dict[str, Any]:
    """Per collection: rows, tokens, scheme-type figures and, where the source's tags are there, the
    camel3 and native4 figures."""
    by: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by[row.collection].append(index)
    out: dict[str, Any] = {}
    for collection, indices in sorted(by.items()):
        gold_rows, pred_rows, native_gold, native_pred = [], [], [], []
        types: set[str] = set()
        for i in indices:
            row = rows[i]
            scored = frozenset(row.annotated) & set(learned)
            types |= scored
            gold_rows.append(data.restrict(row.tags, scored))
            pred_rows.append(data.restrict(predicted[i], scored))
            if row.source_tags:
                native_gold.append(row.source_tags)
                native_pred.append(iob2(_retype(predicted[i], data.NATIVE)))
        entry: dict[str, Any] = {
            "rows": len(indices),
            "tokens": sum(len(rows[i].tokens) for i in indices),
            "scheme": span_scores(gold_rows, pred_rows, [t for t in learned if t in types]),
        }
        if native_gold:
            entry["native4"] = span_scores(native_gold, native_pred, ["PERS", "ORG", "LOC", "MISC"])
            camel_gold = [iob2(_retype(tags, {t: t for t in CAMEL})) for tags in native_gold]
            camel_pred = [iob2(_retype(tags, {t: t for t in CAMEL})) for tags in native_pred]
            entry["camel3"] = span_scores(camel_gold, camel_pred, list(CAMEL))
        out[collection] = entry
    return out


def stance_scores(
    rows: list[data.StanceRow], predicted: list[str], majority: dict[str, str]
) -> dict[str, Any]:
    """Per collection: accuracy and macro F1 of the model and of its train split's majority class."""
    from sklearn.metrics import accuracy_score, f1_score

    by: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by[row.collection].append(index)
    out: dict[str, Any] = {}
    for collection, indices in sorted(by.items()):
        gold = [rows[i].label for i in indices]
        pred = [predicted[i] for i in indices]
        labels = sorted(set(gold) | set(pred))
        base = majority.get(collection) or Counter(gold).most_common(1)[0][0]
        base_pred = [base] * len(gold)
        out[collection] = {
            "rows": len(indices),
            "labels": dict(sorted(Counter(gold).items())),
            "accuracy": _round(accuracy_score(gold, pred)),
            "macro_f1": _round(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
            "majority": {
                "label": base,
                "accuracy": _round(accuracy_score(gold, base_pred)),
                "macro_f1": _round(
                    f1_score(
                        gold, base_pred, labels=sorted(set(gold) | {base}), average="macro", zero_division=0
                    )
                ),
            },
        }
    return out
