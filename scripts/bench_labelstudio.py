"""Benchmark `akhbar labelstudio push` and `pull` against the bare SDK calls they are built on.

A dedicated local Label Studio (the checkout's server venv, a fresh database in a temporary folder, a free
port on 127.0.0.1) takes --tasks synthetic articles, made by recombining the sentences of the committed
corpus and marked `"synthetic": true`, in a temporary project.

- push: `push()` into an empty project (reads the corpus, hashes texts, creates the project, lists its
  tasks, imports in batches) against one bare `ls.projects.import_tasks` call with the same task data,
  built beforehand, into an empty project of the same config;
- pull: a project of the same tasks, each with one annotation of a few entity spans (imported with them),
  pulled by `pull()` (export, archive as gzip, convert with every check, write the annotation layer)
  against a bare snapshot export (`projects.exports.create`, poll, `download`) with the same options.
  Each of our pulls starts from an empty annotation layer and archive folder, so it does the whole work;
- re-push: `push()` again once everything is there (it lists the project's tasks and sends nothing).

Times are wall-clock, the best of --repeat runs each. Writes benchmarks/labelstudio.md.

    .venv/bin/python scripts/bench_labelstudio.py [--tasks 20000] [--repeat 2] [--out FILE]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import random
import re
import shlex
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.corpus import iter_articles
from akhbar.labelstudio import server as local
from akhbar.labelstudio.client import Connection
from akhbar.labelstudio.config import label_config
from akhbar.labelstudio.pull import SERIALIZATION, TASK_FILTER, pull
from akhbar.labelstudio.push import push
from akhbar.labelstudio.tasks import entity_tasks
from akhbar.paths import Project
from akhbar.scheme import load_scheme

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # tests/synthetic.py
from synthetic import synthetic_article

ROOT = Project(Path(__file__).resolve().parents[1])
LIMIT = 1.5
ONCE: dict[str, Any] = {"layers": ["entities"], "progress": False}
# Surfaces found in the committed article's sentences, labelled in the synthetic annotations.
NAMES = {"العراق": "GPE", "داعش": "ORG", "واشنطن": "GPE", "ماكنزي": "PERS", "التحالف الدولي": "ORG"}


def sentences() -> list[str]:
    texts = [article["text"] for article in iter_articles(ROOT)]
    found = [part.strip() for text in texts for part in re.split(r"(?<=[.؟!])\s+|\n", text)]
    return [sentence for sentence in found if len(sentence) > 20]


def synthetic_corpus(root: Path, count: int) -> Project:
    """`count` synthetic articles of 6 to 14 recombined sentences each, numbered so that none repeats."""
    project = Project(root)
    shutil.copytree(ROOT.schema, project.schema)
    pool = sentences()
    pick = random.Random(20260101)
    articles = []
    for index in range(count):
        body = " ".join(pick.choice(pool) for _ in range(pick.randint(6, 14)))
        articles.append(
            synthetic_article(
                f"bench-{index:06d}",
                f"{body}\n(نص اصطناعي رقم {index})",
                made_by="scripts/bench_labelstudio.py",
                title=f"خبر اصطناعي رقم {index}",
            )
        )
    jsonl.write(project.articles / "synthetic.jsonl", articles)
    project.targets.mkdir(parents=True)
    return project


def annotated(task: dict[str, Any]) -> dict[str, Any]:
    """A task with one annotation: the first occurrence of each known name in its text."""
    text = task["text"]
    result = []
    for surface, label in NAMES.items():
        start = text.find(surface)
        if start >= 0:
            value = {"start": start, "end": start + len(surface), "text": surface, "labels": [label]}
            result.append({"from_name": "entities", "to_name": "text", "type": "labels", "value": value})
    return {"data": task, "annotations": [{"result": result, "lead_time": 12.0}]}


def bare_export(ls: Any, project_id: int) -> bytes:
    """The snapshot export as the SDK offers it: create, poll until done, download."""
    created = ls.projects.exports.create(
        project_id, title="bare", serialization_options=SERIALIZATION, task_filter_options=TASK_FILTER
    )
    while ls.projects.exports.get(project_id, created.id).status != "completed":
        time.sleep(0.25)
    return b"".join(ls.projects.exports.download(project_id, created.id, export_type="JSON"))


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def machine() -> list[str]:
    memory = next(
        int(line.split()[1]) // 1024**2
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return [
        f"- CPU: {os.cpu_count()} cores ({model}); RAM: {memory} GiB",
        f"- {platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"- label-studio {local.VERSION} (its own venv, SQLite), label-studio-sdk "
        f"{importlib.metadata.version('label-studio-sdk')}, akhbar {importlib.metadata.version('akhbar')}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT.root / "benchmarks" / "labelstudio.md")
    args = parser.parse_args()
    command = shlex.join([".venv/bin/python", "scripts/bench_labelstudio.py", *sys.argv[1:]])

    with tempfile.TemporaryDirectory(prefix="bench-labelstudio-") as folder:
        work = Path(folder)
        shared = local.Server.of(ROOT)
        local.install(shared)
        server = local.Server(root=work / "server", venv=shared.venv)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        print(f"starting a fresh Label Studio on port {port} ...", flush=True)
        started = local.up(server, port=port)
        assert started.url is not None
        try:
            with Connection(url=started.url, api_key=local.credentials(server).api_key) as connection:
                pushes, pulls, again, size = run(connection, work, args.tasks, args.repeat)
        finally:
            local.down(server)

    lines = report(pushes, pulls, again, size, args.tasks, command)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0 if max(ratio(pushes), ratio(pulls)) < LIMIT else 1


Runs = tuple[list[float], list[float]]  # (bare SDK, akhbar) seconds per run


def run(connection: Connection, work: Path, count: int, repeat: int) -> tuple[Runs, Runs, float, int]:
    """(push runs, pull runs, seconds of a push with nothing to send, bytes of one export)."""
    ls = connection.sdk
    config = label_config("entities", load_scheme(ROOT.schema))
    print(f"writing {count} synthetic articles ...", flush=True)
    corpus = synthetic_corpus(work / "corpus", count)
    data = list(entity_tasks(iter_articles(corpus)))
    pushes: Runs = ([], [])
    for attempt in range(repeat):
        print(f"push, run {attempt + 1} ...", flush=True)
        bare_id = ls.projects.create(title=f"bare {attempt}", label_config=config).id
        tasks = [{"data": item} for item in data]
        pushes[0].append(timed(lambda: ls.projects.import_tasks(bare_id, request=tasks)))  # noqa: B023
        prefix = f"ours {attempt}"
        pushes[1].append(timed(lambda: push(project=corpus, connection=connection, prefix=prefix, **ONCE)))  # noqa: B023
    again = timed(lambda: push(project=corpus, connection=connection, prefix="ours 0", **ONCE))

    print("importing annotated tasks for the pull ...", flush=True)
    pulled = ls.projects.create(title="pulled entities", label_config=config)
    ls.projects.import_tasks(pulled.id, request=[annotated(item) for item in data])
    pulls: Runs = ([], [])
    size = 0
    for attempt in range(repeat):
        print(f"pull, run {attempt + 1} ...", flush=True)
        started = time.perf_counter()
        size = len(bare_export(ls, pulled.id))
        pulls[0].append(time.perf_counter() - started)
        shutil.rmtree(corpus.exports, ignore_errors=True)
        shutil.rmtree(corpus.annotations, ignore_errors=True)
        pulls[1].append(
            timed(lambda: pull(project=corpus, connection=connection, prefix="pulled", layers=["entities"]))
        )
    written = sum(1 for _ in jsonl.read(corpus.annotations / "entities" / "labelstudio.jsonl"))
    if written != count:
        raise SystemExit(f"pull wrote {written} records for {count} annotated tasks")
    return pushes, pulls, again, size


def ratio(runs: Runs) -> float:
    return min(runs[1]) / min(runs[0])


def report(pushes: Runs, pulls: Runs, again: float, size: int, count: int, command: str) -> list[str]:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Label Studio push and pull: our overhead over the bare SDK calls",
        "",
        f"Generated by `{command}` on {when}.",
        "",
        f"{count:,} synthetic tasks (articles recombined from the sentences of the committed corpus, marked",
        "synthetic), on a fresh local server; the ratio compares the best runs. One export of the annotated",
        f"project is {size / 1e6:.0f} MB.",
        "",
        "| step | bare SDK: best (runs), s | akhbar: best (runs), s | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, runs in (("push", pushes), ("pull", pulls)):
        bare, ours = (f"{min(side):.1f} ({', '.join(f'{seconds:.1f}' for seconds in side)})" for side in runs)
        lines.append(f"| {name} | {bare} | {ours} | {ratio(runs):.2f} |")
    met = max(ratio(pushes), ratio(pulls)) < LIMIT
    lines += [
        "",
        f"- Push again with all {count:,} tasks there (it lists them, sends nothing): {again:.1f} s.",
        "- Bare push: one `ls.projects.import_tasks` call with the task data built beforehand. Ours:",
        "  read the corpus, hash every text, create the project, list its tasks, import in batches of 1,000.",
        "- Bare pull: `projects.exports.create` (same options as ours), poll, `download`. Ours: the same,",
        "  then archive the export as gzip, check every span, write the annotation layer atomically.",
        f"- Limit: ratio below {LIMIT}: {'met' if met else 'NOT MET'}.",
        "",
        "Machine (other work may have shared its two cores during the run):",
        "",
        *machine(),
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
