"""The whole loop on the real server: push, two annotators label through the API, pull, validate, repeat."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path
from typing import Any

import orjson
import pytest
from labelstudio_helpers import EMOJI, PROCLITIC, SCRIPT, SEED_ID, SYN_CLAIM, make_project, recombined

from akhbar import jsonl
from akhbar.corpus import iter_articles, text_sha256
from akhbar.labelstudio.client import Connection
from akhbar.labelstudio.pull import pull
from akhbar.labelstudio.push import push
from akhbar.registry import OWN_TERMS
from akhbar.scheme import load_scheme
from akhbar.validate import validate_paths

SCHEME = load_scheme()

pytestmark = pytest.mark.labelstudio


def region(text: str, surface: str, label: str, *, after: int = 0) -> dict[str, Any]:
    start = text.index(surface, after)
    return {
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + len(surface), "text": surface, "labels": [label]},
    }


def choice(label: str) -> dict[str, Any]:
    return {"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": [label]}}


def span(text: str, surface: str, label: str, *, after: int = 0) -> dict[str, Any]:
    start = text.index(surface, after)
    return {"start": start, "end": start + len(surface), "label": label, "text": surface}


def when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def read(path: Path) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for _, record in jsonl.read(path)} if path.is_file() else {}


def snapshot(project_root: Path) -> dict[str, bytes]:
    corpus = project_root / "corpus"
    return {
        str(path.relative_to(corpus)): path.read_bytes()
        for path in sorted(corpus.rglob("*"))
        if path.is_file()
    }


def test_push_annotate_pull_round_trip(connection: Connection, tmp_path: Path) -> None:
    project = make_project(tmp_path, [EMOJI, PROCLITIC, SCRIPT, *recombined(5)], [SYN_CLAIM])
    texts = {article["id"]: article["text"] for article in iter_articles(project)}
    pre = tmp_path / "predictions.jsonl"
    seed_org = span(texts[SEED_ID], "قيادة العمليات المشتركة", "ORG")
    pre.write_bytes(
        b"".join(
            orjson.dumps(line) + b"\n"
            for line in [
                {
                    "layer": "entities",
                    "article_id": SEED_ID,
                    "text_sha256": text_sha256(texts[SEED_ID]),
                    "spans": [seed_org],
                    "model_version": "rules-v1",
                },
                {
                    "layer": "stance",
                    "article_id": "syn-emoji",
                    "target_id": "syn-claim-1",
                    "text_sha256": text_sha256(texts["syn-emoji"]),
                    "stance": "Discuss",
                },
                # Shifted by one: refused before it reaches the server.
                {
                    "layer": "entities",
                    "article_id": "syn-proclitic",
                    "text_sha256": text_sha256(texts["syn-proclitic"]),
                    "spans": [{**span(texts["syn-proclitic"], "بغداد", "GPE"), "text": "غداد "}],
                },
            ]
        )
    )
    ls = connection.sdk

    pushed = push(project=project, connection=connection, prefix="rt", predictions=pre, progress=False)
    entities, stance = pushed.layers
    assert (entities.imported, entities.unchanged, entities.predictions) == (9, 0, 1)
    assert (stance.imported, stance.unchanged, stance.predictions) == (
        4,
        0,
        1,
    )  # 2 seed claims, 2 synthetic pairs
    assert len(pushed.problems) == 1 and "predictions.jsonl:3" in pushed.problems[0]
    assert "text[" in pushed.problems[0]

    tasks = {
        task.data["article_id"]: task for task in ls.tasks.list(project=entities.project_id, fields="all")
    }
    assert set(tasks) == set(texts)
    for article_id, task in tasks.items():
        assert task.data["text"] == texts[article_id]
        assert task.data["text_sha256"] == text_sha256(texts[article_id])
    # The pre-annotation is a prediction, apart from human work.
    assert tasks[SEED_ID].total_predictions == 1 and tasks[SEED_ID].total_annotations == 0
    stance_tasks = {
        (task.data["article_id"], task.data["target_id"]): task
        for task in ls.tasks.list(project=stance.project_id, fields="all")
    }
    assert set(stance_tasks) == {
        (SEED_ID, "claim-0001"),
        (SEED_ID, "claim-0002"),
        ("syn-emoji", "syn-claim-1"),
        ("syn-proclitic", "syn-claim-1"),
    }

    admin = ls.users.whoami()
    second = ls.users.create(username="second-rt", email="second-rt@akhbar.test")
    seed, proclitic, emoji = texts[SEED_ID], texts["syn-proclitic"], texts["syn-emoji"]

    def post(task: Any, result: list[dict[str, Any]], user: Any, **extra: Any) -> Any:
        return ls.annotations.create(id=task.id, result=result, completed_by=user.id, lead_time=3.5, **extra)

    made = {
        # The proclitic و stays outside أربيل; the same region twice (a replayed draft) collapses to one.
        "proclitic-admin": post(
            tasks["syn-proclitic"],
            [
                region(proclitic, "بغداد", "GPE"),
                region(proclitic, "أربيل", "GPE"),
                region(proclitic, "بغداد", "GPE"),
            ],
            admin,
            ground_truth=True,
        ),
        "proclitic-second": post(tasks["syn-proclitic"], [region(proclitic, "بغداد", "GPE")], second),
        "emoji-admin": post(tasks["syn-emoji"], [region(emoji, "بغداد", "GPE")], admin),
        "seed-second": post(
            tasks[SEED_ID],
            [region(seed, "قيادة العمليات المشتركة", "ORG"), region(seed, "ماكنزي", "PERS")],
            second,
        ),
        "empty-second": post(tasks["syn-0000"], [], second),
        "stance-admin": post(stance_tasks[(SEED_ID, "claim-0001")], [choice("Agree")], admin),
        "stance-second": post(stance_tasks[(SEED_ID, "claim-0001")], [choice("Discuss")], second),
    }
    cancelled = post(tasks["syn-emoji"], [region(emoji, "بغداد", "LOC")], second, was_cancelled=True)
    shifted = region(seed, "ماكنزي", "PERS")
    shifted["value"].update(start=shifted["value"]["start"] + 1, end=shifted["value"]["end"] + 1)
    bad = post(tasks[SEED_ID], [shifted], admin)

    pulled = pull(project=project, connection=connection, prefix="rt")
    problems = pulled.problems
    assert len(problems) == 1
    assert problems[0].startswith(f"task {tasks[SEED_ID].id}, annotation {bad.id}:")
    assert "the span says 'ماكنزي'" in problems[0]

    expected_spans = {
        "proclitic-admin": [span(proclitic, "بغداد", "GPE"), span(proclitic, "أربيل", "GPE")],
        "proclitic-second": [span(proclitic, "بغداد", "GPE")],
        "emoji-admin": [span(emoji, "بغداد", "GPE")],
        "seed-second": [span(seed, "قيادة العمليات المشتركة", "ORG"), span(seed, "ماكنزي", "PERS")],
        "empty-second": [],
    }
    assert expected_spans["proclitic-admin"][1]["text"] == "أربيل" and "وأربيل" in proclitic
    assert expected_spans["emoji-admin"][0]["start"] == len("🇮🇶 قال 𝐀 إن وفدا من ")
    entity_records = read(project.annotations / "entities" / "labelstudio.jsonl")
    stance_records = read(project.annotations / "stance" / "labelstudio.jsonl")
    emails = {admin.id: admin.email, second.id: second.email}
    for name, annotation in made.items():
        layer = "stance" if name.startswith("stance") else "entities"
        project_id = stance.project_id if layer == "stance" else entities.project_id
        record_id = f"ls-{project_id}-{annotation.task}-{annotation.id}"
        record = (stance_records if layer == "stance" else entity_records)[record_id]
        provenance = record["provenance"]
        assert when(provenance.pop("created_at")) == annotation.created_at
        assert when(provenance.pop("updated_at")) == annotation.updated_at
        assert provenance.pop("export").startswith(f"corpus/exports/labelstudio-{layer}-p{project_id}-")
        assert provenance == {
            "tool": "label-studio",
            "project_id": project_id,
            "task_id": annotation.task,
            "annotation_id": annotation.id,
            "lead_time": 3.5,
        }
        article_id = (
            next(key for key, task in {**tasks}.items() if task.id == annotation.task)
            if layer == "entities"
            else SEED_ID
        )
        body = (
            {"spans": expected_spans[name]}
            if layer == "entities"
            else {
                "target_id": "claim-0001",
                "stance": "Agree" if name == "stance-admin" else "Discuss",
            }
        )
        assert {key: value for key, value in record.items() if key != "provenance"} == {
            "id": record_id,
            "layer": layer,
            "article_id": article_id,
            "text_sha256": text_sha256(texts[article_id]),
            "annotator": emails[annotation.completed_by],
            "ground_truth": name == "proclitic-admin",
            **body,
            **OWN_TERMS,
            "annotated_labels": list(SCHEME.entity_names if layer == "entities" else SCHEME.stance_names),
        }
    # Exactly those: no cancelled annotation, no prediction, no rejected record.
    assert len(entity_records) == 5 and len(stance_records) == 2
    assert not any(
        record["provenance"]["annotation_id"] in (cancelled.id, bad.id) for record in entity_records.values()
    )
    report = validate_paths(project=project)
    assert report.exit_code == 0, [finding.format() for finding in report.findings]
    # (The seed article's own text carries a tatweel warning; the annotation layer carries nothing.)
    assert [finding.format() for finding in report.findings if "annotations" in finding.path] == []
    assert report.records["annotation"] == 7

    # The raw exports are archived unchanged (they still hold the cancelled annotation and the bad span).
    archives = sorted((project.corpus / "exports").iterdir())
    assert [path.name.split("-")[1] for path in archives] == ["entities", "stance"]
    raw = orjson.loads(gzip.decompress(archives[0].read_bytes()))
    exported_ids = {item["id"] for task in raw for item in task["annotations"]}
    assert {cancelled.id, bad.id} <= exported_ids

    # Again, twice: nothing is sent, nothing changes.
    before = snapshot(project.root)
    again = push(project=project, connection=connection, prefix="rt", predictions=pre, progress=False)
    assert [(layer.imported, layer.unchanged, layer.updated, layer.changed) for layer in again.layers] == [
        (0, 9, [], []),
        (0, 4, [], []),
    ]
    assert again.layers[0].predictions_not_sent == 1
    assert sum(1 for _ in ls.tasks.list(project=entities.project_id)) == 9
    pulled_again = pull(project=project, connection=connection, prefix="rt")
    assert [(layer.added, layer.updated, layer.archived) for layer in pulled_again.layers] == [
        (0, 0, False),
        (0, 0, False),
    ]
    assert snapshot(project.root) == before

    # An annotation deleted on the server stays in the corpus and is reported, never silently dropped.
    gone = made["empty-second"]
    ls.annotations.delete(gone.id)
    entities_again, _ = pull(project=project, connection=connection, prefix="rt").layers
    gone_id = f"ls-{entities.project_id}-{gone.task}-{gone.id}"
    assert entities_again.kept == [gone_id] and entities_again.archived
    layer_file = project.annotations / "entities" / "labelstudio.jsonl"
    assert layer_file.read_bytes() == before["annotations/entities/labelstudio.jsonl"]


def test_changed_text_is_updated_only_where_nobody_annotated(connection: Connection, tmp_path: Path) -> None:
    articles = recombined(3, prefix="chg")
    project = make_project(tmp_path, articles, seed=False)
    ls = connection.sdk
    first = push(project=project, connection=connection, prefix="chg", progress=False)
    project_id = first.layers[0].project_id
    tasks = {task.data["article_id"]: task for task in ls.tasks.list(project=project_id)}
    old = articles[0]["text"]
    annotated = ls.annotations.create(id=tasks["chg-0000"].id, result=[region(old, "داعش", "ORG")])
    # Both annotated and unannotated articles change in the corpus.
    for article in articles[:2]:
        article["text"] = article["text"].replace("داعش", "تنظيم داعش")
    make_project(tmp_path / "v2", articles, seed=False)
    (project.articles / "synthetic.jsonl").write_bytes(
        (tmp_path / "v2" / "corpus/articles/synthetic.jsonl").read_bytes()
    )

    second = push(project=project, connection=connection, prefix="chg", layers=["entities"], progress=False)
    (layer,) = second.layers
    assert (layer.imported, layer.unchanged, layer.changed, layer.updated) == (
        0,
        1,
        ["chg-0000"],
        ["chg-0001"],
    )
    now = {task.data["article_id"]: task for task in ls.tasks.list(project=project_id)}
    assert now["chg-0000"].data["text"] == old  # the annotated task keeps the text its annotation indexes
    assert now["chg-0001"].data["text"] == articles[1]["text"]
    assert now["chg-0001"].data["text_sha256"] == text_sha256(articles[1]["text"])

    pulled = pull(project=project, connection=connection, prefix="chg", layers=["entities"])
    (problem,) = pulled.problems
    assert problem.startswith(
        f"task {tasks['chg-0000'].id}: article chg-0000 has changed since the task was pushed"
    )
    assert not (project.annotations / "entities" / "labelstudio.jsonl").exists()
    assert annotated.id is not None
