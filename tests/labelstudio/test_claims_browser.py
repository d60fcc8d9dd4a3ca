"""Stance at scale, end to end in a real browser: claims written in the claims project, pulled into
targets, pairs drawn, pushed as stance tasks, two of them labelled, pulled, released and loaded back with
`datasets.load_dataset`; running each step again adds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import ARTIFACTS, open_task, submit
from datasets import load_dataset
from labelstudio_helpers import LiveServer, make_project

from akhbar import jsonl
from akhbar.labelstudio.client import Connection
from akhbar.labelstudio.config import CLAIM_PLACEHOLDERS, STANCE_ARABIC
from akhbar.labelstudio.pull import pull
from akhbar.labelstudio.push import push
from akhbar.release.publish import release
from akhbar.stance.claims import CLAIMS_FILE
from akhbar.stance.pairs import draw_pairs
from akhbar.validate import validate_paths
from synthetic import synthetic_article

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser, pytest.mark.slow]

# Made-up sentences (no real news): two stories of one outlet and week, and others.
SENTENCES = {
    "st-a1": "افتتحت البلدية حديقة عامة جديدة على شاطئ البحر صباح الأحد بحضور السكان.",
    "st-a2": "حضر مئات السكان افتتاح الحديقة العامة الجديدة التي أقامتها البلدية على الشاطئ.",
    "st-a3": "قالت البلدية إن الحديقة الجديدة على الشاطئ ستفتح أبوابها كل يوم حتى منتصف الليل.",
    "st-b1": "أعلنت شركة الطيران عن رحلة أسبوعية جديدة إلى القاهرة ابتداء من الشهر المقبل.",
    "st-b2": "ناقش مجلس الإدارة ميزانية العام المقبل في اجتماعه الدوري يوم الخميس.",
    "st-c1": "بدأت أعمال صيانة الجسر الرئيسي في وسط العاصمة وتستمر ثلاثة أسابيع.",
    "st-c2": "وقعت الجامعة اتفاقية تعاون مع معهد للبحوث الزراعية لمدة خمس سنوات.",
    "st-c3": "أطلقت الوزارة حملة للتوعية بسلامة الطرق في المدارس الثانوية.",
    "st-c4": "استقبل المتحف معرضا للخط العربي القديم يضم أربعين لوحة نادرة.",
}
STORY = {"st-a1": "park", "st-a2": "park", "st-a3": "park"}
CLAIMS = {  # article -> what the annotator types, box by box
    "st-a1": ["افتتحت البلدية حديقة عامة على شاطئ البحر.", "حضر السكان افتتاح الحديقة يوم الأحد."],
    # the second box repeats the first claim of st-a1, worded with another end: reported, not added
    "st-c1": ["تستمر صيانة الجسر الرئيسي ثلاثة أسابيع.", "افتتحت البلدية حديقة عامة على شاطئ البحر!"],
}


def corpus(root: Path) -> Any:
    articles = []
    for article_id, text in SENTENCES.items():
        outlet = "outlet-a" if article_id[3] in "ab" else "outlet-b"
        record = synthetic_article(
            article_id,
            text,
            made_by="tests/labelstudio",
            title=f"عنوان {article_id[-2:]}",
            source=outlet,
            story_id=STORY.get(article_id),
        )
        record["provenance"]["crawled_at"] = "2015-07-21T10:00:00"
        articles.append(record)
    project = make_project(root, articles, [], seed=False)
    # Placed by an earlier release: all in train, but st-a3 in test (a story member a claim must not reach)
    jsonl.write(
        project.corpus / "splits" / "assignment.jsonl",
        [
            {"article_id": a, "group": a, "since": "0.1.0", "split": "test" if a == "st-a3" else "train"}
            for a in sorted(SENTENCES)
        ],
    )
    return project


def settled(page: Any, url: str, project_id: int, task_id: int) -> None:
    """Open a task and wait until its page has stopped loading (the Submit button enabled again): a task
    opened while the previous submission moves the page on would lose what is typed into it."""
    from playwright.sync_api import expect

    open_task(page, url, project_id, task_id)
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("button", name="Submit")).to_be_enabled()


def write_claims(page: Any, texts: list[str]) -> None:
    for text, placeholder in zip(texts, CLAIM_PLACEHOLDERS.values(), strict=False):
        # typed and left in its box: Submit keeps what each box holds (no "Add" needed)
        page.get_by_placeholder(placeholder).fill(text)
    page.screenshot(path=str(ARTIFACTS / "labelstudio-claims.png"))
    submit(page)


def test_claims_written_in_the_browser_become_pairs_labels_and_released_rows(
    live: LiveServer,
    connection: Connection,
    browser_page: Any,
    tmp_path: Path,
) -> None:
    page = browser_page
    project = corpus(tmp_path / "project")
    ls = connection.sdk
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. claims tasks for two articles; pushing again adds nothing
    (claims,) = push(
        project=project, connection=connection, prefix="scale", layers=["claims"], claim_articles=list(CLAIMS)
    ).layers
    assert (claims.tasks, claims.imported) == (2, 2)
    (again,) = push(
        project=project, connection=connection, prefix="scale", layers=["claims"], claim_articles=list(CLAIMS)
    ).layers
    assert (again.imported, again.unchanged) == (0, 2)
    tasks = {task.data["article_id"]: task.id for task in ls.tasks.list(project=claims.project_id)}
    for article_id, texts in CLAIMS.items():
        settled(page, live.url, claims.project_id, tasks[article_id])
        page.get_by_placeholder(CLAIM_PLACEHOLDERS["claim1"]).wait_for()
        directions = page.evaluate(
            "() => [...document.querySelectorAll('.lsf-richtext__line, textarea')]"
            ".map(e => getComputedStyle(e).direction)"
        )
        assert directions and set(directions) == {"rtl"}  # the article and the boxes, right to left
        write_claims(page, texts)

    # 2. pull: one target per non-empty box, the duplicate reported; pulling again adds nothing
    pulled = pull(project=project, connection=connection, prefix="scale", layers=["claims"])
    (layer,) = pulled.layers
    assert layer.added == 3
    assert len(pulled.problems) == 1 and "duplicates target" in pulled.problems[0]
    targets = {record["id"]: record for _, record in jsonl.read(project.targets / CLAIMS_FILE)}
    by_article: dict[str, list[str]] = {}
    for target in targets.values():
        assert target["author"] == live.creds.username and target["collection"] == "akhbar"
        assert (
            target["provenance"]["tool"] == "label-studio"
            and target["provenance"]["task_id"] in tasks.values()
        )
        by_article.setdefault(target["article_ids"][0], []).append(target["claim"])
    assert {a: sorted(c) for a, c in by_article.items()} == {
        "st-a1": sorted(CLAIMS["st-a1"]),
        "st-c1": [CLAIMS["st-c1"][0]],
    }
    before = (project.targets / CLAIMS_FILE).read_bytes()
    (repeat,) = pull(project=project, connection=connection, prefix="scale", layers=["claims"]).layers
    assert (repeat.added, repeat.unchanged) == (0, 3)
    assert (project.targets / CLAIMS_FILE).read_bytes() == before
    assert validate_paths(project=project).exit_code == 0

    # 3. pairs, drawn once
    drawn = draw_pairs(project, seed=7)
    assert drawn.drawn == 3 and drawn.problems == []
    assert draw_pairs(project, seed=7).drawn == 0
    targets = {record["id"]: record for _, record in jsonl.read(project.targets / CLAIMS_FILE)}
    pairs = {(t_id, p["article_id"]): p["reason"] for t_id, t in targets.items() for p in t["pairs"]}
    assert all(article != "st-a3" for _, article in pairs)  # in test, the claims' articles in train
    park = next(t_id for t_id, t in targets.items() if t["claim"] == CLAIMS["st-a1"][0])
    assert pairs[park, "st-a1"] == "source" and pairs[park, "st-a2"] == "story"

    # 4. stance tasks: one per pair; pushing again adds nothing
    (stance,) = push(project=project, connection=connection, prefix="scale", layers=["stance"]).layers
    assert (stance.tasks, stance.imported) == (len(pairs), len(pairs))
    (same,) = push(project=project, connection=connection, prefix="scale", layers=["stance"]).layers
    assert (same.imported, same.unchanged) == (0, len(pairs))
    stance_tasks = {
        (task.data["target_id"], task.data["article_id"]): task.id
        for task in ls.tasks.list(project=stance.project_id)
    }
    assert set(stance_tasks) == set(pairs)
    assert all("reason" not in str(task.data) for task in ls.tasks.list(project=stance.project_id))
    other = next(key for key, reason in sorted(pairs.items()) if key[0] == park and reason == "random")
    labelled = {(park, "st-a2"): "Agree", other: "Unrelated"}
    for key, label in labelled.items():
        settled(page, live.url, stance.project_id, stance_tasks[key])
        page.locator(".lsf-choice__item", has_text=STANCE_ARABIC[label]).click()
        submit(page)
    assert page.dialogs == [] and page.outside == []  # type: ignore[attr-defined]

    # 5. pull the labels; again adds nothing
    (got,) = pull(project=project, connection=connection, prefix="scale", layers=["stance"]).layers
    assert (got.added, got.problems) == (2, [])
    (none,) = pull(project=project, connection=connection, prefix="scale", layers=["stance"]).layers
    assert (none.added, none.unchanged) == (0, 2)
    assert validate_paths(project=project).exit_code == 0

    # 6. release, and find the two pairs in the `stance` config with their reasons and split
    release(project, version="0.3.0", date="2026-12-01", allow_synthetic=True)
    rows = load_dataset(str(project.root), "stance", cache_dir=str(tmp_path / "cache"))
    found = {
        (row["target_id"], row["article_id"]): (split, row["pair_reason"], names.int2str(row["label"]))
        for split, part in rows.items()
        for names in [part.features["label"]]
        for row in part
    }
    assert found == {
        (park, "st-a2"): ("train", "story", "Agree"),
        other: ("train", "random", "Unrelated"),
    }
