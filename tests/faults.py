"""Run akhbar commands as other processes would, and kill one at each of its renames with strace's fault
injection (`-e inject=rename,renameat,renameat2:signal=KILL:when=N`: SIGKILL as the Nth rename is
entered, so that rename does not happen).

`count_renames` runs the command once, as a user would, under `strace -f`, and counts its renames (all
made by one process: strace counts `when=N` per process). `kill_at_each_rename` then runs it once per N:
to keep a sweep fast, a driver process imports akhbar and its libraries once and forks a child per run,
which stops itself until strace has attached to it; the child then runs the command's `main(args)`, so
every run pays for the command's work, not for Python's start-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import orjson
import pytest

STRACE = shutil.which("strace") or ("/usr/bin/strace" if Path("/usr/bin/strace").exists() else None)
RENAMES = "rename,renameat,renameat2"
needs_strace = pytest.mark.skipif(STRACE is None, reason="needs strace: `bash scripts/setup.sh` installs it")
_CALL = re.compile(r"^(\d+) +(rename|renameat|renameat2)\(")

# The driver: one line of JSON in argv; per run, one line of JSON out ({"root", "n", "status"}), where
# status is -9 for a child killed by SIGKILL, else its exit code.
_DRIVER = r"""
import importlib, json, os, signal, subprocess, sys
spec = json.loads(sys.argv[1])
for name in spec["preload"]:
    importlib.import_module(name)
from akhbar.cli.main import main
for root, n in spec["runs"]:
    pid = os.fork()
    if pid == 0:
        os.environ["AKHBAR_ROOT"] = root
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        os.kill(os.getpid(), signal.SIGSTOP)  # until strace is attached
        os._exit(main(spec["args"]))
    os.waitpid(pid, os.WUNTRACED)
    tracer = subprocess.Popen(
        [spec["strace"], "-p", str(pid), "-o", os.devnull, "-e", "trace=" + spec["renames"],
         "-e", "inject=%s:signal=KILL:when=%d" % (spec["renames"], n)],
        stderr=subprocess.PIPE, text=True,
    )
    attached = tracer.stderr.readline()
    assert "attached" in attached, attached
    os.kill(pid, signal.SIGCONT)
    _, status = os.waitpid(pid, 0)
    tracer.wait()
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    print(json.dumps({"root": root, "n": n, "status": code}), flush=True)
"""


def akhbar(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "akhbar.cli.main", *args]


def environment(root: Path) -> dict[str, str]:
    # No bytecode writes: they are renames too, and would make the count depend on the cache.
    return {**os.environ, "AKHBAR_ROOT": str(root), "PYTHONDONTWRITEBYTECODE": "1"}


def count_renames(root: Path, *args: str, log: Path) -> int:
    """Run the command to its end under `strace -f` and count its renames (asserting one process made
    them all). The log keeps each call, in order."""
    assert STRACE is not None
    command = [STRACE, "-f", "-qq", "-o", str(log), "-e", f"trace={RENAMES}", *akhbar(root, *args)]
    done = subprocess.run(command, env=environment(root), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    calls = [match for line in log.read_text().splitlines() if (match := _CALL.match(line))]
    assert len({match[1] for match in calls}) == 1, "renames from several processes"
    return len(calls)


def kill_at_each_rename(args: Sequence[str], roots: Sequence[Path], preload: Sequence[str]) -> list[int]:
    """Run `akhbar ARGS` on roots[i] killed at its (i+1)th rename; the exit status of each (-9: killed)."""
    assert STRACE is not None
    spec = {
        "args": list(args),
        "runs": [[str(root), n] for n, root in enumerate(roots, start=1)],
        "preload": list(preload),
        "strace": STRACE,
        "renames": RENAMES,
    }
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, json.dumps(spec)],
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [result["n"] for result in results] == list(range(1, len(roots) + 1))
    return [result["status"] for result in results]


def tree(root: Path, *, skip: tuple[str, ...] = (".akhbar",), clock: bool = False) -> dict[str, str]:
    """sha256 of every file under `root` but `skip`; with `clock`, JSON Lines are hashed without each
    record's provenance.ingested_at (the time of an ingest, the one thing two equal runs differ in)."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in skip or not path.is_file():
            continue
        content = path.read_bytes()
        if clock and path.suffix == ".jsonl":
            records = [orjson.loads(line) for line in content.splitlines() if line.strip()]
            for record in records:
                if isinstance(record.get("provenance"), dict):
                    record["provenance"].pop("ingested_at", None)
            content = b"".join(orjson.dumps(record) + b"\n" for record in records)
        found[relative.as_posix()] = hashlib.sha256(content).hexdigest()
    return found
