"""`akhbar agreement [--json PATH]`: inter-annotator agreement on the items several annotators labelled."""

from __future__ import annotations

import argparse
from pathlib import Path

from akhbar import jsonl
from akhbar.errors import UsageError
from akhbar.paths import find_project
from akhbar.quality.agreement import corpus_agreement, tables
from akhbar.validate import validate_paths


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "agreement",
        help="stance alpha and kappa, entity span F1 between annotators",
        description="Agreement between annotators on the items several of them labelled: stance by "
        "Krippendorff's alpha (nominal) and pairwise Cohen's kappa, entities by pairwise span F1 "
        "(strict and partial, overall and per type).",
    )
    parser.add_argument(
        "--json", type=Path, metavar="PATH", help="also write every figure as JSON to this file"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project()
    if not project.corpus.is_dir():
        raise UsageError(f"no corpus/ folder at {project.root}")
    report = validate_paths(None, project=project)
    if report.errors:
        raise UsageError(f"the corpus has {report.errors} validation errors; `akhbar validate` lists them")
    figures, stale = corpus_agreement(project=project)
    print("\n\n".join(table.text() for table in tables(figures)))
    if stale:
        print(f"\n{stale} annotations made on an earlier text of their article were left out")
    if args.json:
        with jsonl.atomic_writer(args.json) as handle:
            handle.write(figures.to_json())
        print(f"\nwrote {args.json}")
    return 0
