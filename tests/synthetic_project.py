"""Synthetic test corpora: articles (marked synthetic), claims and annotations, written to a folder."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.corpus import text_sha256
from akhbar.paths import Project, find_project
from akhbar.registry import OWN_TERMS, REGISTRY
from synthetic import synthetic_annotation_terms, synthetic_article, synthetic_provenance

# Synthetic sentences (marked synthetic in every record): a template filled with names, no real news.
SENTENCES = (
    "قال المتحدث باسم وزارة الصحة في بغداد إن الفريق الطبي وصل يوم الأحد.",
    "أعلنت شركة النور للطيران في عمّان عن رحلة جديدة إلى القاهرة في شهر أيار.",
    "التقى سالم الحداد بوفد من جامعة الموصل في مدينة أربيل صباح الخميس.",
)


def article(index: int, text: str, *, source: str = "synthetic") -> dict[str, Any]:
    return synthetic_article(
        f"syn_{index:04d}",
        text,
        made_by="tests",
        ingested_at="2025-01-01T00:00:00Z",
        source=source,
        published=f"2025-0{1 + index % 3}-15",
    )


def annotation(
    layer: str,
    art: dict[str, Any],
    annotator: str,
    *,
    words: Sequence[tuple[str, str]] = (),
    **extra: Any,
) -> dict[str, Any]:
    """One annotator's record; entity spans are given as (surface word, label) found in the text."""
    record: dict[str, Any] = {
        "id": f"{layer[:3]}_{art['id']}_{annotator}_{extra.get('target_id', 'x')}",
        "layer": layer,
        "article_id": art["id"],
        "text_sha256": text_sha256(art["text"]),
        "annotator": annotator,
        "provenance": synthetic_provenance(tool="test", at="2025-01-01T00:00:00Z"),
        **synthetic_annotation_terms(layer),
        **extra,
    }
    if layer == "entities":
        spans = []
        for word, label in words:
            start = art["text"].index(word)
            spans.append({"start": start, "end": start + len(word), "label": label, "text": word})
        record["spans"] = spans
    return record


def write_project(
    root: Path,
    articles: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    annotations: list[dict[str, Any]],
) -> Project:
    shutil.copytree(find_project().schema, root / "schema")
    project = Project(root)
    copy_registry(project)
    for source in sorted({a["source"] for a in articles}):
        chosen = sorted((a for a in articles if a["source"] == source), key=lambda a: a["id"])
        jsonl.write(project.articles / "akhbar" / f"{source}.jsonl", chosen)
    jsonl.write(project.targets / "claims.jsonl", targets)
    for layer in ("entities", "stance"):
        records = sorted((r for r in annotations if r["layer"] == layer), key=lambda r: r["id"])
        jsonl.write(project.annotations / layer / "test.jsonl", records)
    return project


def copy_registry(project: Project) -> None:
    """The checkout's collection registry, into a test project (its records name those collections)."""
    (project.corpus / REGISTRY).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(find_project().corpus / REGISTRY, project.corpus / REGISTRY)


def two_annotators(
    articles: Sequence[dict[str, Any]], claim_id: str, origin: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A claim on three articles, labelled by two annotators who agree on most things: the small case whose
    agreement figures the tests work out by hand (item 2 splits stance, item 3 has one entity annotator)."""
    first, second, third = articles
    claim = {
        "id": claim_id,
        "claim": "وصل الفريق الطبي.",
        "article_ids": [a["id"] for a in articles],
        "origin": origin,
        **OWN_TERMS,
    }
    records = [
        annotation("entities", first, "ali", words=[("بغداد", "GPE"), ("وزارة الصحة", "ORG")]),
        annotation("entities", first, "huda", words=[("بغداد", "GPE"), ("وزارة", "ORG")]),
        annotation("entities", second, "ali", words=[("عمّان", "GPE"), ("القاهرة", "GPE")]),
        annotation("entities", second, "huda", words=[("عمّان", "GPE"), ("القاهرة", "GPE")]),
        annotation("entities", third, "ali", words=[("سالم الحداد", "PERS")]),
        annotation("stance", first, "ali", target_id=claim_id, stance="Agree"),
        annotation("stance", first, "huda", target_id=claim_id, stance="Agree"),
        annotation("stance", second, "ali", target_id=claim_id, stance="Unrelated"),
        annotation("stance", second, "huda", target_id=claim_id, stance="Discuss"),
        annotation("stance", third, "ali", target_id=claim_id, stance="Unrelated"),
        annotation("stance", third, "huda", target_id=claim_id, stance="Unrelated"),
    ]
    return claim, records
