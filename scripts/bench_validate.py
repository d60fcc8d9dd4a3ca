"""Benchmark `akhbar validate` against parsing the same JSON Lines with orjson in one thread.

For each size, a synthetic corpus is generated in a temporary project: articles of about 5 KB made by
recombining the sentences of the committed corpus, every record marked `"synthetic": true`, each article
carrying one deliberate warning (so that reporting is part of the cost: a finding made, sent from its
worker, sorted and written per article) and a few stance targets and entity annotations (so the
cross-file checks run too). Then:

- parse, in process (the floor): this script reads the articles file line by line and `orjson.loads`
  every line, in one thread;
- parse, whole process: the same loop in a new Python process;
- validate: `akhbar validate` with every rule on, with every core (the default) and with one.

Times are wall-clock, the best of --repeat runs taken in turns, each after reading the files once so that
they come from the page cache. Memory is the peak
resident set of the process tree, sampled from /proc every 50 ms in one more run: the largest single
process (its VmHWM) and the sum over the tree (proportional set size, so that pages forked workers share
count once). The script checks that validation found exactly the problems that were planted.

    .venv/bin/python scripts/bench_validate.py            # writes benchmarks/validate.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import orjson

from akhbar import jsonl
from akhbar.corpus import iter_articles, text_sha256
from akhbar.paths import Project
from akhbar.registry import OWN_TERMS
from akhbar.scheme import validator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # tests/synthetic.py
from akhbar.text.rules import check_text
from akhbar.validate.records import Rules, check_record
from synthetic import synthetic_annotation_terms, synthetic_article, synthetic_provenance

ROOT = Path(__file__).resolve().parents[1]
AKHBAR = Path(sys.executable).parent / "akhbar"
TEXT_BYTES = 4800  # UTF-8 bytes of body per article: with title and metadata a line is about 5 KB
# The warning each article carries, in turn (each adds exactly one finding).
WARNINGS = (
    "text-bidi-control",
    "text-zero-width",
    "text-persian-letter",
    "text-tatweel",
    "text-mixed-digits",
)
TARGET_EVERY = 1000  # one stance target and one entity annotation per 1000 articles

# The deliberate problems: rule id -> how to plant it into a text (each adds exactly one finding).
PROBLEMS = {
    "text-control-char": lambda text: text[:50] + "\x1a" + text[50:],
    "text-replacement-char": lambda text: text[:50] + "\ufffd" + text[50:],
    "text-presentation-form": lambda text: text + " \ufed7\ufe8e\ufedd",
    "text-mojibake": lambda text: text + " " + "العراق".encode().decode("cp1256"),
    "text-not-nfc": lambda text: text + " \u0627\u0653",
    "text-bidi-control": lambda text: text[:50] + "\u200f" + text[50:],
    "text-zero-width": lambda text: text[:50] + "\u200b" + text[50:],
    "text-persian-letter": lambda text: text + " \u06cc",
    "text-tatweel": lambda text: text + " حصـرا",
    "text-mixed-digits": lambda text: text + " ٢0٢٣",
}


def sentences(project: Project) -> list[str]:
    """The sentences of the committed corpus that break no text rule (the problems are planted apart)."""
    pool = []
    for article in iter_articles(project):
        for paragraph in article["text"].split("\n"):
            for sentence in paragraph.replace("، ", "،\n").replace(". ", ".\n").split("\n"):
                if len(sentence) > 20 and not list(check_text(sentence)):
                    pool.append(sentence.strip())
    if not pool:
        sys.exit("bench_validate: the committed corpus has no sentences to recombine")
    return pool


def article(index: int, pool: list[str], rng: random.Random) -> tuple[dict, str]:
    paragraphs, size = [], 0
    while size < TEXT_BYTES:
        paragraph = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 1
    text = "\n".join(paragraphs)
    problem = WARNINGS[index % len(WARNINGS)]
    text = PROBLEMS[problem](text)
    record = synthetic_article(
        f"bench-{index:07d}",
        text,
        made_by="scripts/bench_validate.py",
        title=rng.choice(pool)[:120],
        source="bench",
    )
    return record, problem


def generate(root: Path, count: int, pool: list[str], seed: int) -> tuple[Path, Counter[str]]:
    """A project at `root` with `count` synthetic articles; returns the articles file and planted problems."""
    rng = random.Random(seed)
    project = Project(root)
    (root / "schema").symlink_to(ROOT / "schema")
    planted: Counter[str] = Counter()
    targets, annotations = [], []
    path = project.articles / "bench.jsonl"
    with jsonl.atomic_writer(path) as handle:
        for index in range(count):
            record, problem = article(index, pool, rng)
            planted[problem] += 1
            handle.write(jsonl.dumps(record))
            if index % TARGET_EVERY == 0:
                text = record["text"]
                start = text.index(" ") + 1
                end = text.index(" ", start)
                targets.append(
                    {
                        "id": f"bench-claim-{index:07d}",
                        "claim": record["title"],
                        "article_ids": [record["id"]],
                        "origin": "synthetic (scripts/bench_validate.py)",
                        **OWN_TERMS,
                    }
                )
                annotations.append(
                    {
                        "id": f"bench-ann-{index:07d}",
                        "layer": "entities",
                        "article_id": record["id"],
                        "text_sha256": text_sha256(text),
                        "annotator": "bench",
                        "spans": [{"start": start, "end": end, "label": "GPE", "text": text[start:end]}],
                        "provenance": synthetic_provenance(),
                        **synthetic_annotation_terms("entities", ROOT / "schema"),
                    }
                )
    jsonl.write(project.targets / "bench.jsonl", targets)
    jsonl.write(project.annotations / "entities" / "bench.jsonl", annotations)
    return path, planted


@dataclass
class Run:
    seconds: float
    stdout: str
    max_rss_mb: float = 0.0  # the peak of the largest single process of the tree, sampled
    tree_pss_mb: float = 0.0  # the peak of the sum over the tree, sampled


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return found


def _memory_mb(pids: list[int]) -> tuple[float, dict[int, float]]:
    """The tree's proportional set size, and each process's peak resident set (VmHWM), in MB."""
    total, peaks = 0, {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
            with open(f"/proc/{pid}/status") as handle:
                peaks[pid] = (
                    next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:")) * 1024 / 1e6
                )
        except (OSError, StopIteration):
            continue
    return total * 1024 / 1e6, peaks  # kB (KiB) to MB


def measure(command: list[str], env: dict[str, str], sample: bool = False) -> Run:
    """Run a command to its end; with `sample`, also watch the memory of its process tree.

    Memory comes from /proc while the processes live: the rusage of a child also counts the memory of
    the parent it was spawned from, which is this script's, not the command's.
    """
    tree_peak, process_peaks = [0.0], {}
    done = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)

        def watch() -> None:
            while not done.wait(0.05):
                total, peaks = _memory_mb(_tree(process.pid))
                tree_peak[0] = max(tree_peak[0], total)
                process_peaks.update(peaks)

        watcher = threading.Thread(target=watch, daemon=True)
        if sample:
            watcher.start()
        process.wait()
        seconds = time.perf_counter() - start
        done.set()
        if sample:
            watcher.join()
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):
            failed = f"{shlex.join(command)} failed ({process.returncode})"
            sys.exit(f"bench_validate: {failed}:\n{err.read().decode()}")
        return Run(
            seconds, out.read().decode("utf-8"), max(process_peaks.values(), default=0.0), tree_peak[0]
        )


PARSE = """
import sys, orjson
count = 0
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        orjson.loads(line)
        count += 1
print(count)
"""


def parse_in_process(path: Path) -> tuple[float, int]:
    """The floor: seconds to read the file line by line and orjson.loads every line, in this thread."""
    start = time.perf_counter()
    count = 0
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)
            count += 1
    return time.perf_counter() - start, count


def warm(folder: Path) -> None:
    """Read every file once, so that each run finds them in the page cache: CPU, not the disk, is measured."""
    for path in folder.rglob("*.jsonl"):
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


def best(
    commands: list[list[str]], env: dict[str, str], repeat: int, data: Path, path: Path, count: int
) -> tuple[float, list[Run]]:
    """The fastest in-process parse and the fastest of `repeat` timed runs of each command, taken in turns
    so that a change in the load of the machine hits all of them alike; memory from one more run of each
    command that samples it."""
    runs: list[list[Run]] = [[] for _ in commands]
    floor = []
    for _ in range(repeat):
        warm(data)
        seconds, lines = parse_in_process(path)
        if lines != count:
            sys.exit(f"bench_validate: the parse loop read {lines} lines, not {count}")
        floor.append(seconds)
        for command, done in zip(commands, runs, strict=True):
            warm(data)
            done.append(measure(command, env))
    fastest = []
    for command, done in zip(commands, runs, strict=True):
        run = min(done, key=lambda each: each.seconds)
        warm(data)
        sampled = measure(command, env, sample=True)
        run.max_rss_mb, run.tree_pss_mb = sampled.max_rss_mb, sampled.tree_pss_mb
        fastest.append(run)
    return min(floor), fastest


def costs(path: Path, project: Project, count: int = 10_000) -> dict[str, float]:
    """Microseconds per article of each part of validation, in this process (the best of three passes)."""
    with path.open("rb") as handle:
        lines = [line for _, line in zip(range(count), handle, strict=False)]
    schema = validator("article", project.schema)

    def best_of_three(work: Callable[[dict[str, Any], bytes], object], given: list[bytes] = lines) -> float:
        times = []
        for _ in range(3):
            records = [orjson.loads(line) for line in given]  # fresh strings: no cached UTF-8 form
            start = time.process_time()
            for record, line in zip(records, given, strict=True):
                work(record, line)
            times.append(time.process_time() - start)
        return min(times) / len(lines) * 1e6

    def read_lines() -> float:
        """The package's line reader over the byte range of these lines, each line used and dropped."""
        end, times = sum(map(len, lines)), []
        for _ in range(3):
            start = time.process_time()
            for _number, line, _ended in jsonl.lines(path, 0, end):
                line.strip()
            times.append(time.process_time() - start)
        return min(times) / len(lines) * 1e6

    rules, bare = Rules.load(project.schema), [line.rstrip(b"\n") for line in lines]
    return {
        "reading lines (akhbar.jsonl.lines)": read_lines(),
        "parse (orjson.loads)": best_of_three(lambda record, line: orjson.loads(line)),
        "JSON Schema (jsonschema-rs)": best_of_three(lambda record, line: schema.is_valid(record)),
        "NFC check of title and text": best_of_three(
            lambda record, line: (
                unicodedata.is_normalized("NFC", record["title"]),
                unicodedata.is_normalized("NFC", record["text"]),
            )
        ),
        "all Arabic text rules on title and text (NFC included)": best_of_three(
            lambda record, line: (list(check_text(record["title"])), list(check_text(record["text"])))
        ),
        "canonical form (serialize with orjson, compare)": best_of_three(
            lambda record, line: jsonl.dumps(record) == line
        ),
        "check_record: schema, text rules, canonical form and the finding made": best_of_three(
            lambda record, line: check_record(record, line, "article", rules, "a.jsonl", 1), bare
        ),
    }


def _cause(parts: dict[str, float], ratio: float, size: int) -> list[str]:
    """Why the ratio is what it is, from the costs per article: the ceiling two cores allow."""
    parse = parts["parse (orjson.loads)"]
    check = next(micros for name, micros in parts.items() if name.startswith("check_record"))
    ceiling = (os.cpu_count() or 1) * parse / check
    return [
        f"Why: an article's own checks (check_record, {check:.1f} µs) cost {check / parse:.1f} times its"
        f" parse ({parse:.1f} µs, part of them), so even with every one of the {os.cpu_count()} cores"
        f" checking and nothing else to do, validation could reach at most {ceiling:.2f} of the one-thread"
        f" parse throughput; start-up, reading the lines, sending the findings to the main process, sorting"
        f" and writing the report take it from there to the {ratio:.2f} measured at {size:,} articles. The"
        " rules themselves are already one regular-expression scan per text (akhbar.text.rules); what is"
        " left is their number, the schema and the canonical-form check, each of which a reported finding"
        " needs.",
        "",
    ]


def machine() -> dict[str, str]:
    with open("/proc/meminfo") as handle:
        memory = next(int(line.split()[1]) for line in handle if line.startswith("MemTotal"))
    with open("/proc/cpuinfo") as handle:
        model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?")
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{memory / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "orjson": version("orjson"),
        "jsonschema-rs": version("jsonschema-rs"),
        "akhbar": version("akhbar"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25000,50000,100000", help="numbers of articles, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the fastest counts")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where the corpora go (default: a temp dir)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "validate.md")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    pool = sentences(Project(ROOT))
    load_before = os.getloadavg()
    rows = []
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-validate-", dir=args.workdir) as tmp:
            path, planted = generate(Path(tmp), count, pool, args.seed)
            megabytes = path.stat().st_size / 1e6
            env = {**os.environ, "AKHBAR_ROOT": tmp}
            os.sync()  # the corpus just written must not be flushed to disk during the measurements
            floor, (parse, validate, one) = best(
                [
                    [sys.executable, "-c", PARSE, str(path)],
                    [str(AKHBAR), "validate", "--format", "json"],
                    [str(AKHBAR), "validate", "--format", "json", "--jobs", "1"],
                ],
                env,
                args.repeat,
                Path(tmp),
                path,
                count,
            )
            report = json.loads(validate.stdout)
            if int(parse.stdout) != count or report["records"].get("article") != count:
                sys.exit(f"bench_validate: not every article was read: {report['records']}")
            if report["by_rule"] != planted:
                sys.exit(f"bench_validate: found {report['by_rule']}, planted {dict(planted)}")
            rows.append((count, megabytes, sum(planted.values()), floor, parse, validate, one))
            print(
                f"{count} articles: parse in process {floor:.2f}s, whole process {parse.seconds:.2f}s,"
                f" validate {validate.seconds:.2f}s",
                file=sys.stderr,
            )
            if count == sizes[0]:
                parts = costs(path, Project(Path(tmp)))
    write(args, rows, parts, load_before, os.getloadavg())


def write(
    args: argparse.Namespace, rows: list, parts: dict[str, float], load_before: tuple, load_after: tuple
) -> None:
    command = shlex.join([".venv/bin/python", "scripts/bench_validate.py", *sys.argv[1:]])
    lines = [
        "# Benchmark: `akhbar validate`",
        "",
        f"Generated by `nice -n 10 {command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC;"
        " do not edit by hand.",
        "",
        'Synthetic corpora (every record `"synthetic": true`, sentences of the committed corpus recombined,'
        " about 5 KB per article line, every article carrying one deliberate warning, the five warning text"
        f" rules in turn, and one stance target and one entity annotation per {TARGET_EVERY} articles)."
        f" Each time is the fastest of {args.repeat} runs, taken in turns, each after the files were read"
        " once, so that they come from the page cache.",
        "",
        "- *parse in process* (the floor): this script reads the articles file line by line and"
        " `orjson.loads` each line, in one thread, with nothing else;",
        "- *parse process*: the same loop as a whole new Python process (start-up included);",
        "- *validate*: the whole `akhbar validate --format json` process (start-up, every rule, the worker"
        " pool, a finding per article made, sent, sorted, counted, the report written), every core (default);"
        " *1 job* the same with `--jobs 1`.",
        "",
        "*ratio* is validate throughput over parse throughput (target: at least 0.5), measured both ways:"
        " against the in-process loop (the issue's measure) and against the parse process.",
        "Memory, sampled every 50 ms in one more run: the peak of the largest single process (max RSS, its"
        " VmHWM), and of the whole process tree (sum of PSS).",
        "",
        "| articles | MB | warnings | parse in process s | parse process s | validate s | ratio vs in process"
        " | ratio vs process | validate articles/s | 1 job s | validate max RSS MB | validate tree PSS MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for count, megabytes, planted, floor, parse, validate, one in rows:
        lines.append(
            f"| {count:,} | {megabytes:,.0f} | {planted:,} | {floor:.2f} | {parse.seconds:.2f} |"
            f" {validate.seconds:.2f} | {floor / validate.seconds:.2f} |"
            f" {parse.seconds / validate.seconds:.2f} |"
            f" {count / validate.seconds:,.0f} | {one.seconds:.2f} | {validate.max_rss_mb:,.0f} |"
            f" {validate.tree_pss_mb:,.0f} |"
        )
    in_process = [floor / validate.seconds for *_, floor, _, validate, _ in rows]
    whole = [parse.seconds / validate.seconds for *_, parse, validate, _ in rows]
    (small, *_, small_validate, _), (large, *_, large_validate, _) = rows[0], rows[-1]
    growth = (large_validate.max_rss_mb - small_validate.max_rss_mb) * 1e6 / max(large - small, 1)

    def verdict(ratios: list[float]) -> str:
        # the issue measured at 100,000 articles: the largest size here; the lowest ratio is said beside it
        largest, lowest = ratios[-1], min(ratios)
        at = rows[ratios.index(lowest)][0]
        return (
            f"at {rows[-1][0]:,} articles **{'met' if largest >= 0.5 else 'NOT met'}** ({largest:.3f}),"
            f" over every size {'met' if lowest >= 0.5 else 'not'} (lowest {lowest:.3f}, at {at:,})"
        )

    lines += [
        "",
        "Target (validate at least 0.5 of one-thread parse throughput): against the in-process parse loop"
        f" {verdict(in_process)}; against the parse process {verdict(whole)}. The smaller the corpus, the"
        " more the fixed cost of a process (start-up, the worker pool) weighs in the ratio.",
        "",
        "Where the time goes, in microseconds per article in one process (the first"
        f" {min(10_000, rows[0][0]):,} articles of the {rows[0][0]:,} corpus, best of three passes; the"
        " bookkeeping of a file (line numbers, ids, findings sent to the main process and sorted) comes on"
        " top):",
        "",
        *[f"- {name}: {micros:.1f}" for name, micros in parts.items()],
        "",
        *_cause(parts, in_process[-1], rows[-1][0]),
        f"Memory from {small:,} to {large:,} articles: the largest process grows by {growth:,.0f} bytes per"
        f" article (about {growth / 5000:.0%} of an article line): the index of ids kept to find duplicates"
        " across files, and the findings (one per article here), kept to be sorted into the report."
        " Article texts are not kept.",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in machine().items()],
        f"- load average before / after: {' '.join(f'{x:.2f}' for x in load_before)} /"
        f" {' '.join(f'{x:.2f}' for x in load_after)} (2 cores shared with other work: the parallel run"
        " suffers most from it, the one-thread floor least)",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), "utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
