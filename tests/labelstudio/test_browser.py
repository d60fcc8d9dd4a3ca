"""An annotator in a real browser (Debian's headless Chromium): log in, label, submit; then pull.

Checks what only a browser shows: the Arabic runs right to left, a selection can leave a proclitic out
of a name, offsets after astral characters come back as code points, markup in a task stays text, the
Arabic stance choices store the scheme's names. Screenshots go to artifacts/.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import ARTIFACTS, open_task, select, submit
from labelstudio_helpers import (
    EMOJI,
    PROCLITIC,
    REPO,
    SCRIPT,
    SYN_CLAIM,
    LiveServer,
    make_project,
    synthetic_article,
)

from akhbar import jsonl
from akhbar.labelstudio.client import Connection
from akhbar.labelstudio.config import STANCE_ARABIC
from akhbar.labelstudio.pull import pull
from akhbar.labelstudio.push import push
from akhbar.registry import OWN_TERMS
from akhbar.validate import validate_paths
from synthetic_project import SENTENCES

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]


def test_an_annotator_labels_in_the_browser_and_pull_brings_it_home(
    live: LiveServer, connection: Connection, browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    project = make_project(tmp_path, [EMOJI, PROCLITIC, SCRIPT], [SYN_CLAIM], seed=False)
    entities, stance = push(project=project, connection=connection, prefix="web", progress=False).layers
    ls = connection.sdk
    tasks = {task.data["article_id"]: task.id for task in ls.tasks.list(project=entities.project_id)}
    stance_task = next(
        task.id
        for task in ls.tasks.list(project=stance.project_id)
        if task.data["article_id"] == "syn-proclitic"
    )
    ARTIFACTS.mkdir(exist_ok=True)

    line = open_task(page, live.url, entities.project_id, tasks["syn-proclitic"])
    assert line.evaluate("element => getComputedStyle(element).direction") == "rtl"
    # Right to left, as a reader sees it: the line ends flush with the right edge of its box.
    right_edges = line.evaluate(
        "element => [element, element.closest('.lsf-richtext')].map(e => e.getBoundingClientRect().right)"
    )
    assert abs(right_edges[0] - right_edges[1]) < 30
    select(page, PROCLITIC["text"], "أربيل", "GPE")  # the و before it stays outside
    page.screenshot(path=str(ARTIFACTS / "labelstudio-entities.png"))
    submit(page)

    open_task(page, live.url, entities.project_id, tasks["syn-emoji"])
    select(page, EMOJI["text"], "بغداد", "GPE")  # after 🇮🇶 and 𝐀: three code points, five UTF-16 units
    submit(page)

    open_task(page, live.url, entities.project_id, tasks["syn-script"])
    shown = page.locator(".lsf-richtext__line").last.inner_text()
    assert "<script>alert(1)</script>" in shown
    page.get_by_role("heading", name="<script>alert(1)</script>", exact=True).wait_for()  # the title, as text
    assert page.evaluate("() => document.querySelectorAll('.lsf-richtext script').length") == 0
    page.screenshot(path=str(ARTIFACTS / "labelstudio-script.png"))

    open_task(page, live.url, stance.project_id, stance_task)
    page.locator(".lsf-choice__item", has_text=STANCE_ARABIC["Agree"]).click()
    page.screenshot(path=str(ARTIFACTS / "labelstudio-stance.png"))
    submit(page)

    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.outside == []  # type: ignore[attr-defined]

    pulled = pull(project=project, connection=connection, prefix="web")
    assert pulled.problems == []
    entity_records = {
        record["article_id"]: record
        for _, record in jsonl.read(project.annotations / "entities" / "labelstudio.jsonl")
    }
    (stance_record,) = [
        record for _, record in jsonl.read(project.annotations / "stance" / "labelstudio.jsonl")
    ]
    begin = PROCLITIC["text"].index("أربيل")
    assert entity_records["syn-proclitic"]["spans"] == [
        {"start": begin, "end": begin + 5, "label": "GPE", "text": "أربيل"}
    ]
    begin = EMOJI["text"].index("بغداد")
    assert entity_records["syn-emoji"]["spans"] == [
        {"start": begin, "end": begin + 5, "label": "GPE", "text": "بغداد"}
    ]
    assert {record["annotator"] for record in entity_records.values()} == {live.creds.username}
    assert entity_records["syn-proclitic"]["provenance"]["lead_time"] > 0
    assert (stance_record["stance"], stance_record["target_id"]) == ("Agree", "syn-claim-1")
    assert validate_paths(project=project).exit_code == 0
    assert (ARTIFACTS / "labelstudio-entities.png").stat().st_size > 10_000


# A stance task on an article far longer than the screen: what must stay in view without scrolling.
VIEWPORT = {"width": 1400, "height": 1000}
LONG = synthetic_article(
    "syn-long",
    "\n".join(f"{sentence} ({number})" for number in range(1, 31) for sentence in SENTENCES),
    title="مقال طويل لاختبار صفحة الموقف",
)
LONG_CLAIM = {
    "id": "syn-claim-long",
    "claim": "وصل الفريق الطبي إلى بغداد يوم الأحد.",
    "article_ids": ["syn-long"],
    "origin": "synthetic claim written for the Label Studio tests",
    **OWN_TERMS,
}
SEED_EXAMPLE = "قيادة العمليات المشتركة"  # an Arabic example in the guidelines' tables


def _outside_view(locator: Any) -> dict[str, float] | None:
    """The element's box when any part of it lies outside the 1400x1000 window, else None."""
    box = locator.bounding_box()
    if (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= VIEWPORT["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= VIEWPORT["width"]
    ):
        return None
    return box or {}


def test_stance_page_shows_claim_choices_and_submit_without_scrolling(
    live: LiveServer, connection: Connection, browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    page.set_viewport_size(VIEWPORT)
    project = make_project(tmp_path, [LONG], [LONG_CLAIM], seed=False)
    _, stance = push(project=project, connection=connection, prefix="long", progress=False).layers
    (task,) = connection.sdk.tasks.list(project=stance.project_id)
    assert len(LONG["text"]) > 5000
    ARTIFACTS.mkdir(exist_ok=True)
    open_task(page, live.url, stance.project_id, task.id)
    page.screenshot(path=str(ARTIFACTS / "labelstudio-stance-long.png"))
    wanted = {
        "claim": page.get_by_text(LONG_CLAIM["claim"], exact=True).first,
        "submit": page.get_by_role("button", name="Submit"),
        **{
            name: page.locator(".lsf-choice__item", has_text=arabic) for name, arabic in STANCE_ARABIC.items()
        },
    }
    outside = {name: box for name, where in wanted.items() if (box := _outside_view(where)) is not None}
    assert outside == {}, f"not in the 1400x1000 window without scrolling: {outside}"
    # The article scrolls in its own box: its last line is there, below the box's visible part.
    last_line = page.locator(".lsf-richtext__line").last
    scrolls = last_line.evaluate(
        """e => { let box = e;
            while (box && getComputedStyle(box).overflowY !== 'auto') box = box.parentElement;
            return box !== null && box.scrollHeight > box.clientHeight; }"""
    )
    assert scrolls and _outside_view(last_line) is not None
    page.locator(".lsf-choice__item", has_text=STANCE_ARABIC["Discuss"]).click()
    assert _outside_view(wanted["submit"]) is None


def test_guidelines_open_right_to_left_with_arabic_examples_in_the_body_font(
    live: LiveServer, connection: Connection, browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    page.set_viewport_size(VIEWPORT)
    project = make_project(tmp_path, [LONG], [LONG_CLAIM], seed=False)
    shutil.copytree(REPO.root / "docs", project.root / "docs")
    entities, _ = push(project=project, connection=connection, prefix="guide", progress=False).layers
    ARTIFACTS.mkdir(exist_ok=True)
    # Where the README says annotators find them: the window that opens on "Label All Tasks" ...
    page.goto(f"{live.url}/projects/{entities.project_id}/data")
    page.get_by_role("button", name="Label All Tasks").click()
    window = page.locator(".lsf-modal-ls__content", has_text="Labeling Instructions")
    window.wait_for()
    page.screenshot(path=str(ARTIFACTS / "labelstudio-guidelines.png"))
    guidelines = window.locator(".akhbar-guidelines", has=page.locator("table"))
    assert guidelines.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert guidelines.evaluate("e => e.innerText").count("الكيانات") >= 1
    example = guidelines.locator("td", has_text=SEED_EXAMPLE).first
    example.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "labelstudio-guidelines-examples.png"))
    font, body_font, direction = example.evaluate(
        "e => [getComputedStyle(e).fontFamily,"
        " getComputedStyle(e.closest('.akhbar-guidelines').querySelector('p')).fontFamily,"
        " getComputedStyle(e).direction]"
    )
    assert "mono" not in font.lower() and font == body_font and direction == "rtl"
    arabic_in_code = guidelines.evaluate(
        "e => [...e.querySelectorAll('code, pre, kbd, samp')].map(c => c.innerText)"
        ".filter(t => /[\\u0600-\\u06ff]/.test(t))"
    )
    assert arabic_in_code == []
    # ... and the Instructions button at the top of the labeling page, at any time.
    window.get_by_role("button", name="Close modal").click()
    window.wait_for(state="hidden")
    page.get_by_role("button", name="Instructions").first.click()
    page.locator(".lsf-modal-ls__content .akhbar-guidelines table").first.wait_for()
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.outside == []  # type: ignore[attr-defined]
