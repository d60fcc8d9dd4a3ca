"""`akhbar agreement [--json PATH]`: inter-annotator agreement on the items several annotators labelled."""

from __future__ import annotations

import argparse

from akhbar import jsonl
from akhbar.cli._options import output_file
from akhbar.commit import refuse_pending
from akhbar.errors import UsageError
from akhbar.paths import find_project
from akhbar.quality.agreement import corpus_agreement, tables
from akhbar.validate.gate import require_valid


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "agreement",
        help="stance alpha and kappa, entity span F1 between annotators",
        description="Agreement between annotators on the items several of them labelled: stance by "
        "Krippendorff's alpha (nominal) and pairwise Cohen's kappa, entities by pairwise span F1 "
        "(strict and partial, overall and per type). Writes nothing unless --json names a file; the "
        "tables go to standard output.",
    )
    parser.add_argument(
        "--json",
        type=output_file,
        metavar="PATH",
        help="also write every figure as JSON to this file (its folder must exist)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project()
    refuse_pending(project)
    if not project.corpus.is_dir():
        raise UsageError(f"no corpus/ folder at {project.root}")
    require_valid(project)
    figures, stale = corpus_agreement(project=project)
    print("\n\n".join(table.text() for table in tables(figures)))
    if stale:
        print(f"\n{stale} annotations made on an earlier text of their article were left out")
    if args.json:
        with jsonl.atomic_writer(args.json) as handle:
            handle.write(figures.to_json())
        print(f"\nwrote {args.json}")
    return 0
