"""Every item a reviewer should look at, JSON-ready, from an adjudication: what the tests read of its
decisions (the package sends these items to review itself, in akhbar.labelstudio.review)."""

from __future__ import annotations

from typing import Any

from akhbar.quality.adjudicate import Adjudication


def disputes(result: Adjudication) -> list[dict[str, Any]]:
    """Every item a reviewer should look at, JSON-ready: unreleased items and disputed spans."""
    listed: list[dict[str, Any]] = []
    for entity in result.entities.values():
        if entity.spans is None or entity.disputed:
            listed.append(
                {
                    "layer": "entities",
                    "article_id": entity.article_id,
                    "rule": entity.rule,
                    "released": entity.spans is not None,
                    "annotators": list(entity.annotators),
                    "candidates": [
                        {**span, "annotators": list(span["annotators"])} for span in entity.disputed
                    ],
                }
            )
    for stance in result.stance.values():
        if stance.label is None:
            listed.append(
                {
                    "layer": "stance",
                    "article_id": stance.article_id,
                    "target_id": stance.target_id,
                    "rule": stance.rule,
                    "released": False,
                    "annotators": list(stance.annotators),
                    "votes": dict(stance.votes),
                }
            )
    return listed
