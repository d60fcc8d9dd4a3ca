"""Label Studio tasks made from the corpus, and pre-annotations turned into predictions.

Label Studio has no client-chosen task id, so each task carries its own identity in `data`:
`article_id` (and `target_id` for stance) is the key push looks up before importing, and
`text_sha256` (and `claim_sha256`) ties the task to the exact text that was shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.corpus import LAYERS, text_sha256
from akhbar.labelstudio.config import ENTITIES_FROM, STANCE_FROM, TEXT_TO
from akhbar.scheme import Scheme
from akhbar.validate.spans import span_problems

Key = tuple[str, ...]
# The data fields whose change means the annotator saw another task.
CONTENT_FIELDS = {"entities": ("text_sha256",), "stance": ("text_sha256", "claim_sha256")}
# The Label Studio projects: one per annotation layer, and `claims`, where annotators write the claims
# that become stance targets (one task per article chosen for claims, keyed like an entities task).
TASK_LAYERS = (*LAYERS, "claims")
CLAIM_CONTENT_FIELDS = ("text_sha256",)


def task_key(layer: str, data: dict[str, Any]) -> Key | None:
    """The identity of a task from its data; None when the data lacks it (not one of ours)."""
    names = ("article_id",) if layer in ("entities", "claims") else ("article_id", "target_id")
    values = tuple(data.get(name) for name in names)
    return values if all(isinstance(value, str) for value in values) else None  # type: ignore[return-value]


def content_of(layer: str, data: dict[str, Any]) -> tuple[Any, ...]:
    fields = CLAIM_CONTENT_FIELDS if layer == "claims" else CONTENT_FIELDS[layer]
    return tuple(data.get(name) for name in fields)


def describe(key: Key) -> str:
    return " / ".join(key)


def entity_tasks(articles: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for article in articles:
        yield {
            "article_id": article["id"],
            "text_sha256": text_sha256(article["text"]),
            "title": article.get("title") or "",
            "text": article["text"],
            "source": article.get("source") or "",
            "synthetic": bool(article.get("synthetic")),
        }


def stance_tasks(
    articles: dict[str, dict[str, Any]], targets: Iterable[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """One task per (article, claim) the claim is attached to; problems for ids not in the corpus."""
    tasks, problems = [], []
    for target in targets:
        for article_id in target["article_ids"]:
            article = articles.get(article_id)
            if article is None:
                problems.append(f"target {target['id']}: article {article_id} is not in the corpus")
                continue
            tasks.append(
                {
                    "article_id": article_id,
                    "target_id": target["id"],
                    "text_sha256": text_sha256(article["text"]),
                    "claim_sha256": text_sha256(target["claim"]),
                    "claim": target["claim"],
                    "title": article.get("title") or "",
                    "text": article["text"],
                    "synthetic": bool(article.get("synthetic")),
                }
            )
    return tasks, problems


@dataclass(frozen=True)
class Prediction:
    layer: str
    key: Key
    payload: dict[str, Any]


def read_predictions(
    path: Path, articles: dict[str, dict[str, Any]], scheme: Scheme
) -> tuple[list[Prediction], list[str]]:
    """Pre-annotations from a JSON Lines file, checked against the corpus as strictly as human work.

    A line: {"layer": "entities", "article_id", "text_sha256", "spans": [{start, end, label, text}],
    "model_version"?, "score"?} or {"layer": "stance", "article_id", "target_id", "text_sha256",
    "stance", "model_version"?, "score"?}. A line that does not fit is reported and left out.
    """
    predictions, problems = [], []
    try:
        for number, record in jsonl.records(path):
            where = f"{path}:{number}"
            if isinstance(record, jsonl.LineError):
                problems.append(f"{where}: {record.rule}: {record.message}")
                continue
            found = _prediction(record, articles, scheme)
            if isinstance(found, str):
                problems.append(f"{where}: {found}")
            else:
                predictions.append(found)
    except OSError as error:
        problems.append(f"{path}: cannot read: {error.strerror or error}")
    return predictions, problems


def _prediction(record: Any, articles: dict[str, dict[str, Any]], scheme: Scheme) -> Prediction | str:
    if not isinstance(record, dict):
        return "a prediction must be a JSON object"
    layer = record.get("layer")
    if layer not in CONTENT_FIELDS:
        return f"layer must be entities or stance, not {layer!r}"
    key = task_key(layer, record)
    if key is None:
        return "article_id (and target_id for stance) must be strings"
    article = articles.get(key[0])
    if article is None:
        return f"article {key[0]} is not in the corpus"
    text = article["text"]
    if record.get("text_sha256") != text_sha256(text):
        return f"text_sha256 does not match the current text of article {key[0]}"
    meta = {name: record[name] for name in ("model_version", "score") if record.get(name) is not None}
    if layer == "stance":
        stance = record.get("stance")
        if stance not in scheme.stance_names:
            return f"stance {stance!r} is not one of {', '.join(scheme.stance_names)}"
        result = [
            {"from_name": STANCE_FROM, "to_name": TEXT_TO, "type": "choices", "value": {"choices": [stance]}}
        ]
        return Prediction(layer, key, {**meta, "result": result})
    spans = record.get("spans")
    if not isinstance(spans, list):
        return "spans must be a list"
    result = []
    for index, span in enumerate(spans):
        problem = span_problem(span, text, scheme)
        if problem:
            return f"spans[{index}]: {problem}"
        result.append(entity_region(f"p{index}", span))
    return Prediction(layer, key, {**meta, "result": result})


def span_problem(span: Any, text: str, scheme: Scheme) -> str | None:
    """Why a span {start, end, label, text} does not fit the text (code-point offsets), or None: the
    validator's own span check, so pre-annotations and pulled work are held to the corpus's rules."""
    problems = span_problems(span, text, scheme.entity_names)
    return problems[0].message if problems else None


def entity_region(region_id: str, span: dict[str, Any]) -> dict[str, Any]:
    """One entity span ({start, end, label, text}) as a Label Studio result region."""
    return {
        "id": region_id,
        "from_name": ENTITIES_FROM,
        "to_name": TEXT_TO,
        "type": "labels",
        "value": {
            "start": span["start"],
            "end": span["end"],
            "text": span["text"],
            "labels": [span["label"]],
        },
    }
