"""`akhbar verify`: check data/ against its manifest and rebuild it from the corpus, byte for byte."""

from __future__ import annotations

import argparse
import time

from akhbar.paths import find_project
from akhbar.validate.gate import require_valid


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "verify",
        help="check the release against its manifest and the corpus",
        description="Validate the corpus, check data/ against its manifest's hashes and the generated "
        "documents, and rebuild the release from the corpus in a temporary folder to compare it byte for "
        "byte. Writes nothing in the project.",
    )
    parser.add_argument("--no-rebuild", action="store_true", help="check hashes and documents only")
    parser.add_argument(
        "--load",
        action="store_true",
        help="then load every config and split with datasets.load_dataset and summarize it",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from akhbar.release.verify import verify  # pyarrow loads only when a command needs it

    project = find_project()
    started = time.perf_counter()
    require_valid(project)  # the rebuild reads every record: bad data is refused with its findings
    validated = time.perf_counter() - started
    report = verify(project, rebuild=not args.no_rebuild)
    report.seconds = {"validation": validated, **report.seconds}
    for line in report.lines():
        print(line)
    if report.exit_code == 0 and args.load:
        from akhbar.release.load import summarize  # datasets takes seconds to import: only for --load

        for line in summarize(project.root):
            print(line)
    return report.exit_code
