"""A claims-project export turned into stance targets (no server): what is added, what is reported."""

from __future__ import annotations

from typing import Any

from akhbar.corpus import text_sha256
from akhbar.labelstudio.claims import convert_claims
from akhbar.labelstudio.config import claims_config
from akhbar.registry import OWN_TERMS
from akhbar.stance.claims import CLAIM_FIELDS, choose_for_claims, claim_key

TEXT = "افتتحت البلدية حديقة عامة جديدة على شاطئ البحر صباح الأحد."
ARTICLES = {"a1": TEXT, "a2": "بدأت أعمال صيانة الجسر الرئيسي في وسط العاصمة."}
EXISTING = {
    "claim-0001": {
        "id": "claim-0001",
        "claim": "بدأت صيانة الجسر الرئيسي.",
        "article_ids": ["a2"],
        **OWN_TERMS,
    }
}


def task(
    task_id: int, article_id: str, *annotations: dict[str, Any], text: str | None = None
) -> dict[str, Any]:
    shown = ARTICLES[article_id] if text is None else text
    data = {"article_id": article_id, "text_sha256": text_sha256(ARTICLES[article_id]), "text": shown}
    return {"id": task_id, "data": data, "annotations": list(annotations)}


def annotation(annotation_id: int, who: str, *claims: str, cancelled: bool = False) -> dict[str, Any]:
    result = [
        {"from_name": name, "to_name": "text", "type": "textarea", "value": {"text": [claim]}}
        for name, claim in zip(CLAIM_FIELDS, claims, strict=False)
        if claim
    ]
    return {
        "id": annotation_id,
        "completed_by": {"id": 1, "email": who},
        "result": result,
        "was_cancelled": cancelled,
        "created_at": "2026-12-01T03:00:00Z",
        "updated_at": "2026-12-01T03:00:00Z",
    }


def convert(export: list[dict[str, Any]], existing: dict[str, Any] | None = None) -> Any:
    return convert_claims(
        export,
        project_id=3,
        articles=ARTICLES,
        existing=dict(EXISTING if existing is None else existing),
        terms=OWN_TERMS,
        export_name="corpus/exports/x.json.gz",
    )


def test_each_non_empty_box_becomes_a_normalised_target_with_author_and_provenance() -> None:
    export = [
        task(
            10,
            "a1",
            annotation(20, "ann1@example.org", "افتتحت  البلديـــة حديقة عامة.", "", "ستفتح الحديقة كل يوم."),
            annotation(21, "ann2@example.org", "الحديقة على شاطئ البحر.", cancelled=True),
        )
    ]
    found = convert(export)
    assert found.problems == []
    assert [t["id"] for t in found.targets] == ["claim-ls-3-10-20-claim1", "claim-ls-3-10-20-claim3"]
    first = found.targets[0]
    assert first["claim"] == "افتتحت البلدية حديقة عامة."  # white space folded, tatweel out
    assert first["article_ids"] == ["a1"] and first["author"] == "ann1@example.org"
    assert {key: first[key] for key in OWN_TERMS} == OWN_TERMS
    assert first["provenance"] == {
        "tool": "label-studio",
        "project_id": 3,
        "task_id": 10,
        "annotation_id": 20,
        "field": "claim1",
        "created_at": "2026-12-01T03:00:00Z",
        "updated_at": "2026-12-01T03:00:00Z",
        "export": "corpus/exports/x.json.gz",
    }
    assert found.counts["cancelled"] == 1


def test_duplicates_latin_text_and_changed_tasks_are_reported_not_added() -> None:
    export = [
        task(
            11, "a2", annotation(30, "ann1@example.org", "بدأت صيانة الجسر الرئيسي!", "The bridge is closed.")
        ),
        task(12, "a1", annotation(31, "ann1@example.org", "نص"), text="نص آخر غير نص المقال"),
        task(13, "a1", annotation(32, "ann2@example.org", "افتتحت البلدية حديقة.", "افتتحت البلدية حديقة؟")),
    ]
    found = convert(export)
    assert [t["id"] for t in found.targets] == ["claim-ls-3-13-32-claim1"]
    assert len(found.problems) == 4
    assert "duplicates target claim-0001" in found.problems[0]
    assert "no Arabic letter" in found.problems[1]
    assert found.problems[2].startswith("task 12:")
    assert "duplicates target claim-ls-3-13-32-claim1" in found.problems[3]  # the same annotation's first


def test_a_claim_already_stored_is_kept_even_when_changed_in_label_studio() -> None:
    first = convert([task(14, "a1", annotation(40, "ann1@example.org", "افتتحت البلدية حديقة."))])
    stored = {**EXISTING, **{t["id"]: t for t in first.targets}}
    again = convert([task(14, "a1", annotation(40, "ann1@example.org", "افتتحت البلدية حديقة."))], stored)
    assert (again.targets, again.problems, again.counts["already stored"]) == ([], [], 1)
    edited = convert([task(14, "a1", annotation(40, "ann1@example.org", "افتتحت البلدية حديقتين."))], stored)
    assert edited.targets == [] and "the stored claim is kept" in edited.problems[0]


def test_claim_key_ignores_what_does_not_change_the_claim() -> None:
    assert claim_key("افتتحت  البلدية\u200b حديقة.") == claim_key("افتتحت البلدية حديقة؟ ")
    assert claim_key("افتتحت البلدية حديقة") != claim_key("افتتحت البلدية حديقتين")


def test_choosing_articles_for_claims_is_stable_and_extends() -> None:
    articles = [{"id": f"n{index:02d}", "kind": "article", "text": "نص"} for index in range(20)] + [
        {"id": "h1", "kind": "headline", "text": ""}
    ]
    five, problems = choose_for_claims(articles, first=5)
    eight, _ = choose_for_claims(articles, first=8)
    assert problems == [] and len(five) == 5 and eight[:5] == five and "h1" not in eight
    chosen, problems = choose_for_claims(articles, ids=["n03", "h1", "zz"])
    assert chosen == ["n03"] and len(problems) == 2


def test_the_claims_page_has_three_boxes_the_first_required_right_to_left() -> None:
    config = claims_config()
    assert config.count("<TextArea") == 3 and config.count('required="true"') == 1
    assert 'name="claim1"' in config and "direction: rtl" in config
