"""The adjudication rule on agreeing, disagreeing, tied, ground-truth, single and duplicated annotations."""

from __future__ import annotations

from typing import Any

import pytest
from disputes import disputes

from akhbar.quality.adjudicate import adjudicate

TEXT = "قال الجنرال فرانك ماكنزي إن واشنطن ستبقي 2500 جندي في العراق"
ARTICLE = "art_0001"


def span(start: int, end: int, label: str) -> dict[str, Any]:
    return {"start": start, "end": end, "label": label, "text": TEXT[start:end]}


PERS = span(12, 24, "PERS")  # فرانك ماكنزي
GPE_W = span(28, 34, "GPE")  # واشنطن
GPE_I = span(54, 60, "GPE")  # العراق
CARD = span(41, 45, "CARDINAL")  # 2500


def entities(
    annotator: str, spans: list[dict[str, Any]], *, gt: bool = False, updated: str = "2025-01-01T00:00:00Z"
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"ent_{annotator}_{updated[:10]}",
        "layer": "entities",
        "article_id": ARTICLE,
        "text_sha256": "0" * 64,
        "annotator": annotator,
        "spans": spans,
        "provenance": {"tool": "test", "updated_at": updated},
    }
    if gt:
        record["ground_truth"] = True
    return record


def stance(
    annotator: str,
    label: str,
    *,
    target: str = "claim-0001",
    gt: bool = False,
    updated: str = "2025-01-01T00:00:00Z",
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"st_{annotator}_{target}_{updated[:10]}",
        "layer": "stance",
        "article_id": ARTICLE,
        "target_id": target,
        "text_sha256": "0" * 64,
        "annotator": annotator,
        "stance": label,
        "provenance": {"tool": "test", "updated_at": updated},
    }
    if gt:
        record["ground_truth"] = True
    return record


def test_spans_are_the_text_they_claim() -> None:
    assert [PERS["text"], GPE_W["text"], GPE_I["text"], CARD["text"]] == [
        "فرانك ماكنزي",
        "واشنطن",
        "العراق",
        "2500",
    ]


# --- agreeing -------------------------------------------------------------------------------------------


def test_agreeing_annotators_release_their_labels() -> None:
    result = adjudicate(
        [
            entities("a", [GPE_W, PERS]),
            entities("b", [PERS, GPE_W]),
            stance("a", "Agree"),
            stance("b", "Agree"),
        ]
    )
    decision = result.entities[ARTICLE]
    assert decision.rule == "majority"
    assert decision.spans == (PERS, GPE_W)  # sorted by start, end, label
    assert decision.disputed == ()
    assert decision.annotators == ("a", "b")
    verdict = result.stance[(ARTICLE, "claim-0001")]
    assert (verdict.label, verdict.rule, verdict.votes) == ("Agree", "majority", {"Agree": 2})
    assert disputes(result) == []


def test_agreeing_on_no_entities_releases_an_empty_article() -> None:
    decision = adjudicate([entities("a", []), entities("b", [])]).entities[ARTICLE]
    assert (decision.spans, decision.rule) == ((), "majority")


# --- disagreeing ----------------------------------------------------------------------------------------


def test_span_kept_by_majority_and_others_listed_with_votes() -> None:
    result = adjudicate(
        [
            entities("a", [PERS, GPE_W, CARD]),
            entities("b", [PERS, GPE_W]),
            entities("c", [PERS, span(12, 17, "PERS")]),
        ]
    )
    decision = result.entities[ARTICLE]
    # 3 annotators: a majority is 2 or more; PERS has 3 votes, GPE_W 2, CARD 1, the short PERS 1.
    assert decision.rule == "majority"
    assert decision.spans == (PERS, GPE_W)
    assert decision.disputed == (
        {**span(12, 17, "PERS"), "votes": 1, "annotators": ("c",)},
        {**CARD, "votes": 1, "annotators": ("a",)},
    )
    [listed] = disputes(result)
    assert listed["released"] is True
    assert [c["text"] for c in listed["candidates"]] == ["فرانك", "2500"]


def test_same_span_with_another_label_is_another_candidate() -> None:
    decision = adjudicate(
        [entities("a", [GPE_W]), entities("b", [span(28, 34, "ORG")]), entities("c", [GPE_W])]
    ).entities[ARTICLE]
    assert decision.spans == (GPE_W,)
    assert [(d["label"], d["votes"]) for d in decision.disputed] == [("ORG", 1)]


def test_two_annotators_keep_only_what_both_drew() -> None:
    decision = adjudicate([entities("a", [PERS, GPE_I]), entities("b", [PERS])]).entities[ARTICLE]
    # 2 annotators: a majority is 2 (more than half), so GPE_I with 1 vote is disputed.
    assert decision.spans == (PERS,)
    assert decision.disputed == ({**GPE_I, "votes": 1, "annotators": ("a",)},)


def test_no_span_with_a_majority_leaves_the_article_out() -> None:
    result = adjudicate([entities("a", [PERS]), entities("b", [GPE_I])])
    decision = result.entities[ARTICLE]
    assert (decision.spans, decision.rule) == (None, "no-majority")
    assert [d["text"] for d in decision.disputed] == ["فرانك ماكنزي", "العراق"]
    assert disputes(result)[0]["released"] is False


def test_stance_majority_over_a_minority() -> None:
    verdict = adjudicate([stance("a", "Agree"), stance("b", "Discuss"), stance("c", "Agree")]).stance[
        (ARTICLE, "claim-0001")
    ]
    assert (verdict.label, verdict.rule, verdict.votes) == ("Agree", "majority", {"Agree": 2, "Discuss": 1})


def test_stance_plurality_without_majority_is_left_out() -> None:
    votes = [stance("a", "Agree"), stance("b", "Agree"), stance("c", "Discuss"), stance("d", "Unrelated")]
    verdict = adjudicate(votes).stance[(ARTICLE, "claim-0001")]
    # 4 annotators: a majority needs 3; Agree has 2 and no other label has 2.
    assert (verdict.label, verdict.rule) == (None, "no-majority")


# --- tied -----------------------------------------------------------------------------------------------


def test_stance_tie_between_two_is_left_out_and_listed() -> None:
    result = adjudicate([stance("a", "Agree"), stance("b", "Disagree")])
    verdict = result.stance[(ARTICLE, "claim-0001")]
    assert (verdict.label, verdict.rule, verdict.votes) == (None, "tie", {"Agree": 1, "Disagree": 1})
    assert disputes(result) == [
        {
            "layer": "stance",
            "article_id": ARTICLE,
            "target_id": "claim-0001",
            "rule": "tie",
            "released": False,
            "annotators": ["a", "b"],
            "votes": {"Agree": 1, "Disagree": 1},
        }
    ]


def test_stance_tie_two_against_two() -> None:
    votes = [stance("a", "Agree"), stance("b", "Discuss"), stance("c", "Discuss"), stance("d", "Agree")]
    verdict = adjudicate(votes).stance[(ARTICLE, "claim-0001")]
    assert (verdict.label, verdict.rule) == (None, "tie")


def test_three_way_split_is_a_tie() -> None:
    votes = [stance("a", "Agree"), stance("b", "Discuss"), stance("c", "Unrelated")]
    assert adjudicate(votes).stance[(ARTICLE, "claim-0001")].rule == "tie"


def test_targets_are_decided_separately() -> None:
    result = adjudicate(
        [
            stance("a", "Agree"),
            stance("b", "Agree"),
            stance("a", "Agree", target="claim-0002"),
            stance("b", "Disagree", target="claim-0002"),
        ]
    )
    assert result.stance[(ARTICLE, "claim-0001")].label == "Agree"
    assert result.stance[(ARTICLE, "claim-0002")].rule == "tie"
    assert result.counts() == {"entities": {}, "stance": {"majority": 1, "tie": 1}}


# --- ground truth ---------------------------------------------------------------------------------------


def test_ground_truth_wins_over_a_majority() -> None:
    result = adjudicate(
        [
            entities("a", [PERS, GPE_W]),
            entities("b", [PERS, GPE_W]),
            entities("reviewer", [PERS], gt=True),
            stance("a", "Agree"),
            stance("b", "Agree"),
            stance("reviewer", "Discuss", gt=True),
        ]
    )
    decision = result.entities[ARTICLE]
    assert (decision.spans, decision.rule, decision.disputed) == ((PERS,), "ground-truth", ())
    assert decision.annotators == ("a", "b", "reviewer")
    verdict = result.stance[(ARTICLE, "claim-0001")]
    assert (verdict.label, verdict.rule, verdict.votes) == (
        "Discuss",
        "ground-truth",
        {"Agree": 2, "Discuss": 1},
    )


def test_ground_truth_resolves_a_tie() -> None:
    votes = [stance("a", "Agree"), stance("b", "Disagree", gt=True)]
    verdict = adjudicate(votes).stance[(ARTICLE, "claim-0001")]
    assert (verdict.label, verdict.rule) == ("Disagree", "ground-truth")


def test_conflicting_ground_truths_release_nothing() -> None:
    result = adjudicate(
        [
            entities("a", [PERS], gt=True),
            entities("b", [GPE_W], gt=True),
            entities("c", [GPE_W]),
            stance("a", "Agree", gt=True),
            stance("b", "Disagree", gt=True),
        ]
    )
    decision = result.entities[ARTICLE]
    assert (decision.spans, decision.rule) == (None, "ground-truth-conflict")
    # Only the ground-truth annotations are candidates: c's vote cannot outweigh a reviewer.
    assert [(d["text"], d["annotators"]) for d in decision.disputed] == [
        ("فرانك ماكنزي", ("a",)),
        ("واشنطن", ("b",)),
    ]
    verdict = result.stance[(ARTICLE, "claim-0001")]
    assert (verdict.label, verdict.rule) == (None, "ground-truth-conflict")


def test_agreeing_ground_truths_are_released() -> None:
    decision = adjudicate([entities("a", [PERS], gt=True), entities("b", [PERS], gt=True)]).entities[ARTICLE]
    assert (decision.spans, decision.rule) == ((PERS,), "ground-truth")


# --- single annotator -----------------------------------------------------------------------------------


def test_single_annotator_is_released_as_is() -> None:
    result = adjudicate([entities("a", [GPE_I, PERS]), stance("a", "Unrelated")])
    decision = result.entities[ARTICLE]
    assert (decision.spans, decision.rule, decision.annotators) == ((PERS, GPE_I), "single", ("a",))
    verdict = result.stance[(ARTICLE, "claim-0001")]
    assert (verdict.label, verdict.rule) == ("Unrelated", "single")
    assert result.counts() == {"entities": {"single": 1}, "stance": {"single": 1}}


# --- duplicate records ----------------------------------------------------------------------------------


def test_an_annotator_votes_once_with_the_latest_record() -> None:
    result = adjudicate(
        [
            stance("a", "Agree", updated="2025-01-01T00:00:00Z"),
            stance("a", "Disagree", updated="2025-03-01T00:00:00Z"),
            stance("a", "Agree", updated="2025-02-01T00:00:00Z"),
            stance("b", "Disagree"),
        ]
    )
    verdict = result.stance[(ARTICLE, "claim-0001")]
    assert verdict.annotators == ("a", "b")
    assert (verdict.label, verdict.rule, verdict.votes) == ("Disagree", "majority", {"Disagree": 2})


def test_the_same_record_twice_is_one_vote() -> None:
    record = entities("a", [PERS])
    decision = adjudicate([record, record, entities("b", [])]).entities[ARTICLE]
    # Counted twice, a's span would have 2 of 3 votes; counted once it has 1 of 2 and is not released.
    assert (decision.spans, decision.rule, decision.annotators) == (None, "no-majority", ("a", "b"))


def test_a_span_drawn_twice_in_one_annotation_counts_once() -> None:
    decision = adjudicate([entities("a", [PERS, PERS]), entities("b", []), entities("c", [])]).entities[
        ARTICLE
    ]
    assert decision.spans is None
    assert decision.disputed == ({**PERS, "votes": 1, "annotators": ("a",)},)


def test_an_annotators_ground_truth_record_beats_a_later_one() -> None:
    votes = [
        stance("a", "Agree", gt=True, updated="2025-01-01T00:00:00Z"),
        stance("a", "Discuss", updated="2025-06-01T00:00:00Z"),
        stance("b", "Discuss"),
        stance("c", "Discuss"),
    ]
    verdict = adjudicate(votes).stance[(ARTICLE, "claim-0001")]
    assert (verdict.label, verdict.rule, verdict.votes) == (
        "Agree",
        "ground-truth",
        {"Agree": 1, "Discuss": 2},
    )


def test_unknown_layer_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown layer 'relations'"):
        adjudicate([{"id": "x", "layer": "relations", "article_id": ARTICLE}])
