"""`push`: the corpus into Label Studio, idempotent and resumable.

(One module of about 450 lines, by intent: listing, the diff against the server and the import path that
review shares are one protocol.)

Before importing, push lists the project's tasks and keys them by `data.article_id` (and
`data.target_id`). A task already there with the same text is left alone; a new one is imported in
batches; after a failure, running push again imports only what is still missing, since a batch the
server stored is found on the next listing. A task whose text changed is updated in place only while
nobody has annotated it; otherwise it is reported and left as it is, so no one's work is overwritten.
With `suggest`, the models' suggestions (suggest.py) ride the same path as predictions: with a new task,
or added to one already there that nobody touched and that has none of the model's version yet.
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
from akhbar.labelstudio.suggest import Suggester
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
    suggestions: int = 0  # model suggestions sent (new tasks and tasks already there)
    model_version: str | None = None  # the suggesting model's, when --suggest
    queue: list[str] = field(default_factory=list)  # queue settings changed on the server
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
        if self.model_version is not None:
            out.append(
                f"  suggestions: {self.suggestions} sent by {self.model_version} (for tasks nobody has "
                "annotated and that had none of this version)"
            )
        if self.queue:
            out.append(f"  queue settings changed: {', '.join(self.queue)}")
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
    claim_articles: Sequence[str] = (),
    overlap: int = projects.DEFAULT_OVERLAP,
    suggest: bool = False,
) -> PushReport:
    """Create or reuse the projects and send every task that is not there yet (see the module doc).

    `after_batch(layer, imported_so_far)` is called after each stored batch. `claim_articles`: the
    articles the `claims` layer asks claims for (akhbar.stance.claims.choose_for_claims). `overlap`:
    annotators per task (the projects' maximum annotations). `suggest`: the trained models' output as
    predictions for tasks nobody has annotated, least confident offered first (suggest.py).
    """
    refuse_pending(project)
    scheme = load_scheme(project.schema)
    articles = {article["id"]: article for article in iter_articles(project)}
    report = PushReport()
    wanted, problems = wanted_tasks(project, articles, layers, claim_articles)
    report.problems += problems
    sent: dict[tuple[str, Key], dict[str, Any]] = {}
    if predictions is not None:
        found, problems = read_predictions(predictions, articles, load_scheme(project.schema))
        report.problems += problems
        sent = _by_key(found, report.problems)
    # Loaded before anything is sent: without a trained model, push stops here with what to run.
    suggester = Suggester.load(project, scheme, layers) if suggest else None
    annotated = annotated_items(project) if suggest else set()
    ls = connection.sdk
    with sending_lock(project):
        for layer in layers:
            project_id, what = prepare_project(
                connection, project, prefix, layer, scheme, guidelines_url=guidelines_url
            )
            result = LayerPush(layer, project_id, what, tasks=len(wanted[layer]))
            report.layers.append(result)
            with talking_to(connection, f"setting the task queue of project {project_id}"):
                # Before the import: a task takes the project's overlap when it is created. A claim is
                # written, not agreed on: one writer per article.
                writers = 1 if layer == "claims" else overlap
                result.queue += projects.set_queue(ls, project_id, overlap=writers)
            suggesting = _Suggesting(suggester, annotated) if suggester is not None else None
            _push_layer(
                ls, connection, result, wanted[layer], sent, batch_size, progress, after_batch, suggesting
            )
            if suggester is not None:
                report.problems += suggester.problems
                suggester.problems = []
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
    project: Project,
    articles: dict[str, dict[str, Any]],
    layers: Sequence[str],
    claim_articles: Sequence[str] = (),
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The tasks each layer should have, and problems (claims attached to unknown articles). A headline has
    no text to mark; an item whose labels came with its source (imported gold) needs no one."""
    gold = imported_gold(project)
    wanted: dict[str, list[dict[str, Any]]] = {"entities": [], "stance": [], "claims": []}
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
    if "claims" in layers:
        # the article, as an entities task shows it: claims are written from it
        chosen = [articles[a] for a in dict.fromkeys(claim_articles) if a in articles]
        wanted["claims"] = list(entity_tasks(chosen))
        problems += [f"claims: article {a} is not in the corpus" for a in claim_articles if a not in articles]
    return wanted, problems


def imported_gold(project: Project) -> set[tuple[str, str, str | None]]:
    """(layer, article id, target id) of the items whose labels were imported with their source (ANERcorp
    entities, ANS stances): Label Studio is for what still needs people."""
    return {
        (record["layer"], record["article_id"], record.get("target_id"))
        for record in iter_annotations(project)
        if record["provenance"].get("tool") == "import"
    }


def annotated_items(project: Project) -> set[tuple[str, Key]]:
    """(layer, task key) of every item some annotation record of the corpus covers: no suggestion for
    those, someone has already looked."""
    found: set[tuple[str, Key]] = set()
    for record in iter_annotations(project):
        layer = str(record.get("layer"))
        key = task_key(layer, record) if layer in ("entities", "stance") else None
        if key is not None:
            found.add((layer, key))
    return found


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
    suggesting: _Suggesting | None = None,
) -> None:
    layer = result.layer
    with talking_to(connection, f"listing the tasks of project {result.project_id}", "nothing was imported"):
        on_server, doubled = server_tasks(ls, result.project_id, layer)
    result.doubled_on_server = sorted(describe(key) for key in doubled)
    keyed = sorted(((task_key(layer, data) or (), data) for data in wanted), key=lambda pair: pair[0])
    local_keys = {key for key, _ in keyed}
    suggested: dict[Key, dict[str, Any]] = {}
    versions: dict[int, set[str]] = {}
    version = suggesting.suggester.version(layer) if suggesting is not None else None
    if suggesting is not None and version is not None:
        result.model_version = version
        with talking_to(connection, f"listing the predictions of project {result.project_id}"):
            versions = _prediction_versions(ls, result.project_id)
        needs = [
            data
            for key, data in keyed
            if (layer, key) not in suggesting.annotated
            and _wants_suggestion(on_server.get(key), version, versions, layer, data)
        ]
        suggested = suggesting.suggester.suggest(layer, needs)
    new, late = [], []
    for key, data in keyed:
        prediction = predictions.get((layer, key))
        suggestion = suggested.get(key)
        sending = [found for found in (prediction, suggestion) if found is not None]
        there = on_server.get(key)
        if there is None:
            new.append({"data": data, **({"predictions": sending} if sending else {})})
            result.predictions += prediction is not None
        elif there.content == content_of(layer, data):
            result.unchanged += 1
            result.predictions_not_sent += prediction is not None
            if suggestion is not None:  # a task already there, untouched, without this version's
                late.append({"task": there.id, **suggestion})
        elif there.touched:
            result.changed.append(describe(key))
        else:
            with talking_to(connection, f"updating task {there.id}", "run push again to finish"):
                _replace_unannotated(ls, there, data, sending)
            result.updated.append(describe(key))
            result.predictions += prediction is not None
    result.only_on_server = sorted(describe(key) for key in on_server.keys() - local_keys)
    if suggested:
        # Imported least confident first too: the order of the data manager and of a sequential stream.
        new.sort(key=lambda task: _suggestion_score(task, version))
        late.sort(key=lambda found: float(found.get("score", 1.0)))
        _import_predictions(ls, connection, result.project_id, layer, late, batch_size)
    result.suggestions = len(suggested)

    def stored(imported: int) -> None:
        result.imported = imported
        if after_batch is not None:
            after_batch(layer, imported)

    import_tasks(ls, connection, result.project_id, layer, new, batch_size, progress=progress, stored=stored)
    if version is not None and (suggested or any(version in found for found in versions.values())):
        # Only now: the server takes a project model_version only once some prediction carries it.
        with talking_to(connection, f"setting the task queue of project {result.project_id}"):
            result.queue += projects.set_queue(ls, result.project_id, model_version=version)


@dataclass(frozen=True)
class _Suggesting:
    suggester: Suggester
    annotated: set[tuple[str, Key]]  # (layer, key) of items with annotation records in the corpus


def _wants_suggestion(
    there: ServerTask | None, version: str, versions: dict[int, set[str]], layer: str, data: dict[str, Any]
) -> bool:
    """A new task, or one nobody touched: changed text (its old predictions go), or none of this version."""
    if there is None:
        return True
    if there.touched:
        return False
    return there.content != content_of(layer, data) or version not in versions.get(there.id, set())


def _suggestion_score(task: dict[str, Any], version: str | None) -> float:
    scores = [p.get("score", 1.0) for p in task.get("predictions", ()) if p.get("model_version") == version]
    return float(min(scores)) if scores else 2.0  # tasks without a suggestion go last


def _prediction_versions(ls: LabelStudio, project_id: int) -> dict[int, set[str]]:
    """The model versions of each task's predictions: a task that has one of a version gets no second."""
    found: dict[int, set[str]] = {}
    for prediction in ls.predictions.list(project=project_id):
        if prediction.task is not None:
            found.setdefault(int(prediction.task), set()).add(str(prediction.model_version or ""))
    return found


def _import_predictions(
    ls: LabelStudio,
    connection: Connection,
    project_id: int,
    layer: str,
    found: list[dict[str, Any]],
    batch_size: int,
) -> None:
    """Predictions ({task, model_version, score, result}) for tasks already on the server, in batches."""
    for start in range(0, len(found), batch_size):
        hint = f"{start} of {len(found)} {layer} suggestions were stored before it; run push again"
        with talking_to(connection, f"sending suggestions to project {project_id}", hint):
            ls.projects.import_predictions(project_id, request=found[start : start + batch_size])  # type: ignore[arg-type]


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
    ls: LabelStudio, task: ServerTask, data: dict[str, Any], predictions: list[dict[str, Any]]
) -> None:
    """New text for a task nobody annotated; its old predictions point into the old text, so they go."""
    ls.tasks.update(str(task.id), data=data)
    if task.predictions:
        for old in ls.predictions.list(task=task.id):
            ls.predictions.delete(int(old.id))
    for prediction in predictions:
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
