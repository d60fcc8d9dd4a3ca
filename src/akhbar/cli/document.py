"""`akhbar document [--check]`: regenerate the generated parts of the documentation, or check them."""

from __future__ import annotations

import argparse

from akhbar.document.run import document
from akhbar.paths import find_project


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "document",
        help="regenerate the datasheet statistics and plots, the guidelines' label table, the Croissant file",
        description="Regenerate every generated part of the documentation from the corpus and the current "
        "release. With --check, write nothing and exit 1 when any of them is stale.",
    )
    parser.add_argument(
        "--check", action="store_true", help="fail when a generated part is stale; write nothing"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = document(project=find_project(), check=args.check)
    for line in report.lines():
        print(line)
    return report.exit_code
