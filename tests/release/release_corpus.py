"""Synthetic corpora for release tests: made-up sentences (no real news), every article marked synthetic."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.corpus import text_sha256
from akhbar.paths import Project, find_project
from akhbar.registry import OWN_TERMS
from synthetic import synthetic_annotation_terms, synthetic_article, synthetic_provenance
from synthetic_project import copy_registry

PROVENANCE = synthetic_provenance(tool="test", at="2025-01-01T00:00:00Z")


def article(article_id: str, text: str, *, story_id: str | None = None) -> dict[str, Any]:
    return synthetic_article(
        article_id,
        text,
        made_by="tests",
        ingested_at="2025-01-01T00:00:00Z",
        title="عنوان تجريبي",
        story_id=story_id,
    )


def span(text: str, surface: str, label: str, occurrence: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return {"start": start, "end": start + len(surface), "label": label, "text": surface}


def entities(
    art: dict[str, Any], annotator: str, spans: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {
        "id": f"ent-{art['id']}-{annotator}",
        "layer": "entities",
        "article_id": art["id"],
        "text_sha256": extra.pop("text_sha256", text_sha256(art["text"])),
        "annotator": annotator,
        "spans": spans,
        "provenance": PROVENANCE,
        **synthetic_annotation_terms("entities"),
        **extra,
    }


def stance(art: dict[str, Any], annotator: str, target_id: str, label: str) -> dict[str, Any]:
    return {
        "id": f"sta-{art['id']}-{target_id}-{annotator}",
        "layer": "stance",
        "article_id": art["id"],
        "target_id": target_id,
        "stance": label,
        "text_sha256": text_sha256(art["text"]),
        "annotator": annotator,
        "provenance": PROVENANCE,
        **synthetic_annotation_terms("stance"),
    }


def target(target_id: str, claim: str, article_ids: list[str]) -> dict[str, Any]:
    return {
        "id": target_id,
        "claim": claim,
        "article_ids": article_ids,
        "origin": "synthetic (tests)",
        **OWN_TERMS,
    }


def write(
    root: Path,
    articles: list[dict[str, Any]],
    annotations: list[dict[str, Any]] = (),  # type: ignore[assignment]
    targets: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Project:
    """A project folder with its own schema/ and corpus/ (files sorted by id, as the corpus keeps them)."""
    if not (root / "schema").exists():
        shutil.copytree(find_project().schema, root / "schema")
    project = Project(root)
    copy_registry(project)
    jsonl.write(project.articles / "synthetic.jsonl", sorted(articles, key=lambda a: a["id"]))
    jsonl.write(project.targets / "claims.jsonl", sorted(targets, key=lambda t: t["id"]))
    for layer in ("entities", "stance"):
        records = sorted((a for a in annotations if a["layer"] == layer), key=lambda a: a["id"])
        jsonl.write(project.annotations / layer / "synthetic.jsonl", records)
    return project


# A small corpus that exercises every branch the release cares about.
TEXTS = {
    "a1": "وصل سالم الحداد إلى بغداد يوم الأحد، والتقى وفد هيئة الموانئ العراقية.\nوقال إن الزيارة ناجحة.",
    "a2": "أعلنت شركة النور للطيران في عمّان عن رحلة جديدة إلى القاهرة؟ نعم، يوم الخميس.",
    "a3": "التقى وزير الخارجية بالجيش في مدينة أربيل؛ وحضر 3,500 شخص بنسبة 12.5%.",
    "a4": "اجتمع مجلس الإدارة في الرباط لمناقشة ميزانية العام المقبل بحضور المدير العام.",
    "a5": "افتتحت بلدية مسقط حديقة عامة جديدة على شاطئ البحر بتكلفة 200 ريال للمتر.",
}


def sample(root: Path) -> tuple[Project, dict[str, dict[str, Any]]]:
    """Five articles:
    a1: two annotators agree; a nested span (ORG inside ORG... here GPE inside ORG) and a proclitic (و + name)
    a2: two annotators disagree on every span -> not released (no majority)
    a3: one annotator, span after the proclitic ب (بالجيش -> ب + الجيش)
    a4: annotation made on another text -> skipped as stale
    a5: not annotated
    stance: claim c1 on a1 (agree: Agree), on a2 (tie: Agree vs Disagree)
    """
    arts = {key: article(key, text) for key, text in TEXTS.items()}
    t1 = arts["a1"]["text"]
    agreed = [
        span(t1, "سالم الحداد", "PERS"),
        span(t1, "بغداد", "GPE"),
        span(t1, "هيئة الموانئ العراقية", "ORG"),
        span(t1, "العراقية", "NORP"),
    ]
    t2 = arts["a2"]["text"]
    t3 = arts["a3"]["text"]
    annotations = [
        entities(arts["a1"], "ann1", agreed),
        entities(arts["a1"], "ann2", agreed),
        entities(arts["a2"], "ann1", [span(t2, "عمّان", "GPE")]),
        entities(arts["a2"], "ann2", [span(t2, "القاهرة", "GPE")]),
        entities(
            arts["a3"],
            "ann1",
            [span(t3, "الجيش", "ORG"), span(t3, "أربيل", "GPE"), span(t3, "3,500", "CARDINAL")],
        ),
        entities(arts["a4"], "ann1", [span(arts["a4"]["text"], "الرباط", "GPE")], text_sha256="0" * 64),
        stance(arts["a1"], "ann1", "c1", "Agree"),
        stance(arts["a1"], "ann2", "c1", "Agree"),
        stance(arts["a2"], "ann1", "c1", "Agree"),
        stance(arts["a2"], "ann2", "c1", "Disagree"),
    ]
    targets = [target("c1", "وصل وفد رسمي إلى العاصمة.", ["a1", "a2"])]
    return write(root, list(arts.values()), annotations, targets), arts


NUMBERED = "زار سالم الحداد مدينة بغداد يوم {n} والتقى وفدا من هيئة الموانئ."


def numbered(root: Path, count: int, *, skip: tuple[int, ...] = ()) -> Project:
    """Articles v000, v001, ... (but `skip`), each entity-annotated alike by two annotators."""
    arts = [article(f"v{n:03d}", NUMBERED.format(n=n)) for n in range(count) if n not in skip]
    annotations = [
        entities(a, name, [span(a["text"], "سالم الحداد", "PERS"), span(a["text"], "بغداد", "GPE")])
        for a in arts
        for name in ("ann1", "ann2")
    ]
    return write(root, arts, annotations)
