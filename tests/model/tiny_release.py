"""A tiny release written straight into a project's data/ (Parquet with the release's features and a
manifest holding its version): enough for the models, which read nothing else. Made-up sentences, no real
news."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from datasets import Dataset

from akhbar.paths import Project
from akhbar.release.features import features
from akhbar.scheme import load_scheme

# Made-up sentences: person names before a verb, places after في, organisations after وزارة.
PEOPLE = ["سامي", "ليلى", "كريم", "نادر", "هالة", "يوسف", "منى", "طارق"]
PLACES = ["حلب", "تونس", "عمان", "بيروت", "صنعاء", "الرباط"]
VERBS = ["قال", "أعلن", "زار", "كتب"]


def sentence(i: int) -> tuple[list[str], list[str]]:
    person, place, verb = PEOPLE[i % len(PEOPLE)], PLACES[i % len(PLACES)], VERBS[i % len(VERBS)]
    tokens = [verb, person, "العلي", "في", place, "إن", "وزارة", "المالية", "ستفتح", "مكتبا", "."]
    tags = ["O", "B-PERS", "I-PERS", "O", "B-GPE", "O", "B-ORG", "I-ORG", "O", "O", "O"]
    return tokens, tags


def ner_row(
    index: int,
    tokens: list[str],
    tags: list[str],
    *,
    collection: str = "anercorp",
    annotated: tuple[str, ...] = ("PERS", "ORG", "GPE"),
    source_tags: list[str] | None = None,
    names: tuple[str, ...],
) -> dict[str, Any]:
    return {
        "id": f"{collection}-{index}-0",
        "article_id": f"{collection}-{index}",
        "paragraph": 0,
        "tokens": tokens,
        "ner_tags": [names.index(tag) for tag in tags],
        "token_starts": list(range(len(tokens))),
        "token_ends": list(range(1, len(tokens) + 1)),
        "collection": collection,
        "license": "CC-BY-4.0",
        "attribution": "tests",
        "annotated_labels": list(annotated),
        "source_tags": source_tags or [],
    }


def stance_row(index: int, claim: str, title: str, label: str, names: tuple[str, ...]) -> dict[str, Any]:
    return {
        "id": f"s-{index}",
        "article_id": f"a-{index}",
        "target_id": f"t-{index}",
        "claim": claim,
        "title": title,
        "text": "",
        "label": names.index(label),
        "collection": "ans",
        "license": "Apache-2.0",
        "attribution": "tests",
        "annotated_labels": ["Agree", "Disagree"],
    }


def write(
    project: Project,
    ner: dict[str, list[dict[str, Any]]],
    stance: dict[str, list[dict[str, Any]]] | None = None,
    version: str = "0.0.1",
) -> None:
    scheme = load_scheme(project.schema)
    data = project.data
    for config, splits in (("ner", ner), ("stance", stance or {})):
        for split, rows in splits.items():
            folder = data / config
            folder.mkdir(parents=True, exist_ok=True)
            Dataset.from_list(rows, features=features(config, scheme)).to_parquet(
                str(folder / f"{split}-00000-of-00001.parquet")
            )
    (data / "manifest.json").write_text(json.dumps({"version": version}), "utf-8")


def standard(project: Project, n_train: int = 40) -> None:
    """A tiny release: ner train and test of one collection, stance train and test."""
    names = load_scheme(project.schema).iob2_tags
    stance_names = load_scheme(project.schema).stance_names
    train = [ner_row(i, *sentence(i), names=names) for i in range(n_train)]
    test = []
    for i in range(6):
        tokens, tags = sentence(i + 3)
        source = [t.replace("GPE", "LOC") for t in tags]
        test.append(ner_row(100 + i, tokens, tags, source_tags=source, names=names))
    agree = [
        ("المطر يهطل في حلب", "أمطار غزيرة تهطل على حلب"),
        ("افتتاح مكتب جديد", "افتتاح مكتب جديد للوزارة"),
    ]
    disagree = [
        ("المطر يهطل في حلب", "لا أمطار في حلب اليوم"),
        ("افتتاح مكتب جديد", "الوزارة تنفي افتتاح مكتب"),
    ]
    stance_train = [
        stance_row(i, *pair, label, stance_names)
        for i, (pair, label) in enumerate(
            [(p, "Agree") for p in agree * 5] + [(p, "Disagree") for p in disagree * 3]
        )
    ]
    stance_test = [stance_row(100 + i, *p, "Agree", stance_names) for i, p in enumerate(agree)] + [
        stance_row(200 + i, *p, "Disagree", stance_names) for i, p in enumerate(disagree)
    ]
    write(project, {"train": train, "test": test}, {"train": stance_train, "test": stance_test})


def path(project: Project, *parts: str) -> Path:
    return project.root.joinpath(*parts)
