"""A small synthetic corpus for drawing pairs: made-up sentences (no real news), every article synthetic.

  g1a g1b g1c   one story (story id s1), outlet-a, one week; g1c was placed in test by an earlier release
  o1 o2         outlet-a, the same week, other stories; o2 was placed in test
  o3            outlet-a, another week
  r1 .. r6      outlet-b, the week after
Every other article is placed by the release's own rule: the kept assignment puts the rest in train.
Two claims written in Label Studio: one from g1a, one from r1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.paths import Project, find_project
from akhbar.registry import OWN_TERMS
from akhbar.stance.claims import CLAIMS_FILE, claim_id
from synthetic import synthetic_article
from synthetic_project import copy_registry

WORDS = [
    "افتتحت البلدية حديقة عامة جديدة على شاطئ البحر",
    "أعلنت شركة الطيران عن رحلة أسبوعية إلى القاهرة",
    "وصل الفريق الطبي إلى المدينة صباح الأحد",
    "ناقش مجلس الإدارة ميزانية العام المقبل",
    "فاز المنتخب الوطني في المباراة النهائية للبطولة",
    "ارتفعت أسعار الخضروات في الأسواق المحلية هذا الشهر",
    "وقعت الجامعة اتفاقية تعاون مع معهد للبحوث الزراعية",
    "أطلقت الوزارة حملة للتوعية بسلامة الطرق",
    "بدأت أعمال صيانة الجسر الرئيسي في وسط العاصمة",
    "استقبل المتحف معرضا للخط العربي القديم",
    "أغلقت المدارس أبوابها بسبب موجة الغبار",
    "سجلت محطة الرصد أعلى درجة حرارة منذ عشر سنوات",
    "نظمت الغرفة التجارية ملتقى للمستثمرين الشباب",
]
WEEK_1 = "2015-07-21T10:00:00"  # ISO week 2015-W30
WEEK_2 = "2015-07-29T10:00:00"  # 2015-W31


def article(
    article_id: str, index: int, *, source: str, crawled: str, story: str | None = None
) -> dict[str, Any]:
    text = f"{WORDS[index]}. {WORDS[(index + 5) % len(WORDS)]} ({article_id})."
    record = synthetic_article(
        article_id, text, made_by="tests/stance", source=source, story_id=story, title=f"عنوان {index}"
    )
    record["provenance"]["crawled_at"] = crawled
    return record


def claim(number: int, text: str, source: str) -> dict[str, Any]:
    return {
        "id": claim_id(7, number, 100 + number, "claim1"),
        **OWN_TERMS,
        "claim": text,
        "article_ids": [source],
        "author": "annotator@example.org",
        "origin": f"written in Label Studio by annotator@example.org from article {source}",
        "provenance": {
            "tool": "label-studio",
            "project_id": 7,
            "task_id": number,
            "annotation_id": 100 + number,
            "field": "claim1",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "export": None,
        },
    }


def write(root: Path) -> Project:
    import shutil

    if not (root / "schema").exists():
        shutil.copytree(find_project().schema, root / "schema")
    project = Project(root)
    copy_registry(project)
    arts = [
        article("g1a", 0, source="outlet-a", crawled=WEEK_1, story="s1"),
        article("g1b", 1, source="outlet-a", crawled=WEEK_1, story="s1"),
        article("g1c", 2, source="outlet-a", crawled=WEEK_1, story="s1"),
        article("o1", 3, source="outlet-a", crawled=WEEK_1),
        article("o2", 4, source="outlet-a", crawled=WEEK_1),
        article("o3", 5, source="outlet-a", crawled=WEEK_2),
        *(article(f"r{n}", 5 + n, source="outlet-b", crawled=WEEK_2) for n in range(1, 7)),
    ]
    jsonl.write(project.articles / "synthetic.jsonl", sorted(arts, key=lambda a: a["id"]))
    test = {"g1c", "o2"}
    jsonl.write(
        project.corpus / "splits" / "assignment.jsonl",
        [
            {
                "article_id": a["id"],
                "group": a["id"],
                "since": "0.1.0",
                "split": "test" if a["id"] in test else "train",
            }
            for a in sorted(arts, key=lambda a: a["id"])
        ],
    )
    claims = [
        claim(1, "افتتحت البلدية حديقة عامة جديدة.", "g1a"),
        claim(2, "بدأت صيانة الجسر الرئيسي.", "r1"),
    ]
    jsonl.write(project.targets / CLAIMS_FILE, sorted(claims, key=lambda c: c["id"]))
    return project
