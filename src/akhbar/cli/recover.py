"""`akhbar recover`: complete a commit a killed writer left half way, and remove abandoned staging."""

from __future__ import annotations

import argparse

from akhbar.commit import project_lock
from akhbar.paths import find_project


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "recover",
        help="complete an interrupted commit (every writing command does this first)",
        description="Writes: the files of a commit that was interrupted after its commit point (corpus/, "
        "data/, README.md, CHANGELOG.md, documents), moved into place as that command would have; "
        "removes staging under .akhbar/ that never reached its commit. Waits for a running writer.",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project()
    with project_lock(project, command="recover") as done:  # taking the lock recovers
        pass
    print("\n".join(done) if done else "nothing to recover: no interrupted commit")
    return 0
