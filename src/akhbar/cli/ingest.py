"""`akhbar ingest [--format FORMAT] PATH ...`: add articles to the corpus."""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from akhbar.cli._options import output_file, text_encoding
from akhbar.errors import UsageError
from akhbar.ingest import ingest
from akhbar.ingest.adapters import ADAPTERS, Item, read_jsonl, read_saudinewsnet, read_text_files
from akhbar.paths import find_project
from akhbar.registry import collection
from akhbar.text.rules import FIXABLE

SNN_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\.zip")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "ingest",
        help="add articles from text files, JSON Lines or SaudiNewsNet",
        description="Add articles to the corpus: validated, de-duplicated, never overwriting. Writes "
        "corpus/articles/<collection>/<source>.jsonl (new articles merged in, all files in one step) and, "
        "with --report, that file; nothing with --dry-run.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument(
        "--format",
        choices=ADAPTERS,
        help="the layout of the input; inferred when the paths say it: .txt files are text, .jsonl files "
        "jsonl, a folder of SaudiNewsNet YYYY-MM-DD.zip files saudinewsnet",
    )
    parser.add_argument("--source", help="outlet id for inputs that do not name one (e.g. shafaqnews)")
    parser.add_argument(
        "--collection",
        help="id of the registry collection (corpus/collections/collections.jsonl) the inputs belong to; "
        "required for text and jsonl, default saudinewsnet for saudinewsnet",
    )
    parser.add_argument(
        "--encoding", type=text_encoding, default="utf-8", help="encoding of text files (e.g. cp1256)"
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help=f"apply documented repairs and record them in provenance: all of {', '.join(FIXABLE)}, "
        "or those of --fix-rules",
    )
    parser.add_argument(
        "--fix-rules",
        metavar="RULES",
        help="comma-separated repairs to apply instead of all of them (implies --fix)",
    )
    parser.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
    parser.add_argument(
        "--report",
        type=output_file,
        help="also write the report as JSON to this file (its folder must exist)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    fixes = None
    if args.fix_rules is not None:
        fixes = frozenset(rule.strip() for rule in args.fix_rules.split(",") if rule.strip())
        unknown = sorted(fixes - set(FIXABLE))
        if unknown or not fixes:
            raise UsageError(
                f"--fix-rules takes some of {', '.join(FIXABLE)}; not {', '.join(unknown) or 'none'}"
            )
    elif args.fix:
        fixes = frozenset(FIXABLE)
    args.format = args.format or infer_format(args.paths)
    name = args.collection or ("saudinewsnet" if args.format == "saudinewsnet" else None)
    if name is None:
        raise UsageError(
            "--collection is required: name the registry collection the inputs belong to "
            "(corpus/collections/collections.jsonl), e.g. --collection shafaqnews"
        )
    project = find_project()
    entry = collection(project, name)
    items: Iterable[Item]
    if args.format == "text":
        files, refused = _walk(args.paths, "*.txt", recursive=False)
        read = read_text_files(files, source=args.source, collection=entry, encoding=args.encoding)
        items = itertools.chain(refused, read)
    elif args.format == "jsonl":
        files, refused = _walk(args.paths, "*.jsonl", recursive=True)
        items = itertools.chain(refused, read_jsonl(files, source=args.source, collection=entry))
    else:
        items = read_saudinewsnet(args.paths, collection=entry)
    report = ingest(items, project, fixes=fixes, apply_fixes=fixes is not None, dry_run=args.dry_run)
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


def _walk(paths: list[Path], pattern: str, *, recursive: bool) -> tuple[list[Path], list[Item]]:
    """The files to read: those named, and the regular files matching `pattern` in the folders named.
    Anything else found in a folder (a FIFO would block the run forever) is refused as a skipped item;
    a FIFO named on the command line is read, as from `<(zcat feed.jsonl.gz)`."""
    files: list[Path] = []
    refused: list[Item] = []
    for given in paths:
        if not given.is_dir():
            files.append(given)
            continue
        for path in sorted(given.rglob(pattern) if recursive else given.glob(pattern)):
            if path.is_file():
                files.append(path)
            else:
                refused.append(
                    (str(path), "unreadable: not a regular file (a FIFO, a folder or a device); not read")
                )
    return files, refused


def _format_of(path: Path) -> str | None:
    """What one path holds, when its name or its content says so unambiguously."""
    if path.is_dir():
        found = {
            kind
            for kind, pattern in (("text", "*.txt"), ("jsonl", "*.jsonl"))
            if next(path.glob(pattern) if kind == "text" else path.rglob(pattern), None) is not None
        }
        if any(SNN_DAY.fullmatch(child.name) for child in path.rglob("*.zip")):
            found.add("saudinewsnet")
        return found.pop() if len(found) == 1 else None
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "text"
    if suffix == ".jsonl":
        return "jsonl"
    if SNN_DAY.fullmatch(path.name):
        return "saudinewsnet"
    return None


def infer_format(paths: list[Path]) -> str:
    """The one format every path says it holds, or a usage error asking for --format."""
    found = {_format_of(path) for path in paths}
    if len(found) == 1 and None not in found:
        return found.pop()  # type: ignore[return-value]
    raise UsageError(
        "cannot tell the format of the input from its names; give --format text, jsonl or saudinewsnet "
        "(.txt files are text, .jsonl files jsonl, a folder of YYYY-MM-DD.zip files saudinewsnet)"
    )
