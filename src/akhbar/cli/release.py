"""`akhbar release --version X.Y.Z`: compile the corpus into a versioned release under data/."""

from __future__ import annotations

import argparse

from akhbar.cli._options import iso_date, positive_int
from akhbar.paths import find_project
from akhbar.release.settings import DEFAULT_RATIOS, ROWS_PER_FILE, Settings, parse_ratios


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "release",
        help="build a versioned Parquet release (data/, manifest, changelog, card)",
        description="Validate the corpus, then build the release. Writes data/ (Parquet files, manifest, "
        "history, Croissant, agreement), corpus/splits/assignment.jsonl, README.md's front matter and "
        "generated block, CHANGELOG.md and the generated documents the release makes stale (DATASHEET.md, "
        "its plots, the guidelines' label table), all in one step; nothing when it refuses.",
    )
    parser.add_argument(
        "--version",
        required=True,
        dest="release_version",
        metavar="X.Y.Z",
        help="semantic version, after the current release's",
    )
    parser.add_argument(
        "--ratios",
        default=",".join(str(r) for r in DEFAULT_RATIOS),
        metavar="TRAIN,VAL,TEST",
        help="split ratios for newly placed articles (default %(default)s)",
    )
    parser.add_argument(
        "--no-near-duplicates",
        action="store_true",
        help="group only by story id and exact duplicates (skip MinHash near-duplicate search)",
    )
    parser.add_argument(
        "--rows-per-file",
        type=positive_int,
        default=ROWS_PER_FILE,
        help="rows per Parquet file, at least 1 (default %(default)s)",
    )
    parser.add_argument("--date", type=iso_date, help="release date (YYYY-MM-DD; default today, UTC)")
    parser.add_argument(
        "--allow-synthetic",
        action="store_true",
        help="release synthetic articles too (tests and benchmarks only)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from akhbar.release.publish import release  # pyarrow and datasets load only when a command needs them

    settings = Settings(
        ratios=parse_ratios(args.ratios),
        near_duplicates=not args.no_near_duplicates,
        rows_per_file=args.rows_per_file,
    )
    report = release(
        find_project(),
        version=args.release_version,
        settings=settings,
        date=args.date,
        allow_synthetic=args.allow_synthetic,
        progress=True,
    )
    for line in report.lines():
        print(line)
    return 0
