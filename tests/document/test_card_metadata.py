"""The dataset card's YAML metadata, checked offline against the lists that `datasets` ships."""

from __future__ import annotations

import pytest

from akhbar.document import card
from akhbar.paths import Project
from akhbar.release import manifest as manifests
from akhbar.scheme import load_scheme


def check(project: Project, old: str, new: str) -> list[str]:
    readme = (project.root / "README.md").read_text("utf-8")
    front, body = card.split_readme(readme)
    assert front is not None and old in front
    return card.check(
        front.replace(old, new, 1) + body, manifests.read(project.data), load_scheme(project.schema)
    )


def test_the_released_card_passes(released: Project) -> None:
    readme = (released.root / "README.md").read_text("utf-8")
    assert card.check(readme, manifests.read(released.data), load_scheme(released.schema)) == []


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("language:\n- ar\n", "language:\n- arabic\n", "language ['arabic'] is not a code"),
        ("- monolingual\n", "- bilingual\n", "multilinguality ['bilingual'] is not one"),
        ("- n<1K\n", "- tiny\n", "size_categories ['tiny'] not among"),
        ("language_creators:\n- found\n", "language_creators:\n- scraped\n", "language_creators ['scraped']"),
    ],
)
def test_values_outside_the_lists_are_named(released: Project, old: str, new: str, problem: str) -> None:
    problems = check(released, old, new)
    assert any(problem in found for found in problems), problems


def test_annotations_creators_say_whose_work_the_released_labels_are() -> None:
    from akhbar.document.card import annotations_creators

    assert annotations_creators({}) == ["no-annotation"]
    assert annotations_creators({"saudinewsnet": {"rows": {"articles": 3}}}) == ["no-annotation"]
    imported = {"anercorp": {"label_records": {"entities": 2}}, "ans": {"label_records": {"stance": 5}}}
    assert annotations_creators(imported) == ["found"]
    own = {**imported, "akhbar": {"label_records": {"entities": 1}}}
    assert annotations_creators(own) == ["expert-generated", "found"]
