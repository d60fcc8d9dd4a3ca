"""`push_review`: the items the adjudication rule could not settle, back to Label Studio for review.

Review tasks go to projects of their own, `<prefix> entities` and `<prefix> stance` (prefix
`akhbar-review` by default), with the same labeling configs and the same task data as the annotation
projects. So a review is pulled like any other annotation (`akhbar labelstudio pull --prefix
akhbar-review`) and the adjudication rule counts it: marked ground truth it decides the item,
otherwise it is one more vote (docs/adjudication.md).

Sent for review: an article with disputed spans or whose entities were not released, and an (article,
claim) pair whose stance was not released. The candidates are the task's predictions:
  entities  "candidates": every span any annotator drew, each scored by the share of annotators who
            drew it; then one prediction per annotator, "annotator NAME", with exactly their spans.
  stance    one prediction per label chosen, "LABEL: NAMES", scored by its share of the votes.
A task already in a review project is left as it is: its review may be under way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from akhbar.commit import refuse_pending
from akhbar.corpus import LAYERS, iter_articles, iter_targets
from akhbar.errors import UsageError
from akhbar.labelstudio import projects
from akhbar.labelstudio.client import Connection, talking_to
from akhbar.labelstudio.config import STANCE_FROM, TEXT_TO
from akhbar.labelstudio.push import import_tasks, prepare_project, sending_lock, server_tasks
from akhbar.labelstudio.tasks import entity_region, entity_tasks, stance_tasks, task_key
from akhbar.paths import Project
from akhbar.quality.adjudicate import adjudicate, candidates, span_keys, votes_by_item
from akhbar.quality.records import current_annotations
from akhbar.scheme import load_scheme

REVIEW_PREFIX = "akhbar-review"
BATCH_SIZE = 500
CANDIDATES = "candidates"


@dataclass
class LayerReview:
    layer: str
    project_id: int
    project: str  # created, reused, config updated
    disputed: int = 0
    imported: int = 0
    already: int = 0

    def lines(self) -> list[str]:
        return [
            f"{self.layer}: review project {self.project_id} ({self.project}); {self.disputed} items to "
            f"review: {self.imported} imported, {self.already} already there"
        ]


@dataclass
class ReviewReport:
    layers: list[LayerReview] = field(default_factory=list)
    stale: int = 0

    def lines(self) -> list[str]:
        out = [line for layer in self.layers for line in layer.lines()]
        if self.stale:
            out.append(f"{self.stale} annotations made on an earlier text of their article were left out")
        return out


def review_tasks(project: Project) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """Label Studio tasks (data and predictions) for every unsettled item, by layer; and the count of
    annotation records left out because they were made on an earlier text."""
    records, stale = current_annotations(project)
    decided = adjudicate(records)
    entity_votes, stance_votes = votes_by_item(records)
    articles = {article["id"]: article for article in iter_articles(project)}
    found: dict[str, list[dict[str, Any]]] = {"entities": [], "stance": []}
    for article_id, decision in decided.entities.items():
        if decision.spans is None or decision.disputed:
            [data] = entity_tasks([articles[article_id]])
            found["entities"].append(
                {"data": data, "predictions": _entity_predictions(entity_votes[article_id])}
            )
    unsettled = {key for key, decision in decided.stance.items() if decision.label is None}
    all_stance, _ = stance_tasks(articles, iter_targets(project))
    for data in all_stance:
        key = (data["article_id"], data["target_id"])
        if key in unsettled:
            found["stance"].append({"data": data, "predictions": _stance_predictions(stance_votes[key])})
    return found, stale


def push_review(
    *,
    project: Project,
    connection: Connection,
    prefix: str = REVIEW_PREFIX,
    layers: Sequence[str] = LAYERS,
    batch_size: int = BATCH_SIZE,
) -> ReviewReport:
    if prefix == projects.DEFAULT_PREFIX:
        raise UsageError(f"review tasks go to projects of their own: choose a prefix other than {prefix!r}")
    refuse_pending(project)
    scheme = load_scheme(project.schema)
    wanted, stale = review_tasks(project)
    report = ReviewReport(stale=stale)
    ls = connection.sdk
    with sending_lock(project):
        for layer in layers:
            project_id, what = prepare_project(connection, project, prefix, layer, scheme, kind="review")
            result = LayerReview(layer, project_id, what, disputed=len(wanted[layer]))
            report.layers.append(result)
            with talking_to(
                connection, f"listing the tasks of review project {project_id}", "nothing was imported"
            ):
                there, _ = server_tasks(ls, project_id, layer)
            new = [task for task in wanted[layer] if task_key(layer, task["data"]) not in there]
            result.already = len(wanted[layer]) - len(new)

            def stored(imported: int, result: LayerReview = result) -> None:
                result.imported = imported

            import_tasks(ls, connection, project_id, layer, new, batch_size, command="review", stored=stored)
    return report


def _region(index: int, span: dict[str, Any], score: float | None = None) -> dict[str, Any]:
    region = entity_region(f"c{index}", span)
    if score is not None:
        region["score"] = score
    return region


def _entity_predictions(votes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    union = [
        _region(i, span, round(len(who) / len(votes), 4))
        for i, (span, who) in enumerate(candidates(votes).values())
    ]
    found = [{"model_version": CANDIDATES, "result": union}]
    for name, record in votes.items():
        spans = [span for _, span in sorted(span_keys(record).items())]
        found.append(
            {"model_version": f"annotator {name}", "result": [_region(i, s) for i, s in enumerate(spans)]}
        )
    return found


def _stance_predictions(votes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    chosen: dict[str, list[str]] = {}
    for name, record in votes.items():
        chosen.setdefault(record["stance"], []).append(name)
    ranked = sorted(chosen.items(), key=lambda item: (-len(item[1]), item[0]))
    return [
        {
            "model_version": f"{label}: {', '.join(names)}",
            "score": round(len(names) / len(votes), 4),
            "result": [
                {
                    "from_name": STANCE_FROM,
                    "to_name": TEXT_TO,
                    "type": "choices",
                    "value": {"choices": [label]},
                }
            ],
        }
        for label, names in ranked
    ]
