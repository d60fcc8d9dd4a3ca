"""A Label Studio export of the claims project, turned into stance targets (akhbar.stance.claims).

Each non-empty text area of each annotator's latest annotation of a task becomes one target: the claim
normalised (NFC, invisible controls and tatweel out, white space folded), its author, the article it was
written from, where it was written (project, task, annotation, text area, times) and the terms of the
project's own collection from the registry. Checked before anything is added: the task's text is the
article's current text; the claim breaks no error-level Arabic text rule (`akhbar.text.rules`); its key
(`claim_key`) is not the key of another target: a duplicate is reported, not added. A claim already
stored (same id) is never rewritten, since pairs may have been drawn and labelled for it: when the
annotator changed it in Label Studio afterwards the change is reported and the stored claim kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from akhbar import jsonl
from akhbar.commit import Transaction
from akhbar.labelstudio.convert import TOOL, Conversion, annotator_of, latest_per_annotator, task_problem
from akhbar.paths import Project
from akhbar.stance.claims import CLAIM_FIELDS, CLAIMS_FILE, claim_id, claim_key, normalise
from akhbar.text.rules import RULES_BY_ID, Severity, check_text

_ARABIC = re.compile("[\u0621-\u064a]")


@dataclass
class ClaimConversion:
    targets: list[dict[str, Any]] = field(default_factory=list)  # new targets, to add
    problems: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def textarea_text(item: dict[str, Any]) -> str:
    """The text of a TextArea result: its lines joined by a space (the page allows one submission)."""
    value = item.get("value") or {}
    lines = value.get("text")
    if isinstance(lines, str):
        lines = [lines]
    return " ".join(line for line in lines or () if isinstance(line, str))


def claim_problem(claim: str) -> str | None:
    """Why a normalised claim cannot be a target: no Arabic letter, or an error-level text rule."""
    if not _ARABIC.search(claim):
        return "the claim has no Arabic letter (claims are written in Arabic)"
    for found in check_text(claim):
        if RULES_BY_ID[found.rule].severity is Severity.ERROR:
            return f"{found.rule}: {found.message}"
    return None


def convert_claims(
    export: list[dict[str, Any]],
    *,
    project_id: int,
    articles: dict[str, str],
    existing: dict[str, dict[str, Any]],
    terms: dict[str, str],
    export_name: str,
) -> ClaimConversion:
    """`articles`: id -> current text; `existing`: every target of the corpus by id; `terms`: collection,
    license and attribution of the project's own collection, as the registry states them."""
    out = ClaimConversion()
    seen = {claim_key(target["claim"]): target_id for target_id, target in existing.items()}
    tally = Conversion()  # latest_per_annotator reports superseded annotations into it
    for task in export:
        out.counts["tasks"] += 1
        annotations = [item for item in task.get("annotations") or [] if isinstance(item, dict)]
        human = [item for item in annotations if not item.get("was_cancelled")]
        out.counts["annotations"] += len(annotations)
        out.counts["cancelled"] += len(annotations) - len(human)
        if not human:
            continue
        task_id, data = task.get("id"), task.get("data") or {}
        problem = task_problem(data, "claims", articles, {})
        if problem or not isinstance(task_id, int):
            out.problems.append(f"task {task_id}: {problem or 'no task id'}; its claims were not written")
            out.counts["rejected"] += len(human)
            continue
        for annotation in latest_per_annotator(human, task_id, tally):
            annotation_id = annotation.get("id")
            if not isinstance(annotation_id, int):
                out.problems.append(f"task {task_id}: an annotation has no id; not written")
                continue
            author = annotator_of(annotation.get("completed_by"))
            by_field = {
                item.get("from_name"): textarea_text(item)
                for item in annotation.get("result") or []
                if isinstance(item, dict) and item.get("type") == "textarea"
            }
            for name in CLAIM_FIELDS:
                claim = normalise(by_field.get(name) or "")
                if not claim:
                    continue
                out.counts["claims"] += 1
                target_id = claim_id(project_id, task_id, annotation_id, name)
                where = f"task {task_id}, annotation {annotation_id}, {name}"
                stored = existing.get(target_id)
                if stored is not None:
                    if stored["claim"] != claim:
                        out.problems.append(
                            f"{where}: changed in Label Studio since it was pulled as {target_id}; "
                            "the stored claim is kept (its pairs and labels were made on it)"
                        )
                    out.counts["already stored"] += 1
                    continue
                problem = claim_problem(claim)
                if problem:
                    out.problems.append(f"{where}: {problem}; not written")
                    out.counts["rejected"] += 1
                    continue
                key = claim_key(claim)
                if key in seen:
                    out.problems.append(
                        f"{where}: the claim duplicates target {seen[key]} after normalisation; not added"
                    )
                    out.counts["duplicates"] += 1
                    continue
                seen[key] = target_id
                out.targets.append(
                    {
                        "id": target_id,
                        **terms,
                        "claim": claim,
                        "article_ids": [data["article_id"]],
                        "author": author,
                        "origin": f"written in Label Studio by {author} from article {data['article_id']}",
                        "provenance": {
                            "tool": TOOL,
                            "project_id": project_id,
                            "task_id": task_id,
                            "annotation_id": annotation_id,
                            "field": name,
                            "created_at": annotation.get("created_at"),
                            "updated_at": annotation.get("updated_at"),
                            "export": export_name,
                        },
                    }
                )
                out.counts["added"] += 1
    out.problems += tally.problems
    return out


def stage_claims(project: Project, new: list[dict[str, Any]], txn: Transaction) -> None:
    """Stage corpus/targets/akhbar-claims.jsonl with the `new` targets added (sorted by id, as the corpus
    keeps its files); nothing when there is nothing new."""
    if not new:
        return
    path = project.targets / CLAIMS_FILE
    stored = [record for _, record in jsonl.read(path)] if path.is_file() else []
    records = sorted([*stored, *new], key=lambda record: record["id"])
    with txn.stage_file(path).open("wb") as handle:
        for record in records:
            handle.write(jsonl.dumps(record))
