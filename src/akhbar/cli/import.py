"""`akhbar import anercorp|ans [PATH]`: bring an outside dataset with its gold into the corpus.

(The module is named as its command, like every command module; `import` is a Python keyword, so the
dispatcher's `importlib.import_module` is the only way it is imported.)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from akhbar.errors import UsageError
from akhbar.importers.common import ImportReport
from akhbar.paths import Project, find_project

SOURCES = ("anercorp", "ans")


def _default(project: Project, name: str) -> Path:
    """Where the shared material sits beside a checkout: ../shared/external/<name>."""
    return project.root.parent / "shared" / "external" / name


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "import",
        help="import ANERcorp (entities) or ANS (stance) with their gold and their source split",
        description="Import an outside dataset with its gold. Writes its articles under "
        "corpus/articles/<collection>/, its annotations under corpus/annotations/, its claims under "
        "corpus/targets/ (ANS), its source split as corpus/splits/<collection>.jsonl, and with --report "
        "that file; nothing with --dry-run.",
    )
    parser.add_argument("source", choices=SOURCES, help="the dataset to import")
    parser.add_argument(
        "path", nargs="?", type=Path, help="the dataset's folder (default: ../shared/external/<source>)"
    )
    parser.add_argument(
        "--newsfane",
        type=Path,
        help="anercorp only: the NewsFANE folder whose classes type LOC and MISC "
        "(default: ../shared/external/newsfane)",
    )
    parser.add_argument("--dry-run", action="store_true", help="count and report, write nothing")
    parser.add_argument("--report", type=Path, help="also write the counts as JSON to this file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project()
    folder = args.path or _default(project, args.source)
    if not folder.is_dir():
        raise UsageError(f"no such folder: {folder} (give the {args.source} folder as PATH)")
    report: ImportReport
    if args.source == "anercorp":
        from akhbar.importers.anercorp import import_anercorp

        newsfane = args.newsfane or _default(project, "newsfane")
        if not newsfane.is_dir():
            raise UsageError(f"no such folder: {newsfane} (give the NewsFANE folder with --newsfane)")
        report = import_anercorp(project, folder, newsfane, dry_run=args.dry_run)
    else:
        if args.newsfane:
            raise UsageError("--newsfane is for `akhbar import anercorp` only")
        from akhbar.importers.ans import import_ans

        report = import_ans(project, folder, dry_run=args.dry_run)
    print(f"{args.source} from {folder}:")
    for line in report.lines():
        print(line)
    if args.report:
        content = {"counts": dict(report.counts), "files": report.files}
        try:
            args.report.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", "utf-8")
        except OSError as error:
            raise UsageError(f"cannot write the report to {args.report}: {error.strerror or error}") from None
    if args.dry_run:
        print("dry run: nothing was written", file=sys.stderr)
    return 0
