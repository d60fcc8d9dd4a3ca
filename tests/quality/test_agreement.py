"""Agreement figures against values computed by hand on a small case, and the `akhbar agreement` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from akhbar.cli.main import main
from akhbar.quality.agreement import measure_agreement, tables
from akhbar.scheme import load_scheme
from synthetic_project import SENTENCES, annotation, article, two_annotators

SCHEME = load_scheme()


def stance(annotator: str, item: str, label: str) -> dict[str, Any]:
    return {
        "id": f"st_{item}_{annotator}",
        "layer": "stance",
        "article_id": item,
        "target_id": "claim-0001",
        "annotator": annotator,
        "stance": label,
    }


def entities(annotator: str, item: str, spans: list[tuple[int, int, str]]) -> dict[str, Any]:
    return {
        "id": f"en_{item}_{annotator}",
        "layer": "entities",
        "article_id": item,
        "annotator": annotator,
        "spans": [{"start": s, "end": e, "label": label, "text": "x" * (e - s)} for s, e, label in spans],
    }


def measure(records: list[dict[str, Any]]):
    return measure_agreement(records, stance_labels=SCHEME.stance_names, entity_labels=SCHEME.entity_names)


# Stance votes: item -> {annotator: label}
STANCE = {
    "i1": {"a": "Agree", "b": "Agree"},
    "i2": {"a": "Agree", "b": "Disagree"},
    "i3": {"a": "Discuss", "b": "Discuss", "c": "Discuss"},
    "i4": {"a": "Unrelated", "b": "Discuss"},
    "i5": {"a": "Agree"},  # one annotator: no pair, takes no part
}
STANCE_RECORDS = [
    stance(name, item, label) for item, votes in STANCE.items() for name, label in votes.items()
]


def test_krippendorff_alpha_by_hand() -> None:
    result = measure(STANCE_RECORDS).stance
    # Items with two or more votes: i1-i4, n = 2 + 2 + 3 + 2 = 9 pairable votes.
    # Coincidences, each ordered pair of votes within an item weighted 1/(votes in item - 1):
    #   i1 Agree-Agree 2; i2 Agree-Disagree 1 + Disagree-Agree 1; i3 Discuss-Discuss 3*2 pairs * 1/2 = 3;
    #   i4 Unrelated-Discuss 1 + Discuss-Unrelated 1.
    # Observed disagreement D_o = off-diagonal / n = (2 + 2) / 9 = 4/9.
    # Label totals: Agree 3, Disagree 1, Discuss 4, Unrelated 1.
    # Expected disagreement D_e = (n^2 - sum n_c^2) / (n (n - 1))
    #   = (81 - (9 + 1 + 16 + 1)) / 72 = 54/72 = 3/4.
    # alpha = 1 - D_o / D_e = 1 - (4/9) / (3/4) = 1 - 16/27 = 11/27.
    assert result.items == 4
    assert result.annotators == ("a", "b", "c")
    assert result.alpha == pytest.approx(11 / 27, abs=1e-6)


def test_cohen_kappa_by_hand() -> None:
    pairs = {pair.annotators: pair for pair in measure(STANCE_RECORDS).stance.pairs}
    ab = pairs[("a", "b")]
    # a, b share i1-i4: a = Agree Agree Discuss Unrelated, b = Agree Disagree Discuss Discuss.
    # Observed p_o = 2/4. Marginals a: Agree 2, Discuss 1, Unrelated 1; b: Agree 1, Disagree 1, Discuss 2.
    # Chance p_e = (2*1 + 1*2) / 4^2 = 4/16 = 1/4.  kappa = (1/2 - 1/4) / (1 - 1/4) = 1/3.
    assert (ab.items, ab.observed) == (4, 0.5)
    assert ab.kappa == pytest.approx(1 / 3, abs=1e-6)
    # a and c share only i3, both Discuss: p_e = 1, so kappa is 0/0, undefined, not 1 and not 0.
    ac = pairs[("a", "c")]
    assert (ac.items, ac.observed, ac.kappa) == (1, 1.0, None)


def test_alpha_undefined_when_one_label_is_used() -> None:
    result = measure([stance("a", "i1", "Agree"), stance("b", "i1", "Agree")]).stance
    assert (result.items, result.alpha) == (1, None)


def test_nothing_to_compare_with_a_single_annotator() -> None:
    result = measure([stance("a", "i1", "Agree"), entities("a", "d1", [(0, 3, "PERS")])])
    assert (result.stance.items, result.stance.alpha, result.stance.pairs) == (0, None, ())
    assert (result.entities.articles, result.entities.pooled, result.entities.pairs) == (0, None, ())


# Entity spans (start, end exclusive, label): a is the reference side, b the compared side.
SPANS = {
    "d1": {
        "a": [(0, 5, "PERS"), (10, 16, "GPE"), (20, 24, "ORG")],
        "b": [(0, 5, "PERS"), (10, 14, "GPE"), (30, 35, "DATE")],
    },
    "d2": {"a": [(0, 4, "ORG")], "b": [(0, 4, "GPE")]},
    "d3": {"a": [], "b": []},
}
SPAN_RECORDS = [entities(name, doc, spans) for doc, votes in SPANS.items() for name, spans in votes.items()]


def test_span_f1_strict_by_hand() -> None:
    result = measure(SPAN_RECORDS).entities
    [pair] = result.pairs
    assert pair.annotators == ("a", "b")
    assert result.pooled is not None and result.pooled.strict == pair.strict
    strict = pair.strict
    # d1: PERS same extent and type: correct; GPE 10-14 overlaps 10-16: incorrect; DATE: spurious;
    #     ORG 20-24 drawn only by a: missed.  d2: same extent, ORG vs GPE: incorrect.  d3: nothing.
    assert (strict.correct, strict.incorrect, strict.missed, strict.spurious) == (1, 2, 1, 1)
    # precision = 1 / (1 + 2 + 1) = 1/4, recall = 1 / (1 + 2 + 1) = 1/4, F1 = 1/4.
    assert (strict.precision, strict.recall, strict.f1) == (0.25, 0.25, 0.25)
    assert strict.spans == 8  # 4 spans each side
    assert pair.articles == 3


def test_span_f1_partial_by_hand() -> None:
    partial = measure(SPAN_RECORDS).entities.pairs[0].partial
    # d1: PERS exact: correct; GPE overlapping: partial; DATE spurious; ORG missed. d2: same extent: correct.
    assert (partial.correct, partial.partial, partial.missed, partial.spurious) == (2, 1, 1, 1)
    # precision = recall = (2 + 0.5 * 1) / 4 = 0.625, F1 = 0.625.
    assert (partial.precision, partial.recall, partial.f1) == (0.625, 0.625, 0.625)


def test_span_f1_per_type_by_hand() -> None:
    labels = measure(SPAN_RECORDS).entities.pooled.labels
    assert list(labels) == ["PERS", "ORG", "GPE", "DATE"]  # scheme order, types that occur
    assert labels["PERS"]["strict"].f1 == 1.0
    # GPE strict: d1 10-14 vs 10-16 incorrect; d2 b's GPE spurious. precision 0/2, recall 0/1, F1 0.
    assert labels["GPE"]["strict"].f1 == 0.0
    # GPE partial: one partial, one spurious. precision 0.5/2 = 1/4, recall 0.5/1 = 1/2,
    # F1 = 2 * 1/4 * 1/2 / (1/4 + 1/2) = 1/3.
    assert labels["GPE"]["partial"].f1 == pytest.approx(1 / 3, abs=1e-6)
    # ORG only on a's side: recall 0/2, precision undefined (b drew none), F1 0.
    org = labels["ORG"]["strict"]
    assert (org.missed, org.precision, org.recall, org.f1) == (2, None, 0.0, 0.0)
    date = labels["DATE"]["strict"]
    assert (date.spurious, date.precision, date.recall, date.f1) == (1, 0.0, None, 0.0)


def test_adjacent_spans_do_not_overlap() -> None:
    # End offsets are exclusive: 0-5 and 5-9 touch but share no character, so no partial credit.
    partial = measure([entities("a", "d1", [(0, 5, "PERS")]), entities("b", "d1", [(5, 9, "PERS")])])
    scores = partial.entities.pairs[0].partial
    assert (scores.partial, scores.missed, scores.spurious, scores.f1) == (0, 1, 1, 0.0)


def test_no_spans_on_either_side_is_undefined() -> None:
    result = measure([entities("a", "d1", []), entities("b", "d1", [])]).entities
    assert result.articles == 1
    assert (result.pairs[0].strict.f1, result.pairs[0].partial.f1) == (None, None)


def test_a_span_drawn_twice_is_compared_once() -> None:
    twice = [entities("a", "d1", [(0, 5, "PERS"), (0, 5, "PERS")]), entities("b", "d1", [(0, 5, "PERS")])]
    assert measure(twice).entities.pairs[0].strict.f1 == 1.0


def test_tables_carry_the_figures() -> None:
    rendered = "\n".join(table.text() for table in tables(measure(STANCE_RECORDS + SPAN_RECORDS)))
    assert "Krippendorff's alpha (nominal)" in rendered
    assert f"{11 / 27:.3f}" in rendered and f"{1 / 3:.3f}" in rendered
    assert "all pairs" in rendered and "0.250" in rendered and "0.625" in rendered


def test_agreement_command_on_two_annotators(make_project, tmp_path: Path, capsys) -> None:
    articles = [article(index, text) for index, text in enumerate(SENTENCES)]
    claim, records = two_annotators(articles, "claim-0001", "synthetic, written for this test")
    make_project(articles, [claim], records)
    out = tmp_path / "figures" / "agreement.json"
    out.parent.mkdir()  # the folder must exist: a report path is checked before any work, never made
    assert main(["agreement", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    figures = json.loads(out.read_text("utf-8"))
    # Stance: 3 items, 6 votes: Agree 2, Unrelated 3, Discuss 1; off-diagonal coincidences 2 (item 2).
    # D_o = 2/6; D_e = (36 - (4 + 9 + 1)) / 30 = 22/30; alpha = 1 - (1/3) / (11/15) = 1 - 5/11 = 6/11.
    assert figures["stance"]["alpha"] == pytest.approx(6 / 11, abs=1e-6)
    # kappa: p_o = 2/3; ali Agree 1 Unrelated 2, huda Agree 1 Unrelated 1 Discuss 1;
    # p_e = (1*1 + 2*1) / 9 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 1/2.
    assert figures["stance"]["pairs"][0]["kappa"] == pytest.approx(0.5, abs=1e-6)
    # Entities on the two shared articles: 3 of 4 spans the same; وزارة vs وزارة الصحة overlaps.
    # strict: correct 3, incorrect 1 -> precision = recall = 3/4; partial: (3 + 0.5) / 4 = 0.875.
    pooled = figures["entities"]["pooled"]
    assert (figures["entities"]["articles"], pooled["strict"]["f1"], pooled["partial"]["f1"]) == (
        2,
        0.75,
        0.875,
    )
    assert "ali – huda" in printed and "0.750" in printed and f"{6 / 11:.3f}" in printed


def test_agreement_command_refuses_an_invalid_corpus(make_project, capsys) -> None:
    art = article(0, SENTENCES[0])
    broken = annotation("stance", art, "ali", target_id="claim-9999", stance="Agree")
    make_project([art], [], [broken])
    assert main(["agreement"]) == 1  # bad data: the findings and exit 1, as `akhbar validate` gives
    error = capsys.readouterr().err
    assert "validation errors" in error and "error unknown-target" in error


def test_ground_truth_records_take_no_part() -> None:
    votes = [stance("a", "i1", "Agree"), stance("b", "i1", "Disagree"), stance("r", "i1", "Agree")]
    votes[2]["ground_truth"] = True
    result = measure(votes).stance
    # Only a and b count: one item, Agree vs Disagree; r's decision is not a third opinion.
    assert result.annotators == ("a", "b")
    assert [pair.annotators for pair in result.pairs] == [("a", "b")]
