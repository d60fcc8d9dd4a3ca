"""Peak memory and time of `akhbar validate` on annotated synthetic corpora of several sizes.

The corpus is the one of scripts/bench_release.py (made-up sentences recombined, every article marked
`"synthetic": true`, two entity annotations of about 25 spans per article, stance on one article in 50),
with defects planted so that every reference and span rule has findings to report: spans off their text,
annotations made on another text, annotations of unknown articles, stance on unknown or unattached
targets, two targets with one claim, a split naming an unknown article. `akhbar validate --format json`
runs as a child process; the parent takes its peak RSS from wait4().

    .venv/bin/python scripts/bench_validate_annotations.py [--sizes 20000,50000] [--save DIR] [--out FILE]

Writes benchmarks/validate-annotations.md (`--out`). `--save DIR` keeps each run's JSON report
(DIR/validate-SIZE.json), to compare findings across changes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AKHBAR = Path(sys.executable).parent / "akhbar"


def _rewrite(path: Path, change: Callable[[list[dict]], list[dict]]) -> None:
    import orjson

    records = [orjson.loads(line) for line in path.open("rb")]
    extra = change(records)
    with path.open("wb") as out:
        for record in [*records, *extra]:
            out.write(orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n")


def generate(root: Path, size: int) -> None:
    """The annotated synthetic corpus of `size` articles, with defects planted every 97th article."""
    sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]
    from bench_release import generate as generate_release

    generate_release(root, size)
    corpus = root / "corpus"

    def targets(records: list[dict]) -> list[dict]:
        for number, target in enumerate(records):
            if number > 1:  # the first two keep one claim: a duplicate-claim finding
                target["claim"] = f"{target['claim'].rstrip('.')} رقم {number}."
        return []

    def entities(records: list[dict]) -> list[dict]:
        for number, record in enumerate(records):
            if number % 97 == 0 and record["spans"]:
                record["spans"][0]["end"] += 100_000  # past the end of the text
            elif number % 97 == 1 and record["spans"]:
                record["spans"][-1]["text"] = "نص آخر"  # not the text at its offsets
            elif number % 97 == 2:
                record["text_sha256"] = "0" * 64  # made on another text
        unknown = [dict(records[0], id=f"z-unknown-{n}", article_id=f"syn-missing-{n}") for n in range(3)]
        return unknown

    def stance(records: list[dict]) -> list[dict]:
        for number, record in enumerate(records):
            if number % 97 == 3:
                record["target_id"] = "t-missing"
            elif number % 97 == 5 and len(records) > 2:
                record["article_id"] = records[(number + 2) % len(records)]["article_id"]
        return [dict(records[0], id="z-unknown-stance", article_id="syn-missing-stance")]

    _rewrite(corpus / "targets" / "synthetic.jsonl", targets)
    _rewrite(corpus / "annotations" / "entities" / "synthetic.jsonl", entities)
    _rewrite(corpus / "annotations" / "stance" / "synthetic.jsonl", stance)
    (corpus / "splits").mkdir()
    (corpus / "splits" / "synthetic.jsonl").write_text(
        '{"article_id":"syn-00000000","split":"train"}\n{"article_id":"syn-missing-split","split":"test"}\n'
    )


def measure(root: Path) -> tuple[str, float, int]:
    """`akhbar validate --format json` in `root`: its output, wall-clock seconds, peak RSS in bytes."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(AKHBAR), "validate", "--format", "json"], stdout=subprocess.PIPE, cwd=root
    )
    assert process.stdout is not None
    out = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"akhbar validate failed in {root}:\n{out}")
    return out, seconds, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,50000")
    parser.add_argument("--save", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "validate-annotations.md")
    args = parser.parse_args()
    rows = []
    for size in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench-validate-ann-", dir=args.workdir) as tmp:
            root = Path(tmp)
            subprocess.run(
                [sys.executable, __file__, "--generate", str(root), str(size)], check=True, cwd=ROOT
            )
            load = os.getloadavg()
            out, seconds, rss = measure(root)
            report = json.loads(out)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"validate-{size}.json").write_text(out)
            row = {
                "articles": size,
                "seconds": round(seconds, 2),
                "peak_rss_mib": round(rss / 2**20, 1),
                "load_before": [round(value, 2) for value in load],
                "load_after": [round(value, 2) for value in os.getloadavg()],
                "by_rule": report["by_rule"],
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    args.out.write_text(_markdown(rows), "utf-8")
    print(f"wrote {args.out}")


def _markdown(rows: list[dict]) -> str:  # type: ignore[type-arg]
    import platform

    lines = [
        "# Benchmark: `akhbar validate` on annotated corpora",
        "",
        "Generated by `scripts/bench_validate_annotations.py` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; do not edit by hand.",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}.",
        "",
        __doc__.split("\n\n")[1].replace("\n", " "),
        "",
        "| articles | validate s | peak RSS MiB | findings | load before | load after |",
        "| ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['articles']:,} | {row['seconds']:.1f} | {row['peak_rss_mib']:.0f} | "
            f"{sum(row['by_rule'].values()):,} | {' '.join(map(str, row['load_before']))} | "
            f"{' '.join(map(str, row['load_after']))} |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (
            (last["peak_rss_mib"] - first["peak_rss_mib"]) * 2**20 / (last["articles"] - first["articles"])
        )
        lines += [
            "",
            f"Peak memory grows by {growth:.0f} bytes per article from {first['articles']:,} to "
            f"{last['articles']:,} articles (the annotations wait on disk, in a temporary SQLite index by "
            "article id; the ids stay in memory).",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] == ["--generate"]:
        generate(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
