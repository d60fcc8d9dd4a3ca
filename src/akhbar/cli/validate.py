"""`akhbar validate [PATH ...]`: check records against the schemas, corpus rules and Arabic text rules."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from akhbar.commit import refuse_pending
from akhbar.errors import UsageError
from akhbar.paths import find_project
from akhbar.validate import Finding, validate_paths


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "validate",
        help="validate the corpus (default) or the given files/folders",
        description="Check every record against its JSON Schema, the corpus rules and the Arabic text rules. "
        "Writes nothing: the findings go to standard output (exit 1 when there are errors, 2 when a file "
        "cannot be read).",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument(
        "--max-findings",
        type=int,
        default=1000,
        help="print at most this many findings, in either format (the summary counts all)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists() and not path.is_symlink()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.max_findings < 0:
        raise UsageError("--max-findings must be 0 or more")
    project = find_project()
    refuse_pending(project)  # a half-completed commit is no corpus to judge
    if not args.paths and not project.corpus.is_dir():
        raise UsageError(f"no corpus/ folder at {project.root}")
    report = validate_paths(args.paths or None, project=project, jobs=args.jobs)
    if args.format == "json":
        # One string, one write: json.dump writes each of the encoder's pieces, tens of thousands.
        print(json.dumps(report.to_dict(args.max_findings), ensure_ascii=False, indent=1))
    else:
        findings = sorted(report.findings, key=Finding._key)  # the order of Finding.__lt__, C compares
        for finding in findings[: args.max_findings]:
            print(finding.format())
        if len(findings) > args.max_findings:
            print(f"... and {len(findings) - args.max_findings} more findings")
        for note in report.notes:
            print(f"note: {note}")
        by_rule = ", ".join(f"{rule} {count}" for rule, count in sorted(report.by_rule().items()))
        print(report.summary() + (f" [{by_rule}]" if by_rule else ""))
    return report.exit_code
