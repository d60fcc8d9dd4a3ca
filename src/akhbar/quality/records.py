"""The annotation records that still apply: made on the current text of an article in the corpus."""

from __future__ import annotations

from typing import Any

from akhbar.corpus import iter_annotations, iter_articles, text_sha256
from akhbar.paths import Project


def current_annotations(project: Project) -> tuple[list[dict[str, Any]], int]:
    """(records made on their article's current text, how many others: older texts or unknown articles)."""
    hashes = {article["id"]: text_sha256(article["text"]) for article in iter_articles(project)}
    current, stale = [], 0
    for record in iter_annotations(project):
        if hashes.get(record["article_id"]) == record["text_sha256"]:
            current.append(record)
        else:
            stale += 1
    return current, stale
