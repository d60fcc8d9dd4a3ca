"""`akhbar document [--check]`: regenerate the generated parts of the documentation, or check them."""

from __future__ import annotations

import argparse

from akhbar.document.run import document
from akhbar.paths import find_project
from akhbar.validate.gate import require_valid


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "document",
        help="regenerate the datasheet statistics and plots, the guidelines' label table, the Croissant file",
        description="Regenerate every generated part of the documentation from the corpus and the current "
        "release. Writes docs/guidelines.md's label table, DATASHEET.md's statistics and its plots in "
        "docs/figures/, LICENSE.md's table of collections, data/agreement.json and data/croissant.json, only "
        "those that changed. With --check, "
        "write nothing and exit 1 when any of them is stale.",
    )
    parser.add_argument(
        "--check", action="store_true", help="fail when a generated part is stale; write nothing"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project()
    require_valid(project)  # the statistics read every record: bad data is refused with its findings
    report = document(project=project, check=args.check)
    for line in report.lines():
        print(line)
    return report.exit_code
