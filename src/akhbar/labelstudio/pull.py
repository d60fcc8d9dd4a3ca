"""`pull`: annotations from Label Studio into the corpus, the raw export archived first.

Each project is exported through the snapshot export API. Before any conversion the export is stored
unchanged, gzip-compressed (deterministically), in corpus/exports/; its name carries a hash of the
content, so the same export is archived once. Then it is converted (see convert.py) and merged into
corpus/annotations/<layer>/labelstudio.jsonl: records are added or updated by id, never dropped (a
record whose annotation is gone from the server is kept and reported), and a file is rewritten,
only when something in it changed. Pulling twice changes nothing.

The exports are downloaded first; then, holding the project's lock (akhbar.commit), the new archives are
committed, and after them every changed annotation file in one commit: a pull killed at any instant
leaves each layer file as it was or as pulled, and an ingest or release waits for it.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from label_studio_sdk import LabelStudio

from akhbar import jsonl
from akhbar.commit import Transaction, project_lock
from akhbar.corpus import LAYERS, iter_articles, iter_targets
from akhbar.errors import UsageError
from akhbar.labelstudio import projects
from akhbar.labelstudio.claims import convert_claims, stage_claims
from akhbar.labelstudio.client import Connection, talking_to
from akhbar.labelstudio.convert import convert
from akhbar.paths import Project
from akhbar.registry import OWN, collection
from akhbar.registry import terms as registry_terms
from akhbar.scheme import load_scheme

OUTPUT_NAME = "labelstudio.jsonl"
EXPORT_TIMEOUT = 1800.0
# Annotators' emails in the archive itself, so it alone says who did what.
SERIALIZATION = {"annotations__completed_by": {"only_id": False}}
TASK_FILTER = {"only_with_annotations": True}
# "created_ago" ("3 minutes") changes with the clock, not with the work: left out of the archive's name.
_VOLATILE = re.compile(rb'"created_ago": ?"[^"]*"')


@dataclass
class LayerPull:
    layer: str
    project_id: int | None
    archive: str | None = None
    archived: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.project_id is None:
            return [f"{self.layer}: no such project on the server; nothing to pull"]
        if self.archive is None:
            return [f"{self.layer}: project {self.project_id} has no annotations yet; nothing to pull"]
        seen = ", ".join(f"{name} {count}" for name, count in sorted(self.counts.items()))
        out = [
            f"{self.layer}: project {self.project_id}; export "
            + ("archived as " if self.archived else "already archived as ")
            + f"{self.archive}",
            f"  {seen}",
            f"  records: {self.added} added, {self.updated} updated, {self.unchanged} unchanged",
        ]
        if self.kept:
            out.append(
                f"  {len(self.kept)} record(s) of this project are not in its export any more (deleted, "
                f"skipped or failing a check); kept as they are, e.g. {self.kept[0]}"
            )
        return out + [f"  problem: {problem}" for problem in self.problems]


@dataclass
class PullReport:
    layers: list[LayerPull] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [problem for layer in self.layers for problem in layer.problems]

    def lines(self) -> list[str]:
        return [line for layer in self.layers for line in layer.lines()]


def pull(
    *,
    project: Project,
    connection: Connection,
    prefix: str = projects.DEFAULT_PREFIX,
    layers: Sequence[str] = LAYERS,
) -> PullReport:
    ls = connection.sdk
    report = PullReport()
    exported: list[tuple[LayerPull, int, bytes]] = []
    for layer in layers:
        title = projects.title_of(prefix, layer)
        with talking_to(connection, f"looking up project {title!r}"):
            found = projects.find(ls, title)
        result = LayerPull(layer, int(found.id) if found is not None else None)
        report.layers.append(result)
        if result.project_id is None:
            continue
        hint = "nothing was written; run pull again"
        with talking_to(connection, f"exporting project {result.project_id}", hint):
            raw = export_project(ls, result.project_id)
        if raw.strip() == b"[]":
            continue  # no task has an annotation yet: nothing to keep
        exported.append((result, result.project_id, raw))
    with project_lock(project, command="labelstudio pull"):
        # The raw exports are kept even when a conversion fails: committed on their own, first.
        with Transaction(project) as txn:
            for result, project_id, raw in exported:
                path, result.archived = archive(
                    raw, project=project, layer=result.layer, project_id=project_id, txn=txn
                )
                result.archive = path.relative_to(project.root).as_posix()
            txn.commit()
        with Transaction(project) as txn:
            _convert_all(project, exported, txn)
            txn.commit()
    return report


def _convert_all(project: Project, exported: list[tuple[LayerPull, int, bytes]], txn: Transaction) -> None:
    scheme = load_scheme(project.schema)
    articles = {article["id"]: article["text"] for article in iter_articles(project)}
    targets = {target["id"]: target for target in iter_targets(project)}
    for result, project_id, raw in exported:
        name = result.archive or ""
        try:
            export = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise UsageError(f"the export archived as {name} is not JSON ({error})") from None
        if not isinstance(export, list):
            raise UsageError(f"the export archived as {name} is not a list of tasks")
        if result.layer == "claims":  # claims become stance targets, not annotation records
            found = convert_claims(
                export,
                project_id=project_id,
                articles=articles,
                existing=targets,
                terms=registry_terms(collection(project, OWN)),
                export_name=name,
            )
            result.counts, result.problems = dict(found.counts), found.problems
            result.added, result.unchanged = len(found.targets), found.counts["already stored"]
            stage_claims(project, found.targets, txn)
            targets.update((target["id"], target) for target in found.targets)
            continue
        conversion = convert(
            export,
            layer=result.layer,
            project_id=project_id,
            articles=articles,
            targets=targets,
            scheme=scheme,
            export_name=name,
        )
        result.counts = dict(conversion.counts)
        result.problems = conversion.problems
        _merge(project.annotations / result.layer / OUTPUT_NAME, conversion.records, result, txn)


def export_project(ls: LabelStudio, project_id: int, *, timeout: float = EXPORT_TIMEOUT) -> bytes:
    """A snapshot export as JSON bytes; the server-side copy is deleted once downloaded."""
    created = ls.projects.exports.create(
        project_id,
        title="akhbar pull",
        serialization_options=SERIALIZATION,  # type: ignore[arg-type]
        task_filter_options=TASK_FILTER,  # type: ignore[arg-type]
    )
    deadline = time.monotonic() + timeout
    status = created.status
    while status != "completed":
        if status == "failed":
            raise UsageError(f"Label Studio failed to export project {project_id}; see its log")
        if time.monotonic() > deadline:
            raise UsageError(f"the export of project {project_id} did not finish within {timeout:.0f} s")
        time.sleep(0.25)
        status = ls.projects.exports.get(project_id, created.id).status
    raw = b"".join(ls.projects.exports.download(project_id, created.id, export_type="JSON"))
    ls.projects.exports.delete(project_id, created.id)
    return raw


def archive(
    raw: bytes, *, project: Project, layer: str, project_id: int, txn: Transaction
) -> tuple[Path, bool]:
    """Stage an export unchanged as deterministic gzip; (path, False) when the same export is there."""
    digest = hashlib.sha256(_VOLATILE.sub(b"", raw)).hexdigest()[:16]
    path = project.exports / f"labelstudio-{layer}-p{project_id}-{digest}.json.gz"
    if path.exists():
        return path, False
    with (
        txn.stage_file(path).open("wb") as handle,
        gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0, compresslevel=6) as packed,
    ):
        packed.write(raw)
    return path, True


def _merge(path: Path, records: list[dict[str, Any]], result: LayerPull, txn: Transaction) -> None:
    existing = {record["id"]: record for _, record in jsonl.read(path)} if path.is_file() else {}
    pulled = set()
    changed = False
    for record in records:
        pulled.add(record["id"])
        old = existing.get(record["id"])
        if old is None:
            result.added += 1
        elif old["provenance"].get("created_at") != record["provenance"]["created_at"]:
            # Same project, task and annotation ids but another annotation: most likely another server.
            result.problems.append(
                f"record {record['id']} in {path.name} is another annotation than the one the server now has "
                "under these ids (another server?); the stored one is kept"
            )
            continue
        elif _without_export(old) == _without_export(record):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        existing[record["id"]] = record
        changed = True
    result.kept = sorted(
        record_id
        for record_id, record in existing.items()
        if record_id not in pulled and record["provenance"].get("project_id") == result.project_id
    )
    if changed:
        with txn.stage_file(path).open("wb") as handle:
            for record_id in sorted(existing):
                handle.write(jsonl.dumps(existing[record_id]))


def _without_export(record: dict[str, Any]) -> dict[str, Any]:
    """A record with no pointer to its archive: an annotation found again in a newer export is the same."""
    return {**record, "provenance": {**record["provenance"], "export": None}}
