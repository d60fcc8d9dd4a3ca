"""Scoring on known cases: the figures nervaluate gives, the CAMeL and native mappings, the mask."""

from __future__ import annotations

from akhbar.model import data, evaluate


def row(
    tags: list[str], source: list[str], annotated: tuple[str, ...] = ("PERS", "ORG", "GPE", "LOC", "FAC")
):
    return data.NerRow("r", "anercorp", ["w"] * len(tags), tags, frozenset(annotated), source)


def test_span_scores_strict_and_partial() -> None:
    gold = [["B-PERS", "I-PERS", "O", "B-ORG"]]
    pred = [["B-PERS", "O", "O", "B-ORG"]]
    scores = evaluate.span_scores(gold, pred, ["PERS", "ORG"])
    assert scores["strict"]["correct"] == 1 and scores["strict"]["f1"] == 0.5
    assert scores["partial"]["f1"] == 0.75  # the cut name counts half
    assert scores["types"]["ORG"]["strict"]["f1"] == 1.0


def test_camel_counts_gpe_loc_fac_as_location_and_leaves_misc_out() -> None:
    rows = [
        row(["B-GPE", "O", "B-FAC", "I-FAC", "O"], ["B-LOC", "O", "B-LOC", "I-LOC", "B-MISC"]),
        row(["B-PERS", "I-PERS", "O", "O", "O"], ["B-PERS", "I-PERS", "O", "O", "O"]),
    ]
    predicted = [["B-GPE", "O", "B-FAC", "I-FAC", "B-PRODUCT"], ["B-PERS", "O", "O", "B-ORG", "O"]]
    scores = evaluate.entity_scores(rows, predicted, ("PERS", "ORG", "GPE", "LOC", "FAC", "PRODUCT"))
    camel = scores["anercorp"]["camel3"]["strict"]
    # gold: LOC, LOC, PERS (MISC left out); predicted: LOC, LOC, PERS (cut), ORG (spurious)
    assert (camel["possible"], camel["actual"], camel["correct"]) == (3, 4, 2)
    native = scores["anercorp"]["native4"]["strict"]
    # PRODUCT -> MISC matches ANERcorp's MISC in the native figure
    assert (native["possible"], native["actual"], native["correct"]) == (4, 5, 3)


def test_a_prediction_of_a_type_the_row_did_not_annotate_is_not_scored() -> None:
    rows = [row(["B-PERS", "O"], [], annotated=("PERS",))]
    scores = evaluate.entity_scores(rows, [["B-PERS", "B-GPE"]], ("PERS", "GPE"))
    strict = scores["anercorp"]["scheme"]["strict"]
    assert (strict["possible"], strict["actual"], strict["f1"]) == (1, 1, 1.0)
    assert set(scores["anercorp"]["scheme"]["types"]) == {"PERS"}
    assert "camel3" not in scores["anercorp"]


def test_stance_scores_beside_the_majority_class() -> None:
    rows = [data.StanceRow(str(i), "ans", "c", "a", label, frozenset()) for i, label in enumerate("AADD")]
    rows = [
        data.StanceRow(
            r.id, r.collection, r.claim, r.article, {"A": "Agree", "D": "Disagree"}[r.label], r.annotated
        )
        for r in rows
    ]
    scores = evaluate.stance_scores(rows, ["Agree", "Disagree", "Disagree", "Disagree"], {"ans": "Agree"})
    ans = scores["ans"]
    assert ans["accuracy"] == 0.75
    assert ans["majority"] == {"label": "Agree", "accuracy": 0.5, "macro_f1": round(1 / 3, 4)}
