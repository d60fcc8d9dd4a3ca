"""Writes that are whole or absent, and the lock that puts writers one after another.

(One module of about 400 lines, by intent: the lock, the journal and recovery are one protocol, whose
correctness is read in one place.)

Every command that writes the corpus or data/ (ingest, import, release, labelstudio pull, document)
holds the project's lock for its whole run and makes its files visible in one commit:

    from akhbar.commit import Transaction, project_lock

    with project_lock(project, command="import"):      # waits for another writer; recovers first
        corpus = ...                                     # read the corpus under the lock
        with Transaction(project) as txn:               # staging under .akhbar/txn-<pid>-.../
            with txn.stage_file(target).open("wb") as handle:   # the new content of `target`
                handle.write(...)
            txn.write(other_target, content)            # the same for bytes in hand
            folder = txn.stage_folder(project.data)     # a folder that replaces data/ whole
            scratch = txn.scratch("work")               # work files, removed with the staging
            txn.commit()                                 # the one moment the new state appears
        # leaving the block without commit() removes the staging: nothing was written

The lock is an exclusive `flock` on `.akhbar/lock`; the file records the holder (pid and command) for
the message a second writer prints while it waits ("waiting for release 1.2.0 (pid 812) to finish"), or
for the refusal when it is told not to wait. The lock is held per process and may be taken again inside
(an import that calls ingest's code holds it once).

A commit: the staged files are synced; the journal (every move, staged -> target) is written beside them
and renamed into place: that rename is the commit point. Then each move is made (a folder target is
moved aside first, then the new one in), the folders are synced, the journal is removed and the staging
folder with the old copies goes. A process killed at any instant leaves either no journal (the staging
is removed, the old state stays) or a journal, which the next writer replays: every move whose staged
source is still there is made, one whose source is gone was made already. So the project is always the
old state or the new one, never a mixture once recovered. Staging without a journal is provably
abandoned when it is found under the lock: its writer held the lock until it finished or died.

Readers (validate, verify, document --check, agreement, labelstudio push and review) do not take the
lock; they call `refuse_pending`, which names a commit that was interrupted half way (`akhbar recover`,
or any writing command, completes it) instead of reading a half state.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from akhbar.errors import UsageError
from akhbar.paths import Project

LOCK = "lock"
TXN = "txn-"
JOURNAL = "journal.json"

# Roots whose lock this process holds, with how many nested holders: flock is per open file, so a second
# open in the same process would wait for itself.
_held: dict[Path, int] = {}


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the moves are made (a held signal comes right after), so Ctrl-C
    stops the program after the commit rather than leave it for the next writer to complete."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def fsync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (its entries are on disk, not only its files)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    if path.is_dir():
        for folder, _, names in os.walk(path):
            for name in names:
                _fsync_file(Path(folder) / name)
            fsync_folder(Path(folder))
    elif path.is_file():
        _fsync_file(path)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------- the lock


def _key(project: Project) -> Path:
    return project.root.resolve()


def holds_lock(project: Project) -> bool:
    """Whether this process holds the project's lock."""
    return _held.get(_key(project), 0) > 0


def _holder(fd: int) -> str:
    try:
        found = orjson.loads(os.pread(fd, 4096, 0))
        return f"{found['command']} (pid {found['pid']})"
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return "another akhbar command"


@contextlib.contextmanager
def project_lock(project: Project, *, command: str, wait: bool = True) -> Iterator[list[str]]:
    """Hold the project's write lock: wait for the writer holding it (saying so once on stderr), or with
    `wait=False` refuse with a UsageError naming it. Interrupted commits are recovered once it is held;
    the block gets what recovery did (see `recover`), empty when there was nothing to do."""
    key = _key(project)
    if _held.get(key, 0):
        _held[key] += 1
        try:
            yield []
        finally:
            _held[key] -= 1
        return
    project.state.mkdir(parents=True, exist_ok=True)
    fd = os.open(project.state / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise UsageError(
                    f"{holder} is writing this project; run {command} again when it has finished"
                ) from None
            print(f"akhbar {command}: waiting for {holder} to finish", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, orjson.dumps({"pid": os.getpid(), "command": command}) + b"\n", 0)
        _held[key] = 1
        try:
            yield recover(project)
        finally:
            del _held[key]
    finally:
        os.close(fd)  # closing the file releases the lock


# ---------------------------------------------------------------------------------------- transactions


class Transaction:
    """Files and folders staged under .akhbar/txn-<pid>-*/ that replace their targets in one commit.

    Needs the project's lock (see `project_lock`). Targets are paths inside the project root."""

    def __init__(self, project: Project) -> None:
        if not holds_lock(project):
            raise RuntimeError("a Transaction needs the project's lock: use `with project_lock(...)`")
        self.project = project
        self.root = project.root.resolve()
        project.state.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{TXN}{os.getpid()}-", dir=project.state)).resolve()
        self.moves: list[dict[str, str]] = []
        self._targets: set[Path] = set()
        self.done = False

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.done:
            self.abort()

    def _relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def _add(self, staged: Path, target: Path, kind: str) -> None:
        target = target.resolve()
        if target in self._targets:
            raise ValueError(f"{target} is staged twice in one transaction")
        try:
            target.relative_to(self.root)
            staged.resolve().relative_to(self.folder)
        except ValueError:
            raise ValueError(f"{staged} -> {target} is not a move inside the project") from None
        self._targets.add(target)
        move = {"kind": kind, "staged": self._relative(staged), "target": self._relative(target)}
        if kind == "folder":
            move["aside"] = self._relative(self.folder / "old" / str(len(self.moves)))
        self.moves.append(move)

    def stage_file(self, target: Path) -> Path:
        """Where to write the new content of the file `target` (made visible by `commit`)."""
        staged = self.folder / "new" / str(len(self.moves))
        staged.parent.mkdir(exist_ok=True)
        self._add(staged, target, "file")
        return staged

    def write(self, target: Path, content: bytes) -> None:
        self.stage_file(target).write_bytes(content)

    def stage_folder(self, target: Path) -> Path:
        """An empty folder to fill with what replaces the folder `target` whole."""
        staged = self.folder / "new" / str(len(self.moves))
        staged.mkdir(parents=True)  # mode from the umask, as a checkout's folders have
        self._add(staged, target, "folder")
        return staged

    def move(self, staged: Path, target: Path) -> None:
        """Take a file or folder already made inside the staging folder (e.g. in a scratch folder) as
        the new `target`."""
        self._add(staged, target, "folder" if staged.is_dir() else "file")

    def scratch(self, name: str) -> Path:
        """A work folder removed with the staging, committed or not."""
        path = self.folder / "scratch" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def commit(self) -> None:
        """Sync the staged content, write the journal (the commit point), make the moves, clean up."""
        if self.done:
            raise RuntimeError("this transaction is finished")
        if not self.moves:
            self.abort()  # nothing changed: no journal, no rename
            return
        for move in self.moves:
            if not (self.root / move["staged"]).exists():
                raise RuntimeError(f"nothing was staged for {move['target']}")
            _fsync_tree(self.root / move["staged"])
        journal = {"moves": self.moves, "pid": os.getpid()}
        pending = self.folder / f"{JOURNAL}.tmp"
        with pending.open("wb") as handle:
            handle.write(orjson.dumps(journal, option=orjson.OPT_INDENT_2) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        with interrupts_held():
            os.replace(pending, self.folder / JOURNAL)
            fsync_folder(self.folder)
            _finish(self.root, self.folder, self.moves)
        self.done = True

    def abort(self) -> None:
        """Remove the staging: nothing was written. Past the commit point (a move failed) the staging
        stays whole with its journal, for `recover` to complete: removing it would lose the new state
        half moved in and the old one moved aside."""
        if not (self.folder / JOURNAL).exists():
            shutil.rmtree(self.folder, ignore_errors=True)
        self.done = True


def _replay(root: Path, moves: list[dict[str, str]]) -> None:
    """Make every move whose staged source is still there; one whose source is gone was made already."""
    for move in moves:
        staged, target = root / move["staged"], root / move["target"]
        if not staged.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if move["kind"] == "folder":
            aside = root / move["aside"]
            if target.exists() or target.is_symlink():
                if aside.exists():
                    raise UsageError(
                        f"{move['target']} and its old copy {move['aside']} both exist while the new one "
                        "is still staged: something else wrote the project; sort it out by hand"
                    )
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.rename(target, aside)
            os.rename(staged, target)
        else:
            os.replace(staged, target)


def _finish(root: Path, folder: Path, moves: list[dict[str, str]]) -> None:
    _replay(root, moves)
    for parent in sorted({(root / move["target"]).parent for move in moves}):
        fsync_folder(parent)
    (folder / JOURNAL).unlink()
    fsync_folder(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _journal(folder: Path) -> dict[str, Any]:
    path = folder / JOURNAL
    try:
        journal = orjson.loads(path.read_bytes())
        moves = journal["moves"]
        if not all({"kind", "staged", "target"} <= set(move) for move in moves):
            raise KeyError("moves")
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as error:
        raise UsageError(
            f"{path} is unreadable ({error}); the interrupted commit needs a look by hand"
        ) from None
    return journal


def pending(project: Project) -> list[Path]:
    """Staging folders holding a journal: commits interrupted after their commit point (or under way)."""
    if not project.state.is_dir():
        return []
    return sorted(path for path in project.state.glob(f"{TXN}*") if (path / JOURNAL).is_file())


def recover(project: Project) -> list[str]:
    """Under the lock: complete every journaled commit and remove staging that never reached its journal.
    Returns what was done, one line each."""
    if not holds_lock(project):
        raise RuntimeError("recover needs the project's lock")
    done = []
    root = project.root.resolve()
    for folder in sorted(project.state.glob(f"{TXN}*")) if project.state.is_dir() else []:
        if (folder / JOURNAL).is_file():
            journal = _journal(folder)
            with interrupts_held():
                _finish(root, folder, journal["moves"])
            targets = ", ".join(move["target"] for move in journal["moves"])
            done.append(f"completed an interrupted commit ({folder.name}): {targets}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed {folder.name}, the staging of a write that never reached its commit")
    return done


def _writer_running(project: Project) -> str | None:
    """The writer holding the lock now (None when none does), probed without waiting."""
    try:
        fd = os.open(project.state / LOCK, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder(fd)
    finally:
        os.close(fd)
    return None


def refuse_pending(project: Project) -> None:
    """For readers: refuse to read a project a commit is half way through."""
    found = pending(project)
    if found:
        names = ", ".join(path.relative_to(project.root).as_posix() for path in found)
        writer = _writer_running(project)
        if writer is not None:
            raise UsageError(
                f"{writer} is committing its files ({names}); run this again when it has finished"
            )
        raise UsageError(
            f"a commit was interrupted half way ({names}): the files may mix old and new; "
            "run `akhbar recover` (or any writing command) to complete it, then run this again"
        )


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned(folder: Path, pattern: str, pid_of: Callable[[str], str]) -> None:
    """Readers' scratch folders (e.g. verify's rebuild) matching `pattern` whose process (pid_of(name))
    has ended: they hold no lock, so a dead owner is what proves a folder abandoned."""
    for path in folder.glob(pattern):
        pid = pid_of(path.name)
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def create_file(folder: Path, prefix: str) -> tuple[int, Path]:
    """A new file in `folder` opened for writing, with the mode the umask gives (mkstemp's is 0600)."""
    while True:
        path = folder / f"{prefix}{secrets.token_hex(6)}.tmp"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue
