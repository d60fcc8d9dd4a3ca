"""A release under faults and beside other writers: a kill at every rename leaves the old release or the
new one (with the history and the changelog whole), an ingest during a release waits for it, and a
damaged previous release is refused before anything is diffed against it."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from release_corpus import article, numbered

from akhbar import jsonl
from akhbar.cli.main import main
from akhbar.commit import pending, project_lock
from akhbar.corpus import iter_articles
from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.release.publish import release
from akhbar.release.settings import Settings
from akhbar.release.verify import verify
from faults import (
    RENAMES,
    STRACE,
    akhbar,
    count_renames,
    environment,
    kill_at_each_rename,
    needs_strace,
    tree,
)

pytestmark = pytest.mark.slow  # kill at every rename (strace), concurrent writers

RELEASE = [
    "release",
    "--version",
    "0.2.0",
    "--allow-synthetic",
    "--date",
    "2025-02-01",
    "--no-near-duplicates",
]


def _released(root: Path) -> Project:
    """Release 0.1.0 of three articles, then a corpus of five: release 0.2.0 has something to change."""
    project = numbered(root, 3)
    release(
        project,
        version="0.1.0",
        date="2025-01-01",
        settings=Settings(near_duplicates=False),
        allow_synthetic=True,
    )
    numbered(root, 5)
    return project


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return _released(tmp_path_factory.mktemp("released") / "project")


def _copy(template: Project, root: Path) -> Project:
    shutil.copytree(template.root, root)
    return Project(root)


@needs_strace
def test_a_kill_at_every_rename_of_a_release_leaves_the_old_release_or_the_new(
    template: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tree(template.root)
    reference = _copy(template, tmp_path / "reference")
    renames = count_renames(reference.root, *RELEASE, log=tmp_path / "renames.log")
    new = tree(reference.root)
    assert new != old and json.loads((reference.data / "manifest.json").read_text())["version"] == "0.2.0"
    journal = _journal_rename(tmp_path / "renames.log")
    # One run past the last rename: it is not killed, so the sweep missed none.
    roots = [_copy(template, tmp_path / f"run-{n}").root for n in range(1, renames + 2)]
    statuses = kill_at_each_rename(RELEASE, roots, preload=["akhbar.cli.release", "akhbar.release.publish"])
    assert statuses == [-9] * renames + [0]
    for n, root in enumerate(roots, start=1):
        project = Project(root)
        monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
        assert bool(pending(project)) == (journal < n <= renames)
        if pending(project):
            assert any("interrupted half way" in line for line in verify(project, rebuild=False).findings)
        with project_lock(project, command="test"):  # what every writer does first
            pass
        assert tree(project.root) == (old if n <= journal else new), f"kill at rename {n} of {renames}"
        assert (project.data / "history" / "0.1.0.json").is_file()
        assert "## 0.1.0 (2025-01-01)" in (project.root / "CHANGELOG.md").read_text("utf-8")
        if n <= journal:
            assert main(RELEASE) == 0  # the rerun makes exactly the release the killed one would have
            assert tree(project.root) == new
        assert verify(project, rebuild=False).exit_code == 0


def _journal_rename(log: Path) -> int:
    """Which rename (1-based) put the journal in place: the commit point."""
    calls = [line for line in log.read_text().splitlines() if " rename" in line and "(" in line]
    return next(index for index, line in enumerate(calls, start=1) if 'journal.json"' in line)


@needs_strace
def test_an_ingest_during_a_release_waits_for_it(template: Project, tmp_path: Path) -> None:
    project = _copy(template, tmp_path / "p")
    articles_before = {f"corpus/articles/{name}": digest for name, digest in tree(project.articles).items()}
    new = tmp_path / "new.jsonl"
    jsonl.write(new, [article(f"w{n:03d}", f"نص تجريبي رقم {n} عن الطقس في المدينة.") for n in range(50)])
    # The release stalls 3 s at its first rename, mid-build, holding the lock: the ingest comes then.
    assert STRACE is not None
    slowed = [STRACE, "-f", "-qq", "-o", os.devnull, "-e", f"trace={RENAMES}"]
    slowed += ["-e", f"inject={RENAMES}:delay_enter=3s:when=1"]
    releasing = subprocess.Popen(
        slowed + akhbar(project.root, *RELEASE),
        env=environment(project.root),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = project.state / "lock"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "release 0.2.0" not in (lock.read_text() if lock.is_file() else ""):
        time.sleep(0.05)
    ingesting = subprocess.run(
        akhbar(project.root, "ingest", "--format", "jsonl", "--collection", "akhbar", str(new)),
        env=environment(project.root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    _, release_err = releasing.communicate(timeout=300)
    assert releasing.returncode == 0, release_err
    assert ingesting.returncode == 0, ingesting.stderr
    assert "waiting for release 0.2.0 (pid" in ingesting.stderr
    released = json.loads((project.data / "manifest.json").read_text("utf-8"))
    # The release describes the corpus it read, whole: the articles before the ingest, not some of them.
    recorded = released["corpus"]["files"]
    assert {name: digest for name, digest in recorded.items() if name.startswith("corpus/articles/")} == (
        articles_before
    )
    assert released["report"]["articles"] == 5
    ids = [record["id"] for record in iter_articles(project)]
    assert len(ids) == len(set(ids)) == 55


def _remove_first_parquet(project: Project) -> None:
    next(project.data.rglob("*.parquet")).unlink()


def _change_first_parquet(project: Project) -> None:
    path = next(project.data.rglob("*.parquet"))
    path.write_bytes(path.read_bytes() + b"\0")


def _remove_manifest(project: Project) -> None:
    (project.data / "manifest.json").unlink()


def _remove_history(project: Project) -> None:
    shutil.rmtree(project.data / "history")


def _remove_manifest_and_parquet(project: Project) -> None:
    for path in [*project.data.rglob("*.parquet"), project.data / "manifest.json"]:
        path.unlink()


@pytest.mark.parametrize(
    ("damage", "version", "message"),
    [
        (
            _remove_first_parquet,
            "0.2.0",
            r"release 0\.1\.0 in data/ is damaged: data/\S+\.parquet is missing",
        ),
        (_change_first_parquet, "0.2.0", r"data/\S+\.parquet is not the file released"),
        (_remove_manifest, "0.2.0", r"data/manifest\.json is missing but data/ holds 9 Parquet files"),
        (_remove_manifest, "0.0.1", r"data/manifest\.json is missing"),  # no lower version through
        (_remove_manifest_and_parquet, "0.0.1", r"holds the history of release 0\.1\.0"),
        (_remove_history, "0.2.0", r"data/history/0\.1\.0\.json is missing"),
    ],
    ids=[
        "parquet-missing",
        "parquet-changed",
        "manifest-missing",
        "lower-version",
        "only-history",
        "history",
    ],
)
def test_a_damaged_previous_release_is_refused(
    template: Project, tmp_path: Path, damage: Callable[[Project], None], version: str, message: str
) -> None:
    project = _copy(template, tmp_path / "p")
    damage(project)
    before = tree(project.root)
    with pytest.raises(UsageError, match=message) as refused:
        release(project, version=version, settings=Settings(near_duplicates=False), allow_synthetic=True)
    assert "git checkout -- data" in str(refused.value)  # the way out
    assert tree(project.root) == before


def test_released_files_have_the_mode_the_umask_gives(template: Project, tmp_path: Path) -> None:
    project = _copy(template, tmp_path / "p")
    previous = os.umask(0o022)
    try:
        release(project, version="0.2.0", settings=Settings(near_duplicates=False), allow_synthetic=True)
    finally:
        os.umask(previous)
    for path in [
        project.corpus / "splits" / "assignment.jsonl",
        project.root / "CHANGELOG.md",
        project.data / "manifest.json",
        project.data / "history" / "0.2.0.json",
        *project.data.rglob("*.parquet"),
    ]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    for folder in (project.data, project.data / "history", project.data / "ner"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
