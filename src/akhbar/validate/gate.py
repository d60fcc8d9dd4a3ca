"""The one way a command reads the corpus: validate it first, and refuse with the findings when it has errors.

Everything that reads corpus records afterwards (`corpus.iter_*`, `jsonl.read`) may then trust them: ids
are strings, offsets integers, every target has its claim. So bad data ends as findings (file, line,
rule) and exit 1 in every command, never as a traceback from deep inside one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from akhbar.corpus import kind_of
from akhbar.errors import DataError
from akhbar.paths import Project
from akhbar.text.rules import Severity
from akhbar.validate.findings import Finding, Report
from akhbar.validate.run import validate_paths

SHOWN = 5
# Findings of annotations made on an older text of their article: the release skips them as stale.
STALE_RULES = ("text-hash", "span-text", "span-bounds")


def refusal(errors: list[Finding], shown: int = SHOWN) -> DataError:
    """The error that lists the first `shown` findings, the count per rule and where to see them all."""
    errors = sorted(errors)
    rules: dict[str, int] = {}
    for finding in errors:
        rules[finding.rule] = rules.get(finding.rule, 0) + 1
    by_rule = ", ".join(f"{rule} {count}" for rule, count in sorted(rules.items()))
    lines = [f"the corpus has {len(errors)} validation errors [{by_rule}]; `akhbar validate` lists them all:"]
    lines += [f"  {finding.format()}" for finding in errors[:shown]]
    if len(errors) > shown:
        lines.append(f"  ... and {len(errors) - shown} more")
    return DataError("\n".join(lines))


def mended_by_release(finding: Finding, report: Report) -> bool:
    """Errors the release deals with itself, so that neither it nor `verify` nor `document` refuses them:
    an annotation made on an older text of its article (and its spans that no longer fit) is skipped and
    reported; the split row of an article that left the corpus is dropped from the assignment."""
    if kind_of(Path(finding.path)) == "split":
        return finding.rule == "unknown-article"
    if finding.rule not in STALE_RULES:
        return False
    return any(
        f.rule == "text-hash" and (f.path, f.line) == (finding.path, finding.line) for f in report.findings
    )


def require_valid(
    project: Project, *, tolerate: Callable[[Finding, Report], bool] | None = mended_by_release
) -> Report:
    """Validate the project's whole corpus; the report when it has no errors (or only those `tolerate`
    accepts: by default the stale annotations every command leaves out), else a DataError listing the
    first few."""
    report = validate_paths(None, project=project)
    errors = [
        finding
        for finding in report.findings
        if finding.severity is Severity.ERROR and not (tolerate and tolerate(finding, report))
    ]
    if errors:
        raise refusal(errors)
    return report
