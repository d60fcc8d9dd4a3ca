"""The review loop on the real server: disagreements pushed as review tasks with the candidates as
predictions, a reviewer's work pulled like any other annotation, and the adjudication then settled."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from labelstudio_helpers import EMOJI, PROCLITIC, REPO, SYN_CLAIM, make_project

from akhbar import jsonl
from akhbar.labelstudio.client import Connection
from akhbar.labelstudio.pull import pull
from akhbar.labelstudio.review import push_review, review_tasks
from akhbar.quality.adjudicate import adjudicate
from akhbar.quality.records import current_annotations
from akhbar.validate import validate_paths
from synthetic_project import annotation

pytestmark = pytest.mark.labelstudio
PREFIX = "rv"


def region(text: str, surface: str, label: str) -> dict[str, Any]:
    start = text.index(surface)
    return {
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + len(surface), "text": surface, "labels": [label]},
    }


def test_disagreements_go_to_review_and_come_back_settled(connection: Connection, tmp_path) -> None:
    project = make_project(tmp_path, [EMOJI, PROCLITIC], [SYN_CLAIM], seed=False)
    (project.root / "docs").mkdir()
    for name in ("guidelines.md", "guidelines.ar.md"):  # annotators get the Arabic text
        shutil.copy(REPO.root / "docs" / name, project.root / "docs" / name)
    claim = {"target_id": SYN_CLAIM["id"]}
    records = [
        # أربيل: GPE for ali, LOC for huda -> disputed; بغداد agreed. The emoji article is agreed on.
        annotation("entities", PROCLITIC, "ali", words=[("بغداد", "GPE"), ("أربيل", "GPE")]),
        annotation("entities", PROCLITIC, "huda", words=[("بغداد", "GPE"), ("أربيل", "LOC")]),
        annotation("entities", EMOJI, "ali", words=[("بغداد", "GPE")]),
        annotation("entities", EMOJI, "huda", words=[("بغداد", "GPE")]),
        annotation("stance", PROCLITIC, "ali", stance="Agree", **claim),  # a 1-1 tie
        annotation("stance", PROCLITIC, "huda", stance="Disagree", **claim),
        annotation("stance", EMOJI, "ali", stance="Discuss", **claim),
        annotation("stance", EMOJI, "huda", stance="Discuss", **claim),
    ]
    for layer in ("entities", "stance"):
        jsonl.write(project.annotations / layer / "team.jsonl", [r for r in records if r["layer"] == layer])
    assert validate_paths(None, project=project).exit_code == 0

    report = push_review(project=project, connection=connection, prefix=PREFIX)
    entities, stance = report.layers
    assert (entities.disputed, entities.imported, stance.disputed, stance.imported) == (1, 1, 1, 1)

    ls = connection.sdk
    review = ls.projects.get(entities.project_id)
    assert review.title == f"{PREFIX} entities"
    assert "قاعدة الحروف المتصلة" in review.expert_instruction  # the guidelines reach the labeling page
    [task] = list(ls.tasks.list(project=entities.project_id, fields="all"))
    assert task.data["article_id"] == PROCLITIC["id"] and task.total_annotations == 0
    predictions = {p.model_version: p for p in ls.predictions.list(task=task.id)}
    assert set(predictions) == {"candidates", "annotator ali", "annotator huda"}
    scored = {
        (r["value"]["text"], r["value"]["labels"][0]): r["score"] for r in predictions["candidates"].result
    }
    assert scored == {("بغداد", "GPE"): 1.0, ("أربيل", "GPE"): 0.5, ("أربيل", "LOC"): 0.5}
    [stance_task] = list(ls.tasks.list(project=stance.project_id, fields="all"))
    votes = {p.model_version: p.score for p in ls.predictions.list(task=stance_task.id)}
    assert votes == {"Agree: ali": 0.5, "Disagree: huda": 0.5}

    again = push_review(project=project, connection=connection, prefix=PREFIX)
    assert [(layer.imported, layer.already) for layer in again.layers] == [(0, 1), (0, 1)]

    # The reviewer settles the entities as ground truth, and casts a third, ordinary vote on the stance.
    reviewer = ls.users.create(username="reviewer-rv", email="reviewer-rv@akhbar.test")
    text = PROCLITIC["text"]
    ls.annotations.create(
        id=task.id,
        result=[region(text, "بغداد", "GPE"), region(text, "أربيل", "GPE")],
        completed_by=reviewer.id,
        ground_truth=True,
    )
    choice = {"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": ["Agree"]}}
    ls.annotations.create(id=stance_task.id, result=[choice], completed_by=reviewer.id)

    pulled = pull(project=project, connection=connection, prefix=PREFIX)
    assert not pulled.problems
    assert validate_paths(None, project=project).exit_code == 0
    current, stale = current_annotations(project)
    assert stale == 0
    decided = adjudicate(current)
    settled = decided.entities[PROCLITIC["id"]]
    assert settled.rule == "ground-truth"
    assert [(s["text"], s["label"]) for s in settled.spans] == [("بغداد", "GPE"), ("أربيل", "GPE")]
    verdict = decided.stance[(PROCLITIC["id"], SYN_CLAIM["id"])]
    assert (verdict.label, verdict.rule, verdict.votes) == ("Agree", "majority", {"Agree": 2, "Disagree": 1})
    assert "reviewer-rv@akhbar.test" in verdict.annotators
    assert review_tasks(project)[0] == {"entities": [], "stance": []}
