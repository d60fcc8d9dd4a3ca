"""Benchmark `quality.agreement.corpus_agreement`: time and peak memory at 100,000 to 1,000,000 articles.

For each size, one child process writes a synthetic annotated corpus into a temporary project
(tests/quality/agreement_corpus.py: made-up sentences recombined, every article marked synthetic, one to
four of five annotators per article who disagree on some spans and labels, re-pulled, stale and
ground-truth records, a claim with stance votes on one article in two); a second child computes the
agreement figures and reports its time; the parent takes that child's peak RSS from wait4(). The peer
in the same run, at the sizes given by --in-memory: the records read into memory as before
(`current_annotations`, then `measure_agreement` over the list).

    nice -n 10 .venv/bin/python scripts/bench_agreement.py [--sizes 100000,300000,1000000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "quality")]  # the synthetic corpus builder
SEED = 20261201
LIMIT = 1 << 30  # the target: at most 1 GiB


def child_generate(root: Path, size: int) -> None:
    from agreement_corpus import write

    shutil.copytree(ROOT / "schema", root / "schema")
    write(root, size, SEED)
    count = {
        layer: sum(1 for _ in (root / "corpus/annotations" / layer / "synthetic.jsonl").open("rb"))
        for layer in ("entities", "stance")
    }
    corpus = sum(path.stat().st_size for path in (root / "corpus").rglob("*.jsonl"))
    print(json.dumps({"records": count, "corpus_bytes": corpus}))


def child_measure(root: Path, how: str) -> None:
    from akhbar.paths import Project
    from akhbar.quality.agreement import corpus_agreement, measure_agreement
    from akhbar.quality.records import current_annotations
    from akhbar.scheme import load_scheme

    project = Project(root)
    started = time.perf_counter()
    if how == "streamed":
        figures, stale = corpus_agreement(project=project)
    else:
        scheme = load_scheme(project.schema)
        current, stale = current_annotations(project)
        figures = measure_agreement(
            current, stance_labels=scheme.stance_names, entity_labels=scheme.entity_names
        )
    seconds = time.perf_counter() - started
    result = figures.to_dict()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "stale": stale,
                "stance_items": result["stance"]["items"],
                "entity_articles": result["entities"]["articles"],
                "alpha": result["stance"]["alpha"],
                "strict_f1": result["entities"]["pooled"]["strict"]["f1"],
                "digest": hashlib.sha256(figures.to_json()).hexdigest(),
            }
        )
    )


def _child(*args: str) -> tuple[dict, int]:
    """Run this script as a child; its JSON answer and its peak RSS in bytes (wait4)."""
    process = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"bench_agreement: child {args} failed")
    return json.loads(out), usage.ru_maxrss * 1024


def _machine() -> list[str]:
    with open("/proc/meminfo") as handle:
        memory = next(int(line.split()[1]) for line in handle if line.startswith("MemTotal"))
    with open("/proc/cpuinfo") as handle:
        model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?")
    return [
        f"- cores: {os.cpu_count()} ({model}); memory: {memory / 1024 / 1024:.1f} GiB",
        f"- Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version},"
        f" nervaluate {version('nervaluate')}, krippendorff {version('krippendorff')},"
        f" scikit-learn {version('scikit-learn')}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--in-memory", default="100000", help="sizes at which the in-memory peer also runs")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "agreement.md")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    peers = {int(size) for size in args.in_memory.split(",") if size}
    load_before = os.getloadavg()
    rows = []
    for size in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench-agreement-", dir=args.workdir) as tmp:
            made, _ = _child("--generate", tmp, str(size))
            streamed, streamed_rss = _child("--measure", tmp, "streamed")
            peer = _child("--measure", tmp, "in-memory") if size in peers else None
            if peer and peer[0]["digest"] != streamed["digest"]:
                raise SystemExit(f"bench_agreement: the figures differ at {size}: {peer[0]} {streamed}")
            rows.append((size, made, streamed, streamed_rss, peer))
            print(f"{size}: {streamed['seconds']:.0f} s, {streamed_rss / 2**20:.0f} MiB", file=sys.stderr)
    write(args, rows, load_before, os.getloadavg())


def write(args: argparse.Namespace, rows: list, load_before: tuple, load_after: tuple) -> None:
    command = " ".join([".venv/bin/python", "scripts/bench_agreement.py", *sys.argv[1:]])
    lines = [
        "# Agreement benchmark",
        "",
        "Generated by `scripts/bench_agreement.py`; do not edit by hand.",
        "",
        f"Command: `nice -n 10 {command}` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        *_machine(),
        f"- load average before / after: {' '.join(f'{x:.2f}' for x in load_before)} /"
        f" {' '.join(f'{x:.2f}' for x in load_after)} (2 cores shared with other work: times are"
        " upper bounds)",
        "",
        "Each corpus is synthetic (tests/quality/agreement_corpus.py: made-up sentences recombined, every"
        ' article `"synthetic": true`, about 250 characters of text and 6 entity spans each): one to four'
        " of five annotators per article who miss, relabel or cut short some spans, a claim on one article"
        " in two with stance votes, and a few re-pulled, stale and ground-truth records. `corpus_agreement`"
        " runs in its own process; peak RSS is that process's maximum resident set (wait4). It reads the"
        " articles (to tie each annotation to the current text), reduces each annotation record to its"
        " vote in a temporary SQLite file sorted by item, and folds the items one at a time into the"
        " measures (stance codes for alpha and kappa, nervaluate's counts per annotator pair).",
        "",
        "| articles | annotation records | corpus (JSONL) | time | articles/s | peak RSS |"
        " stance items | entity articles compared | alpha | pooled strict F1 |"
        " records in memory (peer): time | peer peak RSS |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, made, streamed, rss, peer in rows:
        records = sum(made["records"].values())
        peer_cells = (
            f"{peer[0]['seconds']:,.0f} s | {peer[1] / 2**20:,.0f} MiB" if peer else "not run | not run"
        )
        lines.append(
            f"| {size:,} | {records:,} | {made['corpus_bytes'] / 2**30:.2f} GiB"
            f" | {streamed['seconds']:,.0f} s"
            f" | {size / streamed['seconds']:,.0f} | {rss / 2**20:,.0f} MiB | {streamed['stance_items']:,}"
            f" | {streamed['entity_articles']:,} | {streamed['alpha']} | {streamed['strict_f1']} |"
            f" {peer_cells} |"
        )
    largest = rows[-1]
    verdict = "met" if largest[3] <= LIMIT else "NOT met"
    lines += [
        "",
        f"Target (1,000,000 annotated articles in at most 1 GiB): **{verdict}** at {largest[0]:,} articles"
        f" ({largest[3] / 2**20:,.0f} MiB).",
        "Where the peer ran, its figures were the same as the streamed ones (the script stops otherwise);"
        " tests/quality/test_agreement_stream.py checks them byte for byte against the figures of the"
        " implementation that held every record in memory.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), "utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--generate":
        child_generate(Path(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--measure":
        child_measure(Path(sys.argv[2]), sys.argv[3])
    else:
        main()
