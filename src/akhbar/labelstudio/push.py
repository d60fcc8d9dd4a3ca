"""`push`: the corpus into Label Studio, idempotent and resumable.

(One module of about 310 lines, by intent: listing, the diff against the server and the import path that
review shares are one protocol.)

Before importing, push lists the project's tasks and keys them by `data.article_id` (and
`data.target_id`). A task already there with the same text is left alone; a new one is imported in
batches; after a failure, running push again imports only what is still missing, since a batch the
server stored is found on the next listing. A task whose text changed is updated in place only while
nobody has annotated it; otherwise it is reported and left as it is, so no one's work is overwritten.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from label_studio_sdk import LabelStudio
from tqdm import tqdm

from akhbar.commit import refuse_pending
from akhbar.corpus import LAYERS, iter_annotations, iter_articles, iter_targets
from akhbar.document.guidelines import layer_guidelines
from akhbar.errors import UsageError
from akhbar.labelstudio import projects
from akhbar.labelstudio.client import Connection, talking_to
from akhbar.labelstudio.server import Server
from akhbar.labelstudio.tasks import (
    Key,
    Prediction,
    content_of,
    describe,
    entity_tasks,
    read_predictions,
    stance_tasks,
    task_key,
)
from akhbar.paths import Project
from akhbar.scheme import Scheme, load_scheme

BATCH_SIZE = 1000
LIST_PAGE_SIZE = 1000
_LIST_FIELDS = "id,data,total_annotations,cancelled_annotations,total_predictions"


@dataclass(frozen=True)
class ServerTask:
    id: int
    content: tuple[Any, ...]
    touched: bool  # annotated or skipped by someone
    predictions: int


@dataclass
class LayerPush:
    layer: str
    project_id: int
    project: str
    tasks: int = 0
    imported: int = 0
    unchanged: int = 0
    predictions: int = 0
    predictions_not_sent: int = 0
    updated: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    only_on_server: list[str] = field(default_factory=list)
    doubled_on_server: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{self.layer}: project {self.project_id} ({self.project}); {self.tasks} tasks in the corpus: "
            f"{self.imported} imported, {self.unchanged} already there, {len(self.updated)} updated, "
            f"{len(self.changed)} changed under annotations"
        ]
        if self.predictions or self.predictions_not_sent:
            out.append(
                f"  predictions: {self.predictions} sent, {self.predictions_not_sent} not sent "
                "(their task was already on the server)"
            )
        for key in self.updated:
            out.append(f"  updated (text changed, nobody had annotated it): {key}")
        for key in self.changed:
            out.append(f"  text changed but the task has annotations; left as it is: {key}")
        if self.only_on_server:
            count, example = len(self.only_on_server), self.only_on_server[0]
            out.append(f"  {count} task(s) on the server are not in the corpus, e.g. {example}")
        for key in self.doubled_on_server:
            out.append(f"  the server holds this task more than once: {key}")
        return out


@dataclass
class PushReport:
    layers: list[LayerPush] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [line for layer in self.layers for line in layer.lines()]
        return out + [f"problem: {problem}" for problem in self.problems]


def push(
    *,
    project: Project,
    connection: Connection,
    prefix: str = projects.DEFAULT_PREFIX,
    layers: Sequence[str] = LAYERS,
    predictions: Path | None = None,
    guidelines_url: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: bool = True,
    after_batch: Callable[[str, int], None] | None = None,
) -> PushReport:
    """Create or reuse the projects and send every task that is not there yet (see the module doc).

    `after_batch(layer, imported_so_far)` is called after each stored batch.
    """
    refuse_pending(project)
    scheme = load_scheme(project.schema)
    articles = {article["id"]: article for article in iter_articles(project)}
    report = PushReport()
    wanted, problems = wanted_tasks(project, articles, layers)
    report.problems += problems
    sent: dict[tuple[str, Key], dict[str, Any]] = {}
    if predictions is not None:
        found, problems = read_predictions(predictions, articles, load_scheme(project.schema))
        report.problems += problems
        sent = _by_key(found, report.problems)
    ls = connection.sdk
    with sending_lock(project):
        for layer in layers:
            project_id, what = prepare_project(
                connection, project, prefix, layer, scheme, guidelines_url=guidelines_url
            )
            result = LayerPush(layer, project_id, what, tasks=len(wanted[layer]))
            report.layers.append(result)
            _push_layer(ls, connection, result, wanted[layer], sent, batch_size, progress, after_batch)
    return report


def prepare_project(
    connection: Connection,
    project: Project,
    prefix: str,
    layer: str,
    scheme: Scheme,
    *,
    guidelines_url: str | None = None,
    kind: str = "",
) -> tuple[int, str]:
    """The Label Studio project `<prefix> <layer>`, created or brought up to date (labeling config and
    guidelines): its id and what was done. `kind` names it in messages ("review")."""
    with talking_to(connection, f"preparing the {layer} {kind + ' ' if kind else ''}project"):
        return projects.ensure(
            connection.sdk,
            prefix=prefix,
            layer=layer,
            scheme=scheme,
            guidelines_url=guidelines_url,
            guidelines=layer_guidelines(project.root, layer),
        )


def wanted_tasks(
    project: Project, articles: dict[str, dict[str, Any]], layers: Sequence[str]
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The tasks each layer should have, and problems (claims attached to unknown articles). A headline has
    no text to mark; an item whose labels came with its source (imported gold) needs no one."""
    gold = imported_gold(project)
    wanted: dict[str, list[dict[str, Any]]] = {"entities": [], "stance": []}
    problems: list[str] = []
    if "entities" in layers:
        labelable = (
            a
            for a in articles.values()
            if a.get("kind") != "headline" and ("entities", a["id"], None) not in gold
        )
        wanted["entities"] = list(entity_tasks(labelable))
    if "stance" in layers:
        tasks, problems = stance_tasks(articles, iter_targets(project))
        wanted["stance"] = [t for t in tasks if ("stance", t["article_id"], t["target_id"]) not in gold]
    return wanted, problems


def imported_gold(project: Project) -> set[tuple[str, str, str | None]]:
    """(layer, article id, target id) of the items whose labels were imported with their source (ANERcorp
    entities, ANS stances): Label Studio is for what still needs people."""
    return {
        (record["layer"], record["article_id"], record.get("target_id"))
        for record in iter_annotations(project)
        if record["provenance"].get("tool") == "import"
    }


def _by_key(found: list[Prediction], problems: list[str]) -> dict[tuple[str, Key], dict[str, Any]]:
    out: dict[tuple[str, Key], dict[str, Any]] = {}
    for prediction in found:
        slot = (prediction.layer, prediction.key)
        if slot in out:
            where = describe(prediction.key)
            problems.append(f"more than one {prediction.layer} prediction for {where}; the first is kept")
            continue
        out[slot] = prediction.payload
    return out


def _push_layer(
    ls: LabelStudio,
    connection: Connection,
    result: LayerPush,
    wanted: list[dict[str, Any]],
    predictions: dict[tuple[str, Key], dict[str, Any]],
    batch_size: int,
    progress: bool,
    after_batch: Callable[[str, int], None] | None,
) -> None:
    layer = result.layer
    with talking_to(connection, f"listing the tasks of project {result.project_id}", "nothing was imported"):
        on_server, doubled = server_tasks(ls, result.project_id, layer)
    result.doubled_on_server = sorted(describe(key) for key in doubled)
    keyed = sorted(((task_key(layer, data) or (), data) for data in wanted), key=lambda pair: pair[0])
    local_keys = {key for key, _ in keyed}
    new = []
    for key, data in keyed:
        prediction = predictions.get((layer, key))
        there = on_server.get(key)
        if there is None:
            new.append({"data": data, **({"predictions": [prediction]} if prediction else {})})
            result.predictions += prediction is not None
        elif there.content == content_of(layer, data):
            result.unchanged += 1
            result.predictions_not_sent += prediction is not None
        elif there.touched:
            result.changed.append(describe(key))
        else:
            with talking_to(connection, f"updating task {there.id}", "run push again to finish"):
                _replace_unannotated(ls, there, data, prediction)
            result.updated.append(describe(key))
            result.predictions += prediction is not None
    result.only_on_server = sorted(describe(key) for key in on_server.keys() - local_keys)

    def stored(imported: int) -> None:
        result.imported = imported
        if after_batch is not None:
            after_batch(layer, imported)

    import_tasks(ls, connection, result.project_id, layer, new, batch_size, progress=progress, stored=stored)


def import_tasks(
    ls: LabelStudio,
    connection: Connection,
    project_id: int,
    layer: str,
    new: list[dict[str, Any]],
    batch_size: int,
    *,
    command: str = "push",
    progress: bool = False,
    stored: Callable[[int], None] | None = None,
) -> int:
    """Send `new` tasks (each {"data": ..., "predictions": [...]}) in batches; how many were stored.
    `stored(imported_so_far)` is called after each batch. The one import path of push and review."""
    imported = 0
    with tqdm(total=len(new), unit="task", desc=f"{command} {layer}", disable=not progress or not new) as bar:
        for start in range(0, len(new), batch_size):
            batch = new[start : start + batch_size]
            hint = (
                f"{imported} of {len(new)} new {layer} tasks were stored before it; "
                f"run {command} again to send the rest"
            )
            with talking_to(connection, f"importing {layer} tasks into project {project_id}", hint):
                ls.projects.import_tasks(project_id, request=batch)
            imported += len(batch)
            bar.update(len(batch))
            if stored is not None:
                stored(imported)
    return imported


def server_tasks(ls: LabelStudio, project_id: int, layer: str) -> tuple[dict[Key, ServerTask], set[Key]]:
    """The project's tasks by key, and the keys found more than once."""
    found: dict[Key, ServerTask] = {}
    doubled: set[Key] = set()
    for task in ls.tasks.list(project=project_id, page_size=LIST_PAGE_SIZE, include=_LIST_FIELDS):
        data = task.data or {}
        key = task_key(layer, data)
        if key is None:
            continue
        if key in found:
            doubled.add(key)
            continue
        found[key] = ServerTask(
            id=int(task.id or 0),
            content=content_of(layer, data),
            touched=bool(task.total_annotations or task.cancelled_annotations),
            predictions=int(task.total_predictions or 0),
        )
    return found, doubled


def _replace_unannotated(
    ls: LabelStudio, task: ServerTask, data: dict[str, Any], prediction: dict[str, Any] | None
) -> None:
    """New text for a task nobody annotated; its old predictions point into the old text, so they go."""
    ls.tasks.update(str(task.id), data=data)
    if task.predictions:
        for old in ls.predictions.list(task=task.id):
            ls.predictions.delete(int(old.id))
    if prediction is not None:
        ls.predictions.create(task=task.id, **prediction)


@contextlib.contextmanager
def sending_lock(project: Project) -> Iterator[None]:
    """Held while tasks are listed and imported (push and review): two senders would both see a task
    missing and import it twice."""
    path = Server.of(project).root / "push.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(
                "another `akhbar labelstudio push` or `review` is running in this checkout"
            ) from None
        yield
