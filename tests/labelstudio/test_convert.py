"""Export to records: every check that keeps a shifted or foreign span out of the corpus, one case each."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from labelstudio_helpers import REPO

from akhbar.corpus import text_sha256
from akhbar.labelstudio.convert import annotator_of, convert, record_id
from akhbar.scheme import load_scheme

SCHEME = load_scheme(REPO.schema)
# An astral emoji and a mathematical letter before the names: code points, not UTF-16 units.
TEXT = "🇮🇶 قال 𝐀 إن وفدا من بغداد وأربيل وصل."
ARTICLES = {"a1": TEXT}
CLAIM = "وصل وفد من بغداد."
TARGETS = {"t1": {"id": "t1", "claim": CLAIM, "article_ids": ["a1"]}}


def region(surface: str, label: str = "GPE", *, start: int | None = None) -> dict[str, Any]:
    begin = TEXT.index(surface) if start is None else start
    return {
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": begin, "end": begin + len(surface), "text": surface, "labels": [label]},
    }


def choice(*labels: str) -> dict[str, Any]:
    return {"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": list(labels)}}


def annotation(result: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": 7,
        "completed_by": {"id": 3, "email": "b@example.org"},
        "result": result,
        "was_cancelled": False,
        "ground_truth": False,
        "created_at": "2026-01-01T10:00:00.000000Z",
        "updated_at": "2026-01-01T10:05:00.000000Z",
        "lead_time": 4.25,
        **extra,
    }


def task(annotations: list[dict[str, Any]], **data: Any) -> dict[str, Any]:
    fields = {
        "article_id": "a1",
        "text_sha256": text_sha256(TEXT),
        "text": TEXT,
        "target_id": "t1",
        "claim_sha256": text_sha256(CLAIM),
        **data,
    }
    return {"id": 11, "annotations": annotations, "predictions": [5], "data": fields}


def run(export: list[dict[str, Any]], layer: str = "entities"):
    return convert(
        export,
        layer=layer,
        project_id=2,
        articles=ARTICLES,
        targets=TARGETS,
        scheme=SCHEME,
        export_name="corpus/exports/x.json.gz",
    )


def test_a_valid_entity_annotation_becomes_one_record_with_provenance() -> None:
    done = run([task([annotation([region("بغداد"), region("أربيل"), region("بغداد")])])])
    assert done.problems == []
    assert done.counts["duplicate spans collapsed"] == 1
    begin = TEXT.index("بغداد")
    assert done.records == [
        {
            "id": "ls-2-11-7",
            "layer": "entities",
            "article_id": "a1",
            "text_sha256": text_sha256(TEXT),
            "annotator": "b@example.org",
            "ground_truth": False,
            "collection": "akhbar",
            "license": "CC-BY-4.0",
            "attribution": "akhbar maintainers, akhbar: an annotated corpus of Arabic news, CC BY 4.0",
            "annotated_labels": list(SCHEME.entity_names),
            "spans": [
                {"start": begin, "end": begin + 5, "label": "GPE", "text": "بغداد"},
                {
                    "start": TEXT.index("أربيل"),
                    "end": TEXT.index("أربيل") + 5,
                    "label": "GPE",
                    "text": "أربيل",
                },
            ],
            "provenance": {
                "tool": "label-studio",
                "project_id": 2,
                "task_id": 11,
                "annotation_id": 7,
                "created_at": "2026-01-01T10:00:00.000000Z",
                "updated_at": "2026-01-01T10:05:00.000000Z",
                "lead_time": 4.25,
                "export": "corpus/exports/x.json.gz",
            },
        }
    ]
    # Offsets are code points: the flag (2) and 𝐀 (1) count as 3, not as UTF-16's 5.
    assert TEXT[begin : begin + 5] == "بغداد" and begin == len("🇮🇶 قال 𝐀 إن وفدا من ")


def test_an_annotation_with_no_entities_is_a_record_with_no_spans() -> None:
    assert run([task([annotation([])])]).records[0]["spans"] == []


def test_a_stance_annotation_becomes_one_record() -> None:
    done = run([task([annotation([choice("Agree")], ground_truth=True)])], layer="stance")
    assert done.problems == []
    (record,) = done.records
    assert (record["stance"], record["target_id"], record["ground_truth"]) == ("Agree", "t1", True)
    assert "spans" not in record


def test_cancelled_annotations_and_predictions_are_not_human_labels() -> None:
    done = run([task([annotation([region("بغداد")], was_cancelled=True)])])
    assert done.records == [] and done.problems == [] and done.counts["cancelled"] == 1


def test_annotator_is_the_email_then_the_username_then_the_id() -> None:
    assert annotator_of({"id": 1, "email": "", "username": "ali"}) == "ali"
    assert annotator_of(4) == "user-4"
    assert record_id(1, 2, 3) == "ls-1-2-3"


SHIFTED = region("بغداد", start=TEXT.index("بغداد") - 1)
SHIFTED["value"]["text"] = "بغداد"
PAST_END = region("بغداد")
PAST_END["value"].update(start=len(TEXT) - 2, end=len(TEXT) + 3)
TWO_LABELS = region("بغداد")
TWO_LABELS["value"]["labels"] = ["GPE", "LOC"]


@pytest.mark.parametrize(
    ("export", "layer", "problem"),
    [
        ([task([annotation([SHIFTED])])], "entities", "text[19:24] is ' بغدا', the span says 'بغداد'"),
        ([task([annotation([PAST_END])])], "entities", "is past the end of the article text"),
        (
            [task([annotation([region("بغداد", "CITY")])])],
            "entities",
            "label 'CITY' is not in the label scheme",
        ),
        ([task([annotation([TWO_LABELS])])], "entities", "exactly one label"),
        ([task([annotation([choice("Agree")])])], "entities", "not an entity label"),
        (
            [task([annotation([region("بغداد")])], text_sha256="0" * 64)],
            "entities",
            "was edited in Label Studio",
        ),
        ([task([annotation([region("بغداد")])], text=TEXT + " ")], "entities", "was edited in Label Studio"),
        (
            [task([annotation([region("بغداد")])], article_id="gone")],
            "entities",
            "article gone is not in the corpus",
        ),
        ([task([annotation([choice("Agree", "Disagree")])])], "stance", "exactly one label"),
        ([task([annotation([choice("يؤيد الادعاء")])])], "stance", "is not one of"),
        ([task([annotation([])])], "stance", "exactly one label"),
        (
            [task([annotation([choice("Agree")])], target_id="t9")],
            "stance",
            "target 't9' is not in the corpus",
        ),
    ],
)
def test_a_record_that_fails_a_check_is_reported_with_its_task_and_not_written(
    export: list[dict[str, Any]], layer: str, problem: str
) -> None:
    done = run(copy.deepcopy(export), layer=layer)
    assert done.records == []
    assert len(done.problems) == 1 and done.problems[0].startswith("task 11")
    assert problem in done.problems[0]


def test_an_article_changed_since_the_push_is_reported() -> None:
    done = convert(
        [task([annotation([region("بغداد")])])],
        layer="entities",
        project_id=2,
        articles={"a1": TEXT.replace("وصل", "وصلوا")},
        targets=TARGETS,
        scheme=SCHEME,
        export_name="x",
    )
    assert done.records == [] and "article a1 has changed since the task was pushed" in done.problems[0]


def test_an_annotator_who_submitted_twice_counts_once_by_the_latest() -> None:
    first = annotation([region("بغداد")], updated_at="2026-01-01T10:05:00.000000Z")
    second = annotation([region("أربيل")], id=9, updated_at="2026-01-02T08:00:00.000000Z")
    other = annotation([region("بغداد")], id=10, completed_by={"id": 4, "email": "c@example.org"})
    done = run([task([second, first, other])])
    assert sorted(record["id"] for record in done.records) == ["ls-2-11-10", "ls-2-11-9"]
    assert done.problems == [
        "task 11: b@example.org has 2 annotations; the latest, 9, is used and 7 not written"
    ]


def test_one_bad_annotation_does_not_take_its_neighbours_with_it() -> None:
    good = annotation([region("بغداد")])
    bad = annotation([SHIFTED], id=8, completed_by={"id": 5, "email": "d@example.org"})
    done = run([task([good, bad])])
    assert [record["id"] for record in done.records] == ["ls-2-11-7"]
    assert len(done.problems) == 1 and "annotation 8" in done.problems[0]
