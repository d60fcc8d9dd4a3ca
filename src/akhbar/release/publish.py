"""The release as one transaction: build the Parquet files aside (akhbar.release.build), add the
manifest, the data/ documents, the card, changelog and generated documents (akhbar.document), and move
it all into place at once under the project's lock (akhbar.commit).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from akhbar.commit import Transaction, project_lock, remove_abandoned
from akhbar.document import card, changelog
from akhbar.errors import UsageError
from akhbar.paths import Project, find_project
from akhbar.release import manifest
from akhbar.release.build import build
from akhbar.release.documents import documents
from akhbar.release.index import corpus_digest
from akhbar.release.settings import Settings
from akhbar.release.splits import ASSIGNMENT_FILE
from akhbar.scheme import load_scheme

DEFAULT_SETTINGS = Settings()


@dataclass
class ReleaseReport:
    version: str
    manifest: dict[str, Any]

    def lines(self) -> list[str]:
        return manifest.summary_lines(self.manifest)


def _git(project: Project, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(project.root), *args], capture_output=True, text=True, check=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def corpus_state(project: Project) -> dict[str, Any]:
    """The commit the release was built on and whether the corpus had changes not yet committed."""
    commit = _git(project, "rev-parse", "HEAD")
    status = _git(project, "status", "--porcelain", "--", "corpus") if commit else None
    return {"commit": commit, "uncommitted_changes": bool(status) if status is not None else None}


def workdir(project: Project, kind: str) -> Path:
    """A fresh build folder under .akhbar/ (same file system as data/, so the final move is a rename);
    folders left by builds whose process is gone are removed first."""
    project.state.mkdir(parents=True, exist_ok=True)
    remove_abandoned(project.state, "build-*", lambda name: name.rsplit("-", 1)[-1])
    work = project.state / f"build-{kind}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return work


def _stage_documents(project: Project, data: Path, folder: Path) -> dict[Path, Path]:
    """The datasheet, plots and guidelines the release in `data` would leave stale, written under
    `folder`: target path -> staged file, moved into place with data/ (`akhbar document --check` then
    passes right after a release)."""
    from akhbar.document.run import regenerate_documents  # matplotlib loads only when a release needs it

    staged = {}
    for relative, content in regenerate_documents(project, data).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        staged[project.root / relative] = path
    return staged


def release(
    project: Project | None = None,
    *,
    version: str,
    settings: Settings = DEFAULT_SETTINGS,
    date: str | None = None,
    allow_synthetic: bool = False,
    validate: bool = True,
    agreement: bool = True,
    progress: bool = False,
) -> ReleaseReport:
    """Build release `version` aside and move it into place: data/, corpus/splits/assignment.jsonl,
    CHANGELOG.md, the README's front matter and generated block, and the generated documents the new
    release would leave stale (DATASHEET.md, its plots, the guidelines' table). An interrupted or failed
    build leaves the previous release untouched, and a kill at any instant leaves the old release or the
    new one (akhbar.commit). The release holds the project's lock from start to end: an ingest waits."""
    project = project or find_project()
    with project_lock(project, command=f"release {version}"):
        return _release(
            project,
            version=version,
            settings=settings,
            date=date,
            allow_synthetic=allow_synthetic,
            validate=validate,
            agreement=agreement,
            progress=progress,
        )


def _release(
    project: Project,
    *,
    version: str,
    settings: Settings,
    date: str | None,
    allow_synthetic: bool,
    validate: bool,
    agreement: bool,
    progress: bool,
) -> ReleaseReport:
    # The release diffs against the previous one: a damaged one would give false changes (see check_previous).
    previous = manifest.check_previous(project.data, version)
    date = date or datetime.now(UTC).date().isoformat()
    scheme = load_scheme(project.schema)
    if validate:
        from akhbar.validate.gate import require_valid

        require_valid(project)  # stale annotations are left out of the release, and reported
    state = corpus_state(project)
    with Transaction(project) as txn:
        out = txn.stage_folder(project.data)
        work = txn.scratch("build")
        built = build(
            project,
            out,
            work,
            version=version,
            settings=settings,
            assign_new=True,
            scheme=scheme,
            progress=progress,
        )
        if built.report["synthetic_articles"] and not allow_synthetic:
            raise UsageError(
                f"{built.report['synthetic_articles']} articles are synthetic; "
                "only tests and benchmarks release those (allow_synthetic)"
            )
        changes = manifest.changes(project.data, previous, built, work)
        current = manifest.compose(
            version=version,
            date=date,
            corpus={**state, "files": corpus_digest(project, work / ASSIGNMENT_FILE)},
            settings=settings,
            built=built,
            changes=changes,
        )
        manifest.write(out, current, project.data)
        for name, content in documents(project, current, scheme, out, agreement=agreement).items():
            (out / name).write_bytes(content)
        history = manifest.history(out)
        readme = card.rewrite(project.root / "README.md", current, scheme)
        log = changelog.render(history)
        staged = {
            project.root / "README.md": work / "README.md",
            project.root / "CHANGELOG.md": work / "CHANGELOG.md",
        }
        staged[project.root / "README.md"].write_text(readme, "utf-8")
        staged[project.root / "CHANGELOG.md"].write_text(log, "utf-8")
        if agreement:  # the datasheet reports agreement: off with it only in the release benchmark
            staged.update(_stage_documents(project, out, work / "documents"))
        txn.move(work / ASSIGNMENT_FILE, project.corpus / "splits" / ASSIGNMENT_FILE)
        for target, source in staged.items():
            txn.move(source, target)
        txn.commit()  # data/ (history inside), the assignment, README, changelog, documents: one step
    return ReleaseReport(version, current)
