"""Ingest under faults and concurrency: a kill at every rename leaves the old corpus or the new one, and
writers at the same time are put one after another (the project lock), so nothing is lost or doubled."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from akhbar import jsonl
from akhbar.cli.main import main
from akhbar.commit import pending, project_lock
from akhbar.corpus import iter_articles
from akhbar.paths import Project
from faults import akhbar, count_renames, environment, kill_at_each_rename, needs_strace, tree
from synthetic_project import article, write_project

pytestmark = pytest.mark.slow  # kill at every rename (strace), concurrent writers

SOURCES = ("alpha", "beta", "gamma")


def _articles(first: int, count: int, sources: tuple[str, ...] = SOURCES) -> list[dict]:
    return [
        article(n, f"نص تجريبي رقم {n} عن الطقس في المدينة.", source=sources[n % len(sources)])
        for n in range(first, first + count)
    ]


def _project(root: Path) -> Project:
    """A corpus with two source files; the input adds to both and makes a third."""
    return write_project(root, _articles(0, 6, SOURCES[:2]), [], [])


def _input(folder: Path, name: str, records: list[dict]) -> Path:
    path = folder / f"{name}.jsonl"
    jsonl.write(path, records)
    return path


def _ingest_args(path: Path) -> list[str]:
    return ["ingest", "--format", "jsonl", "--collection", "akhbar", str(path)]


def _ids(project: Project) -> Counter[str]:
    return Counter(record["id"] for record in iter_articles(project))


@needs_strace
def test_a_kill_at_every_rename_of_an_ingest_leaves_the_old_corpus_or_the_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = _project(tmp_path / "template")
    source = _input(tmp_path, "new", _articles(100, 9) + _articles(0, 2, SOURCES[:2]))
    old = tree(template.root, clock=True)
    reference = Path(shutil.copytree(template.root, tmp_path / "reference"))
    renames = count_renames(reference, *_ingest_args(source), log=tmp_path / "renames.log")
    new = tree(reference, clock=True)
    assert new != old
    assert renames >= 4  # the journal, then one rename per corpus file written (three here)
    # One run past the last rename: it is not killed, so the sweep missed none.
    roots = [Path(shutil.copytree(template.root, tmp_path / f"run-{n}")) for n in range(1, renames + 2)]
    statuses = kill_at_each_rename(_ingest_args(source), roots, preload=["akhbar.cli.ingest"])
    assert statuses == [-9] * renames + [0]
    for n, root in enumerate(roots, start=1):
        project = Project(root)
        # Killed at the journal's rename (the commit point): nothing to complete; after it: pending.
        assert bool(pending(project)) == (1 < n <= renames)
        monkeypatch.setenv("AKHBAR_ROOT", str(root))
        if pending(project):
            assert main(["validate"]) == 2  # a reader refuses the half state rather than judge it
        with project_lock(project, command="test"):  # what every writer does first
            pass
        assert tree(root, clock=True) == (old if n == 1 else new), f"kill at rename {n} of {renames}"
        assert not list(project.state.glob("txn-*"))
        assert main(_ingest_args(source)) == 0  # the next ingest runs, and adds what is missing only
        assert tree(root, clock=True) == new
        assert max(_ids(project).values()) == 1


def _hold_lock_then_start(project: Project, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Start the commands while this test holds the project's lock, so they all wait, then let them go
    at once: they run concurrently as far as nothing stops them."""
    with project_lock(project, command="the test"):
        processes = [
            subprocess.Popen(
                akhbar(project.root, *args),
                env=environment(project.root),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for args in commands
        ]
        deadline = time.monotonic() + 120
        # Each says it waits (on stderr) once it has reached the lock: wait for that before letting go.
        waiting = [""] * len(processes)
        for index, process in enumerate(processes):
            assert process.stderr is not None
            while "waiting for" not in waiting[index] and time.monotonic() < deadline:
                line = process.stderr.readline()
                if not line:
                    break
                waiting[index] += line
    results = []
    for index, process in enumerate(processes):
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, waiting[index] + err))
    return results


def test_two_ingests_of_different_inputs_at_once_keep_both(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    first = _input(tmp_path, "first", _articles(1000, 1500))
    second = _input(tmp_path, "second", _articles(5000, 1500))
    results = _hold_lock_then_start(project, [_ingest_args(first), _ingest_args(second)])
    for code, out, err in results:
        assert code == 0, err
        assert f"waiting for the test (pid {os.getpid()}) to finish" in err
        assert "added 1500" in out
    ids = _ids(project)
    assert max(ids.values()) == 1
    assert set(ids) == {a["id"] for a in _articles(0, 6) + _articles(1000, 1500) + _articles(5000, 1500)}
    assert main_validate(project) == 0


def test_the_same_input_twice_at_once_adds_each_article_once(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    same = _input(tmp_path, "same", _articles(1000, 1500))
    results = _hold_lock_then_start(project, [_ingest_args(same), _ingest_args(same)])
    assert all(code == 0 for code, _, _ in results), results
    added = sorted("added 1500," in out for _, out, _ in results)
    unchanged = sorted("unchanged 1500," in out for _, out, _ in results)
    assert added == unchanged == [False, True]  # one adds them all, the other finds them there
    ids = _ids(project)
    assert len(ids) == 6 + 1500
    assert max(ids.values()) == 1


def main_validate(project: Project) -> int:
    done = subprocess.run(
        akhbar(project.root, "validate"), env=environment(project.root), capture_output=True, text=True
    )
    return done.returncode


def test_a_second_writer_told_not_to_wait_is_refused_naming_the_first(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    before = tree(project.root)
    with project_lock(project, command="release 9.9.9"):
        script = (
            "from akhbar.commit import project_lock; from akhbar.paths import find_project\n"
            "with project_lock(find_project(), command='ingest', wait=False): pass\n"
        )
        done = subprocess.run(
            [akhbar(project.root)[0], "-c", script],
            env=environment(project.root),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"release 9.9.9 (pid {os.getpid()}) is writing this project" in done.stderr
    assert tree(project.root) == before
