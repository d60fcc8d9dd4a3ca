"""A tiny released corpus with quickly trained models, and fresh articles nobody annotated.

The release is of made-up sentences (tests/release/release_corpus.py, every article synthetic), all in
train: twelve articles whose entities two annotators marked alike, and a made-up claim whose stance
they gave (Agree on the even articles, Disagree on the odd ones). `train(quick=True)` learns سالم
الحداد as PERS and بغداد as GPE in seconds; `train_stance` a baseline on the twelve pairs. The fresh
articles are added to the corpus after the release, the claim attached to them too: they are what push
suggests for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.paths import Project
from akhbar.release.publish import release
from akhbar.release.settings import Settings
from release.release_corpus import NUMBERED, article, entities, span, stance, target, write

CLAIM_ID = "c-visit"
CLAIM = "زار سالم الحداد مدينة بغداد."
# Unannotated: the training sentence with other numbers, and sentences less like it (less sure).
FRESH_TEXTS = {
    "fresh-1": NUMBERED.format(n=101),
    "fresh-2": "قال سالم الحداد إن الوفد وصل إلى بغداد صباح اليوم.\nوأضاف أن الزيارة تستمر يومين.",
    "fresh-3": "اجتمعت اللجنة في مدينة بغداد لبحث خطة العام.",
    "fresh-4": NUMBERED.format(n=102),
}


def trained_project(root: Path, *, fresh: tuple[str, ...] = tuple(FRESH_TEXTS)) -> Project:
    """The release 0.1.0 of twelve annotated articles, an entity model (quick) and a stance model trained
    on it; then the `fresh` articles added to the corpus, unannotated, with the claim attached."""
    from akhbar.model.entities import train
    from akhbar.model.stance import train_stance

    arts = [article(f"v{n:03d}", NUMBERED.format(n=n)) for n in range(12)]
    annotations = [
        entities(a, name, [span(a["text"], "سالم الحداد", "PERS"), span(a["text"], "بغداد", "GPE")])
        for a in arts
        for name in ("ann1", "ann2")
    ]
    annotations += [
        stance(a, name, CLAIM_ID, "Agree" if n % 2 == 0 else "Disagree")
        for n, a in enumerate(arts)
        for name in ("ann1", "ann2")
    ]
    project = write(root, arts, annotations, [target(CLAIM_ID, CLAIM, [a["id"] for a in arts])])
    release(
        project,
        version="0.1.0",
        settings=Settings(ratios=(1.0, 0.0, 0.0)),
        date="2025-02-01",
        allow_synthetic=True,
    )
    train(project, quick=True)
    train_stance(project)
    add_articles(project, [article(key, FRESH_TEXTS[key]) for key in fresh])
    return project


def add_articles(project: Project, records: list[dict[str, Any]]) -> None:
    """New unannotated articles in the corpus, the claim attached to them too."""
    path = project.articles / "synthetic.jsonl"
    existing = [record for _, record in jsonl.read(path)]
    jsonl.write(path, sorted([*existing, *records], key=lambda record: record["id"]))
    claims = project.targets / "claims.jsonl"
    targets = [record for _, record in jsonl.read(claims)]
    for record in targets:
        if record["id"] == CLAIM_ID:
            record["article_ids"] = [*record["article_ids"], *(new["id"] for new in records)]
    jsonl.write(claims, targets)
