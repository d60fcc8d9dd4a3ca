"""A Label Studio JSON export, turned into annotation records, every span checked.

One record per annotator per task. An annotation that fails a check is reported with its task id and
left out whole; nothing is repaired by guessing. Checked: the task's text is the article's current text
(by hash, both the stored one and the text actually shown); each span's code-point offsets fit the
text, its label is in the scheme and `text[start:end]` equals the exported surface; a stance names one
scheme label. Cancelled (skipped) annotations and predictions are never human labels. Identical spans
inside one annotation (browser drafts can replay a region) collapse to one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from akhbar.corpus import text_sha256
from akhbar.labelstudio.config import ENTITIES_FROM, STANCE_FROM
from akhbar.labelstudio.tasks import span_problem
from akhbar.registry import OWN_TERMS
from akhbar.scheme import Scheme

TOOL = "label-studio"


@dataclass
class Conversion:
    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def record_id(project_id: int, task_id: int, annotation_id: int) -> str:
    return f"ls-{project_id}-{task_id}-{annotation_id}"


def annotator_of(completed_by: Any) -> str:
    """The user's email (or username); a bare id when the export did not expand the user."""
    if isinstance(completed_by, dict):
        for name in ("email", "username"):
            if completed_by.get(name):
                return str(completed_by[name])
        completed_by = completed_by.get("id")
    return f"user-{completed_by}"


def convert(
    export: list[dict[str, Any]],
    *,
    layer: str,
    project_id: int,
    articles: dict[str, str],
    targets: dict[str, dict[str, Any]],
    scheme: Scheme,
    export_name: str,
) -> Conversion:
    """`articles` maps id to current text; `targets` maps id to target record (claim, article_ids)."""
    out = Conversion()
    for task in export:
        out.counts["tasks"] += 1
        annotations = [item for item in task.get("annotations") or [] if isinstance(item, dict)]
        out.counts["annotations"] += len(annotations)
        human = [item for item in annotations if not item.get("was_cancelled")]
        out.counts["cancelled"] += len(annotations) - len(human)
        if not human:
            continue
        task_id = task.get("id")
        problem = task_problem(task.get("data") or {}, layer, articles, targets)
        if problem:
            out.problems.append(f"task {task_id}: {problem}; its {len(human)} annotation(s) were not written")
            out.counts["rejected"] += len(human)
            continue
        data = task["data"]
        for annotation in latest_per_annotator(human, task_id, out):
            made = _record(annotation, data, layer, project_id, int(task_id), scheme, export_name, out.counts)
            if isinstance(made, str):
                out.problems.append(f"task {task_id}, annotation {annotation.get('id')}: {made}; not written")
                out.counts["rejected"] += 1
            else:
                out.records.append(made)
    out.counts["written"] = len(out.records)
    return out


def latest_per_annotator(human: list[dict[str, Any]], task_id: Any, out: Conversion) -> list[dict[str, Any]]:
    """One annotation per annotator and task: who submitted twice counts once, by the latest."""
    mine: dict[str, list[dict[str, Any]]] = {}
    for annotation in human:
        mine.setdefault(annotator_of(annotation.get("completed_by")), []).append(annotation)
    kept = []
    for annotator, theirs in mine.items():
        theirs.sort(key=lambda item: (str(item.get("updated_at") or ""), item.get("id") or 0))
        kept.append(theirs[-1])
        if len(theirs) > 1:
            older = ", ".join(str(item.get("id")) for item in theirs[:-1])
            latest = theirs[-1].get("id")
            out.problems.append(
                f"task {task_id}: {annotator} has {len(theirs)} annotations; the latest, {latest}, is used"
                f" and {older} not written"
            )
            out.counts["superseded"] += len(theirs) - 1
    return kept


def task_problem(
    data: dict[str, Any], layer: str, articles: dict[str, str], targets: dict[str, dict[str, Any]]
) -> str | None:
    article_id, stored_hash, shown = data.get("article_id"), data.get("text_sha256"), data.get("text")
    if not isinstance(article_id, str) or not isinstance(stored_hash, str) or not isinstance(shown, str):
        return "the task lacks article_id, text_sha256 or text"
    if text_sha256(shown) != stored_hash:
        return "the task's text was edited in Label Studio (it no longer matches its text_sha256)"
    if article_id not in articles:
        return f"article {article_id} is not in the corpus"
    if text_sha256(articles[article_id]) != stored_hash:
        return f"article {article_id} has changed since the task was pushed (text hash differs)"
    if layer == "stance":
        target_id = data.get("target_id")
        target = targets.get(target_id) if isinstance(target_id, str) else None
        if target is None:
            return f"target {target_id!r} is not in the corpus"
        if article_id not in target["article_ids"]:
            return f"target {target_id} is not attached to article {article_id}"
        if data.get("claim_sha256") != text_sha256(target["claim"]):
            return f"the claim of target {target_id} has changed since the task was pushed"
    return None


def _record(
    annotation: dict[str, Any],
    data: dict[str, Any],
    layer: str,
    project_id: int,
    task_id: int,
    scheme: Scheme,
    export_name: str,
    counts: Counter[str],
) -> dict[str, Any] | str:
    annotation_id = annotation.get("id")
    if not isinstance(annotation_id, int):
        return "the annotation has no id"
    results = [item for item in annotation.get("result") or [] if isinstance(item, dict)]
    body = _spans(results, data["text"], scheme, counts) if layer == "entities" else _stance(results, scheme)
    if isinstance(body, str):
        return body
    lead_time = annotation.get("lead_time")
    record: dict[str, Any] = {
        "id": record_id(project_id, task_id, annotation_id),
        "layer": layer,
        "article_id": data["article_id"],
        "text_sha256": data["text_sha256"],
        "annotator": annotator_of(annotation.get("completed_by")),
        "ground_truth": bool(annotation.get("ground_truth")),
        # The project's own work, under its terms; in Label Studio every label of the scheme is offered.
        **OWN_TERMS,
        "annotated_labels": list(scheme.entity_names if layer == "entities" else scheme.stance_names),
        **body,
        "provenance": {
            "tool": TOOL,
            "project_id": project_id,
            "task_id": task_id,
            "annotation_id": annotation_id,
            "created_at": annotation.get("created_at"),
            "updated_at": annotation.get("updated_at"),
            "lead_time": lead_time if isinstance(lead_time, int | float) and lead_time >= 0 else None,
            "export": export_name,
        },
    }
    if layer == "stance":
        record["target_id"] = data["target_id"]
    started = suggestion_of(annotation, results)
    if started is not None:  # only then: records pulled before stay byte for byte as they were
        record["provenance"]["suggestion"] = started
    return record


def suggestion_of(annotation: dict[str, Any], results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The prediction the annotator started from, when Label Studio recorded one: the labeling page links
    the annotation to the prediction it pre-filled (`parent_prediction`, the prediction itself rides
    along as `prediction`) and marks each region still as predicted with origin "prediction" (edited:
    "prediction-changed"). The annotation stays the annotator's work; this says where it began."""
    parent = annotation.get("parent_prediction")
    if not isinstance(parent, int):
        return None
    shown = annotation.get("prediction")
    version = shown.get("model_version") if isinstance(shown, dict) and shown.get("id") == parent else None
    origins = Counter(item.get("origin") for item in results)
    return {
        "prediction_id": parent,
        "model_version": version if isinstance(version, str) else None,
        "kept": origins["prediction"],
        "changed": origins["prediction-changed"],
    }


def _spans(
    results: list[dict[str, Any]], text: str, scheme: Scheme, counts: Counter[str]
) -> dict[str, Any] | str:
    spans: dict[tuple[int, int, str], dict[str, Any]] = {}
    for index, item in enumerate(results):
        if item.get("from_name") != ENTITIES_FROM or item.get("type") != "labels":
            kind, origin = item.get("type"), item.get("from_name")
            return f"result[{index}] is a {kind!r} from {origin!r}, not an entity label"
        value = item.get("value") or {}
        labels = value.get("labels")
        if not (isinstance(labels, list) and len(labels) == 1):
            return f"result[{index}] must carry exactly one label, has {labels!r}"
        span = {
            "start": value.get("start"),
            "end": value.get("end"),
            "label": labels[0],
            "text": value.get("text"),
        }
        problem = span_problem(span, text, scheme)
        if problem:
            return f"result[{index}]: {problem}"
        key = (span["start"], span["end"], span["label"])
        if key in spans:
            counts["duplicate spans collapsed"] += 1
        spans[key] = span
    return {"spans": [spans[key] for key in sorted(spans)]}


def _stance(results: list[dict[str, Any]], scheme: Scheme) -> dict[str, Any] | str:
    chosen = [
        item for item in results if item.get("from_name") == STANCE_FROM and item.get("type") == "choices"
    ]
    if len(chosen) != len(results):
        return "the result holds something other than the stance choice"
    choices = [choice for item in chosen for choice in (item.get("value") or {}).get("choices") or []]
    if len(set(choices)) != 1:
        return f"a stance annotation must choose exactly one label, chose {choices!r}"
    if choices[0] not in scheme.stance_names:
        return f"stance {choices[0]!r} is not one of {', '.join(scheme.stance_names)}"
    return {"stance": choices[0]}
