"""akhbar.commit: a transaction is whole or absent whatever step it stops at, the lock orders writers,
readers refuse a half state, and the files written get the mode the umask gives."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from akhbar import commit, jsonl
from akhbar.cli.main import main
from akhbar.commit import Transaction, pending, project_lock, recover, refuse_pending
from akhbar.document.run import document
from akhbar.errors import UsageError
from akhbar.paths import Project
from faults import akhbar, environment, tree


@pytest.fixture
def project(tmp_project: Project) -> Project:
    """An old state: two files and a folder (like data/) the transaction replaces."""
    (tmp_project.root / "notes.md").write_text("old notes\n", "utf-8")
    (tmp_project.root / "data" / "history").mkdir(parents=True)
    (tmp_project.root / "data" / "manifest.json").write_text("{}\n", "utf-8")
    (tmp_project.root / "data" / "history" / "0.1.0.json").write_text("{}\n", "utf-8")
    return tmp_project


def _stage_new_state(project: Project, txn: Transaction) -> None:
    txn.write(project.root / "notes.md", b"new notes\n")
    txn.write(project.articles / "new" / "fresh.jsonl", b"")  # a file in a folder not there yet
    data = txn.stage_folder(project.data)
    (data / "history").mkdir()
    (data / "history" / "0.2.0.json").write_text("{}\n", "utf-8")
    (data / "manifest.json").write_text('{"version": "0.2.0"}\n', "utf-8")


@pytest.fixture
def new_state(project: Project, tmp_path: Path) -> dict[str, str]:
    """What the project looks like after the transaction commits, from a copy."""
    import shutil

    copy = Project(Path(shutil.copytree(project.root, tmp_path / "copy")))
    with project_lock(copy, command="test"), Transaction(copy) as txn:
        _stage_new_state(copy, txn)
        txn.commit()
    return tree(copy.root)


def test_a_commit_replaces_files_and_folders_and_leaves_no_staging(
    project: Project, new_state: dict[str, str]
) -> None:
    old = tree(project.root)
    with project_lock(project, command="test"), Transaction(project) as txn:
        _stage_new_state(project, txn)
        assert tree(project.root) == old  # nothing shows before the commit
        txn.commit()
    assert tree(project.root) == new_state
    assert (project.data / "history" / "0.2.0.json").is_file()
    assert not (project.data / "history" / "0.1.0.json").exists()  # the folder was replaced whole
    assert not list(project.state.glob("txn-*"))


def test_leaving_without_commit_writes_nothing(project: Project) -> None:
    old = tree(project.root)
    with (
        pytest.raises(RuntimeError, match="failed"),
        project_lock(project, command="test"),
        Transaction(project) as txn,
    ):
        _stage_new_state(project, txn)
        raise RuntimeError("the build failed")
    assert tree(project.root) == old
    assert not list(project.state.glob("txn-*"))


def _die_at_rename(monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    """Make this process's `at`th rename or replace raise instead, as if the process died there."""
    calls = [0]

    def counted(real: Callable[..., None]) -> Callable[..., None]:
        def call(*args: Any, **kwargs: Any) -> None:
            calls[0] += 1
            if calls[0] == at:
                raise KeyboardInterrupt("killed here")
            real(*args, **kwargs)

        return call

    monkeypatch.setattr(os, "rename", counted(os.rename))
    monkeypatch.setattr(os, "replace", counted(os.replace))


def _commit_dying_at(project: Project, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    """A transaction used as every writer uses it, stopped by an exception at its `at`th rename (before
    the journal's: an orderly abort; after it: the journal stays for recovery)."""
    with monkeypatch.context() as patch:
        _die_at_rename(patch, at)
        with (
            pytest.raises(KeyboardInterrupt),
            project_lock(project, command="test"),
            Transaction(project) as txn,
        ):
            _stage_new_state(project, txn)
            txn.commit()


@pytest.mark.parametrize("at", range(1, 6))
def test_a_commit_stopped_at_any_rename_is_old_or_completed_to_new(
    project: Project, new_state: dict[str, str], monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    """Renames: the journal (the commit point), notes.md, fresh.jsonl, data/ aside, the new data/ in."""
    old = tree(project.root)
    _commit_dying_at(project, monkeypatch, at)
    assert bool(pending(project)) == (at > 1)
    with project_lock(project, command="test") as done:
        assert done == [] if at == 1 else len(done) == 1 and "completed an interrupted commit" in done[0]
    assert tree(project.root) == (old if at == 1 else new_state)
    assert not list(project.state.glob("txn-*"))


def test_readers_refuse_a_half_commit_and_recover_completes_it(
    project: Project,
    new_state: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _commit_dying_at(project, monkeypatch, 4)  # notes.md and fresh.jsonl moved, data/ not yet
    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    with pytest.raises(UsageError, match=r"interrupted half way \(\.akhbar/txn-\d+-\w+\).*akhbar recover"):
        refuse_pending(project)
    assert main(["validate"]) == 2
    assert "akhbar recover" in capsys.readouterr().err
    with pytest.raises(UsageError, match="interrupted half way"):
        document(project=project, check=True)
    from akhbar.release.verify import verify

    assert "interrupted half way" in verify(project).findings[0]
    assert main(["recover"]) == 0
    assert "completed an interrupted commit" in capsys.readouterr().out
    assert tree(project.root) == new_state
    assert main(["recover"]) == 0
    assert "nothing to recover" in capsys.readouterr().out


def test_a_reader_during_a_commit_is_told_to_wait_for_the_writer(project: Project) -> None:
    holder = subprocess.Popen(
        [
            akhbar(project.root)[0],
            "-c",
            "import sys\nfrom akhbar.commit import project_lock\nfrom akhbar.paths import find_project\n"
            "with project_lock(find_project(), command='release 3.0.0'):\n"
            "    print('held', flush=True)\n    sys.stdin.read()\n",
        ],
        env=environment(project.root),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline() == "held\n"
    journaled = project.state / "txn-1-under-way"  # as the holder's commit looks between its moves
    journaled.mkdir()
    (journaled / commit.JOURNAL).write_text('{"moves": []}\n', "utf-8")
    try:
        with pytest.raises(
            UsageError, match=rf"release 3\.0\.0 \(pid {holder.pid}\) is committing its files"
        ):
            refuse_pending(project)
    finally:
        holder.communicate(timeout=60)  # closes its stdin: it lets go


def test_a_transaction_needs_the_lock(project: Project) -> None:
    with pytest.raises(RuntimeError, match="project_lock"):
        Transaction(project)
    with pytest.raises(RuntimeError, match="lock"):
        recover(project)


def test_the_lock_is_taken_once_per_process_and_released_after(project: Project) -> None:
    with project_lock(project, command="outer"), project_lock(project, command="inner") as inner:
        assert inner == [] and commit.holds_lock(project)
    assert not commit.holds_lock(project)
    with project_lock(project, command="again", wait=False):  # released: free to take
        pass


def test_a_waiting_writer_says_whom_it_waits_for(project: Project) -> None:
    with project_lock(project, command="release 1.0.0"):
        waiter = subprocess.Popen(
            akhbar(project.root, "recover"),
            env=environment(project.root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert waiter.stderr is not None
        line = waiter.stderr.readline()
        assert line == f"akhbar recover: waiting for release 1.0.0 (pid {os.getpid()}) to finish\n"
        assert waiter.poll() is None
    out, _ = waiter.communicate(timeout=60)
    assert waiter.returncode == 0 and "nothing to recover" in out


def test_written_files_get_the_mode_the_umask_gives(project: Project, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        jsonl.write(tmp_path / "records.jsonl", [{"id": "a"}])
        with project_lock(project, command="test"), Transaction(project) as txn:
            _stage_new_state(project, txn)
            txn.commit()
    finally:
        os.umask(previous)
    for path in (tmp_path / "records.jsonl", project.root / "notes.md", project.data / "manifest.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    for folder in (project.data, project.data / "history", project.articles / "new"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
