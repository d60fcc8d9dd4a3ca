"""Synthetic articles, for tests and benchmarks only: text made by a script, every record marked synthetic.

`akhbar release` refuses synthetic articles unless told otherwise, so none can reach a real release.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from akhbar.registry import OWN_TERMS


def synthetic_article(
    article_id: str, text: str, *, made_by: str, ingested_at: str = "2026-01-01T00:00:00Z", **fields: Any
) -> dict[str, Any]:
    """An article record marked synthetic; `made_by` names the script or test that made its text, `fields`
    override the article's other fields (title, source, published, story_id, ...)."""
    record: dict[str, Any] = {
        "id": article_id,
        "kind": "article",
        **OWN_TERMS,
        "title": None,
        "text": text,
        "source": "synthetic",
        "url": None,
        "published": None,
        "author": None,
        "language": "ar",
        "story_id": None,
        "synthetic": True,
        "provenance": {"adapter": "synthetic", "source_file": made_by, "ingested_at": ingested_at},
    }
    record.update(fields)
    return record


def synthetic_annotation_terms(layer: str, schema_dir: Path | None = None) -> dict[str, Any]:
    """The collection fields of an annotation record made by a script: the project's own collection, and
    every label of the scheme annotated (as in Label Studio work)."""
    from akhbar.scheme import load_scheme

    scheme = load_scheme(schema_dir)
    labels = scheme.entity_names if layer == "entities" else scheme.stance_names
    return {**OWN_TERMS, "annotated_labels": list(labels)}


def synthetic_provenance(*, tool: str = "synthetic", at: str | None = None) -> dict[str, Any]:
    """The provenance of an annotation record made by a script rather than in Label Studio."""
    return {
        "tool": tool,
        "project_id": None,
        "task_id": None,
        "annotation_id": None,
        "created_at": at,
        "updated_at": at,
    }
