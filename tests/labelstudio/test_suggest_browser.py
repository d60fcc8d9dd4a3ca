"""A model's suggestion in the labeling page of a real browser (Debian's headless Chromium): shown pre-filled,
accepted or deleted by the annotator, and pulled back as the annotator's own work, or as nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import ARTIFACTS
from suggest_helpers import FRESH_TEXTS, trained_project

from akhbar import jsonl
from akhbar.labelstudio.client import Connection
from akhbar.labelstudio.pull import pull
from akhbar.labelstudio.push import push
from akhbar.model.entities import load
from akhbar.validate import validate_paths

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser, pytest.mark.slow]


def submit(page: Any) -> None:
    """Submit in the label stream (whose Submit button has a menu beside it, "submit and exit")."""
    with page.expect_response(
        lambda answer: "/annotations" in answer.url and answer.request.method == "POST"
    ):
        page.get_by_test_id("bottombar-submit-button").click()


def test_an_accepted_suggestion_comes_home_as_the_annotators_spans_and_a_deleted_one_as_none(
    live: Any,
    connection: Connection,
    browser_page: Any,
    tmp_path: Path,
) -> None:
    page = browser_page
    project = trained_project(tmp_path / "project", fresh=("fresh-2", "fresh-3"))
    model = load(project)
    (layer,) = push(
        project=project,
        connection=connection,
        prefix="suggest-web",
        layers=["entities"],
        progress=False,
        suggest=True,
    ).layers
    ls = connection.sdk
    tasks = {task.data["article_id"]: task.id for task in ls.tasks.list(project=layer.project_id)}
    suggested = {prediction.task: prediction for prediction in ls.predictions.list(project=layer.project_id)}
    accepted_prediction = suggested[tasks["fresh-2"]]
    ARTIFACTS.mkdir(exist_ok=True)

    # The annotator starts the label stream: the least confident task comes first, its suggestion
    # pre-filled, and it is no annotation until submitted.
    page.goto(f"{live.url}/projects/{layer.project_id}/data")
    page.get_by_role("button", name="Label All Tasks").click()
    window = page.locator(".lsf-modal-ls__content", has_text="Labeling Instructions")
    window.wait_for()
    window.get_by_role("button", name="Close modal").click()
    window.wait_for(state="hidden")
    page.locator(".lsf-richtext__line", has_text="قال سالم الحداد").wait_for()
    marks = page.locator(".lsf-richtext .htx-highlight")
    marks.first.wait_for()
    assert sorted(marks.all_inner_texts()) == sorted(["سالم الحداد", "بغداد"])
    assert ls.annotations.list(id=tasks["fresh-2"]) == []
    page.screenshot(path=str(ARTIFACTS / "labelstudio-suggestion.png"))
    submit(page)  # accepted as suggested

    # The stream goes on to the next least confident: the annotator deletes the suggested region and
    # submits what is left, nothing.
    page.locator(".lsf-richtext__line", has_text="اجتمعت اللجنة").wait_for()
    marks = page.locator(".lsf-richtext .htx-highlight")
    marks.first.wait_for()
    assert marks.all_inner_texts() == ["بغداد"]
    marks.first.click()
    page.keyboard.press("Backspace")
    marks.first.wait_for(state="detached")
    submit(page)
    assert page.dialogs == [] and page.outside == []  # type: ignore[attr-defined]

    pulled = pull(project=project, connection=connection, prefix="suggest-web", layers=["entities"])
    assert pulled.problems == []
    records = {
        record["article_id"]: record
        for _, record in jsonl.read(project.annotations / "entities" / "labelstudio.jsonl")
    }
    assert sorted(records) == ["fresh-2", "fresh-3"]
    text = FRESH_TEXTS["fresh-2"]
    expected = sorted(
        (
            {
                "start": region["value"]["start"],
                "end": region["value"]["end"],
                "label": region["value"]["labels"][0],
                "text": region["value"]["text"],
            }
            for region in accepted_prediction.result
        ),
        key=lambda span: span["start"],
    )
    assert expected == [
        {
            "start": text.index("سالم الحداد"),
            "end": text.index("سالم الحداد") + 11,
            "label": "PERS",
            "text": "سالم الحداد",
        },
        {"start": text.index("بغداد"), "end": text.index("بغداد") + 5, "label": "GPE", "text": "بغداد"},
    ]
    accepted, deleted = records["fresh-2"], records["fresh-3"]
    assert accepted["spans"] == expected
    assert accepted["annotator"] == deleted["annotator"] == live.creds.username
    assert accepted["provenance"]["suggestion"] == {
        "prediction_id": accepted_prediction.id,
        "model_version": model.version,
        "kept": 2,
        "changed": 0,
    }
    assert deleted["spans"] == []
    assert deleted["provenance"]["suggestion"]["kept"] == 0
    assert deleted["provenance"]["suggestion"]["model_version"] == model.version
    assert validate_paths(project=project).exit_code == 0
