"""A released synthetic project: two annotators, two sources, three months."""

from __future__ import annotations

import shutil
from pathlib import Path

from akhbar.paths import Project, find_project
from akhbar.release.publish import release
from synthetic_project import SENTENCES, article, two_annotators, write_project

REPO = find_project()
CLAIM_ID = "claim-0001"


def build_release(root: Path, *, version: str = "1.0.0", extra: list | None = None) -> Project:
    """Articles from two sources, two annotators who agree on most labels, released with a fixed date."""
    articles = [
        article(0, SENTENCES[0], source="alpha"),
        article(1, SENTENCES[1], source="alpha"),
        article(2, SENTENCES[2], source="beta"),
    ]
    claim, records = two_annotators(articles, CLAIM_ID, "synthetic, written for the document tests")
    records += extra or []
    project = write_project(root, articles, [claim], records)
    (root / "docs").mkdir(exist_ok=True)
    shutil.copy(REPO.root / "docs" / "guidelines.md", root / "docs" / "guidelines.md")
    shutil.copy(REPO.root / "DATASHEET.md", root / "DATASHEET.md")
    release(project, version=version, date="2025-06-01", allow_synthetic=True)
    return project
