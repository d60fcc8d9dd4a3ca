"""Past one machine, on paper: other engines read the release unchanged, and where one machine stops.

1. The release's Parquet shards under data/<config>/<split>-NNNNN-of-NNNNN.parquet are read, as they are,
   by pyarrow.dataset and by DuckDB (a dev dependency): rows per config and split must equal the
   manifest's, and a query runs on them (tokens per split, articles per collection).
2. The rates measured by the other benchmarks (benchmarks/release.md, verify.md, validate.md,
   agreement.md, neardup.md: each read from its table, so a re-run follows them) give the hours each step
   would take on this machine as the corpus grows, and the size at which one 2-core machine is no longer
   enough.

    .venv/bin/python scripts/bench_scaling.py            # writes benchmarks/scaling.md
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
NIGHT_HOURS = 8  # a release cycle that no longer fits in a night on one machine is the limit used here
SIZES = (1_000_000, 3_000_000, 10_000_000, 30_000_000, 100_000_000)


def tables(path: Path) -> list[list[dict[str, str]]]:
    """Every Markdown table of a file, as rows of {header: cell}."""
    found: list[list[dict[str, str]]] = []
    header: list[str] | None = None
    for line in path.read_text("utf-8").splitlines() if path.is_file() else []:
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            found.append([])
        elif not set("".join(cells)) <= set("-: "):
            found[-1].append(dict(zip(header, cells, strict=False)))
    return found


def number(cell: str) -> float:
    """The first number in a cell ("1,024", "161 s", "0.54 GiB")."""
    match = re.search(r"[\d,]*\.?\d+", cell)
    if match is None:
        raise ValueError(f"no number in {cell!r}")
    return float(match.group().replace(",", ""))


def last_row(path: Path, column: str) -> dict[str, str] | None:
    """The last row of the last table of `path` that has `column`."""
    for table in reversed(tables(path)):
        if table and column in table[-1]:
            return table[-1]
    return None


def rates() -> list[tuple[str, float | None, str]]:
    """(step, articles per second on this machine, where the figure comes from)."""
    found: list[tuple[str, float | None, str]] = []
    row = last_row(BENCHMARKS / "release.md", "articles/s")
    found.append(
        (
            "release (benchmarks/release.md, largest size)",
            number(row["articles/s"]) if row else None,
            f"{row['articles']} articles" if row else "no table",
        )
    )
    row = last_row(BENCHMARKS / "verify.md", "verify (whole process)")
    if row:
        articles = number(row["articles"])
        found.append(
            (
                "release, default settings (benchmarks/verify.md)",
                articles / number(row["release"]),
                f"{row['articles']} articles",
            )
        )
        found.append(
            (
                "verify (benchmarks/verify.md)",
                articles / number(row["verify (whole process)"]),
                f"{row['articles']} articles",
            )
        )
    row = last_row(BENCHMARKS / "validate.md", "validate articles/s")
    found.append(
        (
            "validate, every core (benchmarks/validate.md)",
            number(row["validate articles/s"]) if row else None,
            f"{row['articles']} articles" if row else "no table",
        )
    )
    row = last_row(BENCHMARKS / "agreement.md", "articles/s")
    found.append(
        (
            "agreement (benchmarks/agreement.md)",
            number(row["articles/s"]) if row else None,
            f"{row['articles']} articles" if row else "no table",
        )
    )
    # Its table changes as the near-duplicate work goes on: the leakage keys as the release computes
    # them (one process), else the near-duplicate search, with the newest figure of the row.
    rows = [row for table in tables(BENCHMARKS / "neardup.md") for row in table if "step" in row]
    chosen = next(
        (
            row
            for key in ("as the release indexes it", "near-duplicate search")
            for row in rows
            if key in row["step"]
        ),
        None,
    )
    rate = None
    if chosen:
        cell = chosen.get("after: articles/s") or chosen.get("articles/s") or ""
        rate = number(cell) if re.search(r"\d", cell) else None
    found.append(
        (
            "near-duplicate and leakage keys (benchmarks/neardup.md)",
            rate,
            f"SaudiNewsNet: {chosen['step']}" if chosen else "no table",
        )
    )
    return found


def read_release(data: Path) -> list[tuple[str, str, int, int, int]]:
    """(config, split, manifest rows, rows pyarrow.dataset reads, rows DuckDB reads) for every split."""
    import duckdb
    import pyarrow.dataset as ds

    manifest = json.loads((data / "manifest.json").read_text("utf-8"))
    database = duckdb.connect()
    out = []
    for config, splits in sorted(manifest["rows"].items()):
        for split, rows in sorted(splits.items()):
            shards = sorted((data / config).glob(f"{split}-*-of-*.parquet"))
            read_by_arrow = ds.dataset(shards, format="parquet").count_rows() if shards else 0
            pattern = str(data / config / f"{split}-*-of-*.parquet")
            read_by_duckdb = (
                database.execute("SELECT count(*) FROM read_parquet(?)", [pattern]).fetchone()[0]
                if shards
                else 0
            )
            out.append((config, split, rows, read_by_arrow, read_by_duckdb))
    return out


def queries(data: Path) -> list[str]:
    """Two queries DuckDB runs on the shards as they are, as a Spark or Dask job would."""
    import duckdb

    database = duckdb.connect()
    lines = []
    ner = str(data / "ner" / "*.parquet")
    for split, sentences, tokens in database.execute(
        "SELECT regexp_extract(filename, '([a-z]+)-\\d+-of-\\d+\\.parquet$', 1) AS split, count(*),"
        " sum(len(tokens)) FROM read_parquet(?, filename = true) GROUP BY split ORDER BY split",
        [ner],
    ).fetchall():
        lines.append(f"| ner | {split} | {sentences:,} paragraphs, {tokens:,} tokens |")
    articles = str(data / "articles" / "*.parquet")
    for collection, count in database.execute(
        "SELECT collection, count(*) FROM read_parquet(?) GROUP BY collection ORDER BY collection",
        [articles],
    ).fetchall():
        noun = "article" if count == 1 else "articles"
        lines.append(f"| articles | all splits | {count:,} {noun} of collection {collection} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="a release's data/ folder")
    parser.add_argument("--out", type=Path, default=BENCHMARKS / "scaling.md")
    args = parser.parse_args()
    started = time.perf_counter()
    read = read_release(args.data)
    seconds = time.perf_counter() - started
    if any(len({rows, arrow, duck}) > 1 for _, _, rows, arrow, duck in read):
        sys.exit(f"bench_scaling: an engine read other row counts than the manifest's: {read}")
    write(args, read, seconds, queries(args.data), rates())


def write(
    args: argparse.Namespace,
    read: list[tuple[str, str, int, int, int]],
    seconds: float,
    query_lines: list[str],
    measured: list[tuple[str, float | None, str]],
) -> None:
    release = json.loads((args.data / "manifest.json").read_text("utf-8"))["version"]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        "# Past one machine",
        "",
        f"Generated by `.venv/bin/python scripts/bench_scaling.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        f" (load average {load}); do not edit by hand. Machine: {os.cpu_count()} cores; pyarrow"
        f" {version('pyarrow')}, DuckDB {version('duckdb')}.",
        "",
        "## The release is read unchanged by other engines",
        "",
        f"Release {release} in `data/` is Parquet shards named `<config>/<split>-NNNNN-of-NNNNN.parquet`,"
        " zstd, with the Hugging Face features in the schema metadata. `pyarrow.dataset` and DuckDB's"
        " `read_parquet` read them as they are (no export, no conversion); Spark (`spark.read.parquet`) and"
        " Dask (`dask.dataframe.read_parquet`) read the same files the same way, one task per shard or row"
        f" group. Rows read per split, against the manifest (both engines, {seconds:.2f} s in all):",
        "",
        "| config | split | manifest rows | pyarrow.dataset rows | DuckDB rows |",
        "| --- | --- | ---: | ---: | ---: |",
        *[f"| {c} | {s} | {rows:,} | {arrow:,} | {duck:,} |" for c, s, rows, arrow, duck in read],
        "",
        "A query over the shards as they are (DuckDB SQL; the split comes from the file name):",
        "",
        "| config | split | result |",
        "| --- | --- | --- |",
        *query_lines,
        "",
        "## Where one 2-core machine stops being enough",
        "",
        "Measured rates on this machine (2 cores shared with other work while they were measured, so these"
        " are lower bounds), and the hours each step would take as the corpus grows. The corpus itself is"
        " about 5.4 GiB of JSON Lines per million 5 KB articles, which a local disk holds far past the"
        " sizes below.",
        "",
        *_memory_limit(),
        "",
        "| step | articles/s | measured on | " + " | ".join(f"{size:,}" for size in SIZES) + " |",
        "| --- | ---: | --- | " + " | ".join("---:" for _ in SIZES) + " |",
    ]
    for step, rate, where in measured:
        if rate is None:
            lines.append(f"| {step} | not measured | {where} | " + " | ".join("" for _ in SIZES) + " |")
            continue
        hours = " | ".join(_hours(size / rate) for size in SIZES)
        lines.append(f"| {step} | {rate:,.0f} | {where} | {hours} |")
    known = {step: rate for step, rate, _ in measured if rate}
    cycle = [
        known.get("release, default settings (benchmarks/verify.md)"),
        known.get("verify (benchmarks/verify.md)"),
    ]
    if all(cycle):
        per_article = sum(1 / rate for rate in cycle if rate)
        limit = NIGHT_HOURS * 3600 / per_article
        lines += [
            "",
            "A release cycle is the release (validation, near-duplicate search, splits, Parquet, the"
            f" agreement report) and its verify: {per_article * 1e6:,.0f} µs per article at the rates"
            " above. One machine stops being enough when the cycle no longer fits in a night"
            f" ({NIGHT_HOURS} hours): at about **{_about(limit)} articles** (a day of 24 hours: about"
            f" {_about(limit * 3)}). Below that size a bigger single machine (more cores for the validation"
            " and near-duplicate workers) goes further before anything is distributed.",
        ]
    lines += [
        "",
        "## Where the heavy steps would move",
        "",
        "No home-made distributed layer: the steps that grow with the corpus move to engines that already"
        " read these Parquet shards and the JSON Lines corpus.",
        "",
        "- **Near-duplicate search** (MinHash band keys of folded text, then joining the articles that"
        " share a key): the keys are a map over articles, the grouping a join and connected components."
        " The keys must stay the ones the release computes today (`release/minhash.py`), or the kept split"
        " assignment and the groups would move, so the engine runs that same function per partition rather"
        " than its own MinHash: in Spark a pandas UDF (`mapInPandas`) for the keys, a `groupBy` on the key"
        " for candidate groups and GraphFrames `connectedComponents` to join them transitively; in Dask"
        " `map_partitions` then the same join. datatrove's MinHash dedup stages"
        " (`datatrove.pipeline.dedup`: signatures, buckets, clusters, on local, Slurm or Ray executors) are"
        " the engine to adopt if a major version may change the keys (its signatures are not ours).",
        "- **Tokenization and the Parquet build** (per article, independent): a map over partitions in"
        " Spark (`mapInPandas`) or Dask (`map_partitions`) calling the same tokenizer, writing the same"
        " shards; the split assignment (a small table keyed by article id) is joined in.",
        "- **Validation** (per line, independent, then duplicate ids across files): the same map, and the"
        " id check as a `GROUP BY id HAVING count(*) > 1`, which DuckDB runs on one machine well past the"
        " sizes above.",
        "- **Agreement** (per item, then sums): grouping by item is a shuffle (`groupBy`) and the measures"
        " are sums of per-item counts (nervaluate's counts, label counts for alpha, confusion matrices for"
        " kappa), so partial sums per partition add up exactly.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), "utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


def _memory_limit() -> list[str]:
    """What the benchmarks say of memory, and the size at which it would stop one machine."""
    with open("/proc/meminfo") as handle:
        total = next(int(line.split()[1]) for line in handle if line.startswith("MemTotal")) * 1024
    found = [
        growth
        for growth in (
            _growth("release.md", "release time", ["peak RSS"], "the release alone"),
            _growth("agreement.md", "alpha", ["peak RSS"], "the agreement report"),
            _growth(
                "verify.md",
                "verify peak RSS",
                ["release peak RSS", "verify peak RSS"],
                "the default release and verify (validation and the agreement report included)",
            ),
        )
        if growth
    ]
    if not found:
        return []
    worst = max(per_article for _, per_article in found)
    limit = (
        f"at the steepest of these rates this machine's {total / 2**30:.1f} GiB would last to about"
        f" {_about(total / worst)} articles"
        if worst > 0
        else "none of them grows with the corpus"
    )
    return [f"Memory (peak RSS, measured): {'; '.join(text for text, _ in found)}: {limit}."]


def _growth(name: str, column: str, peaks: list[str], what: str) -> tuple[str, float] | None:
    """How the peak memory of a benchmark's table grew from its smallest to its largest run."""
    rows = next((table for table in reversed(tables(BENCHMARKS / name)) if table and column in table[0]), [])
    if len(rows) < 2:
        return None
    peak = [max(number(row[key]) for key in peaks) * 2**20 for row in rows]
    articles = [number(row["articles"]) for row in rows]
    per_article = (peak[-1] - peak[0]) / (articles[-1] - articles[0])
    return (
        f"{what} {peak[0] / 2**20:,.0f} MiB at {articles[0]:,.0f} articles and {peak[-1] / 2**20:,.0f} MiB"
        f" at {articles[-1]:,.0f} (benchmarks/{name}, {per_article:,.0f} bytes per article)",
        per_article,
    )


def _about(count: float) -> str:
    """Two significant figures: these sizes are estimates."""
    return f"{float(f'{count:.2g}'):,.0f}"


def _hours(seconds: float) -> str:
    return f"{seconds / 60:,.0f} min" if seconds < 3600 else f"{seconds / 3600:,.1f} h"


if __name__ == "__main__":
    main()
