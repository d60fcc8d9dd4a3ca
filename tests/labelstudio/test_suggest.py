"""`push --suggest` and `--overlap` against the real server: model output arrives as predictions (never as
annotations), the queue offers the least confident task first, and each task goes to exactly N annotators.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from label_studio_sdk import LabelStudio
from labelstudio_helpers import PROCLITIC, LiveServer, make_project
from suggest_helpers import CLAIM, FRESH_TEXTS, add_articles, trained_project

from akhbar import jsonl
from akhbar.cli.main import main
from akhbar.labelstudio import projects
from akhbar.labelstudio.client import Connection
from akhbar.labelstudio.pull import pull
from akhbar.labelstudio.push import push
from akhbar.model.entities import load
from akhbar.model.stance import load_stance
from release.release_corpus import article

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]


def next_task(url: str, token: str, project_id: int) -> httpx.Response:
    """What the label stream ("Label All Tasks") gives this user next."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, trust_env=False) as client:
        return client.get(f"/api/projects/{project_id}/next")


def predictions_by_article(ls: LabelStudio, project_id: int) -> dict[str, list[Any]]:
    articles = {task.id: task.data["article_id"] for task in ls.tasks.list(project=project_id)}
    found: dict[str, list[Any]] = {}
    for prediction in ls.predictions.list(project=project_id):
        found.setdefault(articles[prediction.task], []).append(prediction)
    return found


def test_push_suggest_sends_the_models_spans_as_predictions_least_confident_first(
    live: LiveServer,
    connection: Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    project = trained_project(tmp_path / "project", fresh=("fresh-1",))
    model = load(project)
    ls = connection.sdk

    # A first push without suggestions: the tasks are there, no prediction, the default queue.
    plain, _ = push(project=project, connection=connection, prefix="sug", progress=False).layers
    settings = ls.projects.get(plain.project_id)
    assert (settings.maximum_annotations, settings.overlap_cohort_percentage) == (2, 100)
    assert (settings.sampling, settings.model_version) == ("Sequential sampling", "")
    assert plain.model_version is None and ls.predictions.list(project=plain.project_id) == []

    add_articles(project, [article(key, FRESH_TEXTS[key]) for key in ("fresh-2", "fresh-3", "fresh-4")])
    layer, stance = push(
        project=project, connection=connection, prefix="sug", progress=False, suggest=True
    ).layers
    assert (layer.imported, layer.unchanged, layer.suggestions) == (3, 13, 4)
    assert layer.model_version == model.version
    # (The import itself already sets an empty project model_version to the first version it sees.)
    assert "sampling Uncertainty sampling" in layer.queue

    tasks = {task.data["article_id"]: task for task in ls.tasks.list(project=layer.project_id)}
    assert len(tasks) == 16 and all(not task.total_annotations for task in tasks.values())
    found = predictions_by_article(ls, layer.project_id)
    # Only the articles nobody annotated (v000...v011 carry annotations in the corpus), one each.
    assert sorted(found) == ["fresh-1", "fresh-2", "fresh-3", "fresh-4"]
    texts = {key: FRESH_TEXTS[key] for key in found}
    scores = {}
    for article_id, (prediction,) in found.items():
        assert prediction.model_version == model.version
        assert 0.0 <= prediction.score <= 1.0
        scores[article_id] = prediction.score
        for region in prediction.result:
            value = region["value"]
            assert texts[article_id][value["start"] : value["end"]] == value["text"]
    text = texts["fresh-2"]
    assert [
        (region["value"]["start"], region["value"]["end"], region["value"]["labels"])
        for region in found["fresh-2"][0].result
    ] == [
        (text.index("سالم الحداد"), text.index("سالم الحداد") + len("سالم الحداد"), ["PERS"]),
        (text.index("بغداد"), text.index("بغداد") + len("بغداد"), ["GPE"]),
    ]
    # The score is the model's own confidence: its least sure paragraph.
    [(_, first), (_, second)] = model.tag_scored(
        [
            ["قال", "سالم", "الحداد", "إن", "الوفد", "وصل", "إلى", "بغداد", "صباح", "اليوم", "."],
            ["وأضاف", "أن", "الزيارة", "تستمر", "يومين", "."],
        ]
    )
    assert scores["fresh-2"] == pytest.approx(min(first, second), abs=1e-6)
    assert scores["fresh-2"] < scores["fresh-3"] < scores["fresh-4"]
    # Imported least confident first: the new tasks' ids follow their scores.
    new = sorted(("fresh-2", "fresh-3", "fresh-4"), key=lambda key: tasks[key].id)
    assert new == sorted(new, key=lambda key: scores[key])

    settings = ls.projects.get(layer.project_id)
    assert (settings.sampling, settings.model_version) == ("Uncertainty sampling", model.version)
    assert settings.maximum_annotations == 2
    offered = next_task(live.url, live.creds.api_key, layer.project_id)
    assert offered.status_code == 200
    least = min(scores, key=lambda key: scores[key])
    assert offered.json()["id"] == tasks[least].id
    assert [p["model_version"] for p in offered.json()["predictions"]] == [model.version]

    # Stance: the stance model's label for each (article, claim) pair nobody annotated, likewise.
    stance_model = load_stance(project)
    assert (stance.imported, stance.unchanged, stance.suggestions) == (3, 13, 4)
    assert stance.model_version == stance_model.version
    stance_found = predictions_by_article(ls, stance.project_id)
    assert sorted(stance_found) == ["fresh-1", "fresh-2", "fresh-3", "fresh-4"]
    pairs = [(CLAIM, FRESH_TEXTS[key]) for key in sorted(stance_found)]
    for (label, probability), key in zip(stance_model.predict(pairs), sorted(stance_found), strict=True):
        (prediction,) = stance_found[key]
        assert prediction.model_version == stance_model.version
        assert prediction.score == pytest.approx(probability, abs=1e-6)
        assert prediction.result == [
            {"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": [label]}}
        ]
    settings = ls.projects.get(stance.project_id)
    assert (settings.sampling, settings.model_version) == ("Uncertainty sampling", stance_model.version)

    # Again, from the command line: nothing more is sent, nothing changes.
    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    monkeypatch.setenv("LABEL_STUDIO_URL", live.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", live.creds.api_key)
    code = main(["labelstudio", "push", "--prefix", "sug", "--suggest", "--overlap", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "16 tasks in the corpus: 0 imported, 16 already there" in out
    assert f"suggestions: 0 sent by {model.version}" in out
    assert f"suggestions: 0 sent by {stance_model.version}" in out
    assert "queue settings changed" not in out
    assert {
        key: len(value) for key, value in predictions_by_article(ls, layer.project_id).items()
    } == dict.fromkeys(found, 1)
    # A suggestion is never a label: pull finds nothing to bring home.
    pulled = pull(project=project, connection=connection, prefix="sug", layers=["entities", "stance"])
    assert pulled.lines() == [
        f"entities: project {layer.project_id} has no annotations yet; nothing to pull",
        f"stance: project {stance.project_id} has no annotations yet; nothing to pull",
    ]
    assert not list(project.annotations.rglob("labelstudio.jsonl"))


def test_push_suggest_without_a_trained_model_says_what_to_run(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = make_project(tmp_path / "project", [PROCLITIC], seed=False)
    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    monkeypatch.setenv("LABEL_STUDIO_URL", live.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", live.creds.api_key)
    code = main(["labelstudio", "push", "--prefix", "nomodel", "--layers", "entities", "--suggest"])
    out = "".join(capsys.readouterr())
    assert code != 0 and "no entity model: run `akhbar model train`" in out
    assert "Traceback" not in out
    with live.connection() as connection:
        assert projects.find(connection.sdk, "nomodel entities") is None  # nothing was sent


def invite_annotator(url: str, admin_key: str, email: str, password: str) -> str:
    """An annotator who joins the way people do, through the organization's invite link; their API token.

    The admin reads the invite link (/api/invite), the annotator signs up on that page (Django's CSRF
    form) and, logged in, reads their own token (/api/current-user/token).
    """
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Token {admin_key}"}, trust_env=False
    ) as admin:
        invite = admin.get("/api/invite").raise_for_status().json()["invite_url"]
    with httpx.Client(base_url=url, follow_redirects=True, trust_env=False) as browser:
        page = browser.get(invite).raise_for_status()
        assert 'name="csrfmiddlewaretoken"' in page.text
        form = {
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "email": email,
            "password": password,
            "allow_newsletters": "false",
        }
        browser.post(invite, data=form, headers={"Referer": f"{url}{invite}"}).raise_for_status()
        me = browser.get("/api/current-user/whoami").raise_for_status().json()
        assert me["email"] == email and me["active_organization"] is not None
        return str(browser.get("/api/current-user/token").raise_for_status().json()["token"])


def test_overlap_two_gives_a_task_to_two_annotators_and_not_a_third_then_agreement(
    live: LiveServer,
    connection: Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "project", [PROCLITIC], seed=False)
    (layer,) = push(
        project=project,
        connection=connection,
        prefix="overlap",
        layers=["entities"],
        progress=False,
        overlap=2,
    ).layers
    assert layer.queue == ["maximum_annotations 2"]  # a new project: overlap_cohort_percentage is 100
    settings = connection.sdk.projects.get(layer.project_id)
    assert (settings.maximum_annotations, settings.overlap_cohort_percentage) == (2, 100)
    (task,) = connection.sdk.tasks.list(project=layer.project_id)
    assert task.overlap == 2
    names = ("ann-one", "ann-two", "ann-three")
    tokens = {
        name: invite_annotator(live.url, live.creds.api_key, f"{name}@akhbar.test", "Pass-word-4242")
        for name in names
    }

    # Each asks the label stream for work, before anyone has submitted: the task is held for two.
    offered = {name: next_task(live.url, token, layer.project_id) for name, token in tokens.items()}
    assert offered["ann-one"].status_code == 200 and offered["ann-one"].json()["id"] == task.id
    assert offered["ann-two"].status_code == 200 and offered["ann-two"].json()["id"] == task.id
    assert offered["ann-three"].status_code == 404

    text = PROCLITIC["text"]
    surfaces = {"ann-one": ["بغداد", "أربيل"], "ann-two": ["بغداد"]}
    for name, marked in surfaces.items():
        result = []
        for surface in marked:
            start = text.index(surface)
            value = {"start": start, "end": start + len(surface), "text": surface, "labels": ["GPE"]}
            result.append({"from_name": "entities", "to_name": "text", "type": "labels", "value": value})
        with httpx.Client(trust_env=False) as http:  # the annotator's own session, closed after
            own = LabelStudio(base_url=live.url, api_key=tokens[name], httpx_client=http)
            own.annotations.create(id=task.id, result=result, lead_time=4.0)
    assert next_task(live.url, tokens["ann-three"], layer.project_id).status_code == 404
    assert next_task(live.url, tokens["ann-one"], layer.project_id).status_code == 404

    pulled = pull(project=project, connection=connection, prefix="overlap", layers=["entities"])
    assert pulled.problems == []
    records = [record for _, record in jsonl.read(project.annotations / "entities" / "labelstudio.jsonl")]
    assert sorted(record["annotator"] for record in records) == ["ann-one@akhbar.test", "ann-two@akhbar.test"]

    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    report = tmp_path / "agreement.json"
    assert main(["agreement", "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "ann-one@akhbar.test" in out and "ann-two@akhbar.test" in out
    figures = report.read_text("utf-8")
    # One shared span of two and one: strict F1 2/3 between the two annotators.
    assert re.search(r"0\.66666[67]", figures), figures
