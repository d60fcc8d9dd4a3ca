"""`akhbar ingest --format FORMAT PATH ...`: add articles to the corpus."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from akhbar.errors import UsageError
from akhbar.ingest import ingest
from akhbar.ingest.adapters import ADAPTERS, read_jsonl, read_saudinewsnet, read_text_files
from akhbar.paths import find_project
from akhbar.text.rules import FIXABLE


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("ingest", help="add articles from text files, JSON Lines or SaudiNewsNet")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--format", choices=ADAPTERS, required=True, help="the layout of the input")
    parser.add_argument("--source", help="outlet id for inputs that do not name one (e.g. shafaqnews)")
    parser.add_argument("--collection", help="name of the collection the inputs come from")
    parser.add_argument("--encoding", default="utf-8", help="encoding of text files (e.g. cp1256)")
    parser.add_argument(
        "--fix",
        nargs="?",
        const=",".join(FIXABLE),
        default=None,
        metavar="RULES",
        help=f"apply documented repairs and record them; default all of: {', '.join(FIXABLE)}",
    )
    parser.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
    parser.add_argument("--report", type=Path, help="also write the report as JSON to this file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    fixes = None
    if args.fix is not None:
        fixes = frozenset(rule.strip() for rule in args.fix.split(",") if rule.strip())
        unknown = sorted(fixes - set(FIXABLE))
        if unknown:
            raise UsageError(f"--fix knows {', '.join(FIXABLE)}; not {', '.join(unknown)}")
    if args.format == "text":
        files = [
            path
            for given in args.paths
            for path in (sorted(given.glob("*.txt")) if given.is_dir() else [given])
        ]
        items = read_text_files(files, source=args.source, collection=args.collection, encoding=args.encoding)
    elif args.format == "jsonl":
        files = [
            path
            for given in args.paths
            for path in (sorted(given.rglob("*.jsonl")) if given.is_dir() else [given])
        ]
        items = read_jsonl(files, source=args.source, collection=args.collection)
    else:
        items = read_saudinewsnet(args.paths, collection=args.collection or "saudinewsnet")
    report = ingest(items, find_project(), fixes=fixes, apply_fixes=fixes is not None, dry_run=args.dry_run)
    for line in report.lines():
        print(line)
    if args.report:
        try:
            args.report.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n", "utf-8")
        except OSError as error:
            raise UsageError(f"cannot write the report to {args.report}: {error.strerror or error}") from None
    if args.dry_run:
        print("dry run: nothing was written", file=sys.stderr)
    return 0
