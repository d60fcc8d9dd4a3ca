"""Findings are data: collected into a report, printed or serialized, never raised at the user."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from akhbar.text.rules import Severity
from akhbar.validate.catalogue import RULES


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int | None  # None for a finding about a whole file
    rule: str
    json_path: str | None
    message: str

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    def __lt__(self, other: Finding) -> bool:
        """By file, then line (whole-file findings first), then rule: the order a report is read in."""
        return self._key() < other._key()

    def _key(self) -> tuple[str, int, str, str, str]:
        return (
            self.path,
            -1 if self.line is None else self.line,
            self.rule,
            self.json_path or "",
            self.message,
        )

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        at = f" (at {self.json_path})" if self.json_path else ""
        return f"{where}: {self.severity} {self.rule} {self.message}{at}"

    def to_dict(self) -> dict[str, Any]:
        # The fields by hand: asdict deep-copies each value, several times slower for plain strings.
        return {
            "severity": str(self.severity),
            "path": self.path,
            "line": self.line,
            "rule": self.rule,
            "json_path": self.json_path,
            "message": self.message,
        }


_RULE = attrgetter("rule")


def _errors(by_rule: Counter[str]) -> int:
    """How many of the counted findings are errors: a rule has one severity, so count by rule, not by
    finding (reports of a large corpus hold a finding per article)."""
    return sum(count for rule, count in by_rule.items() if RULES[rule].severity is Severity.ERROR)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    records: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return _errors(self.by_rule())

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read at all (an I/O problem), else 1 when there are errors, else 0."""
        if "file-io" in map(_RULE, self.findings):
            return 2
        return 1 if self.errors else 0

    def by_rule(self) -> Counter[str]:
        return Counter(map(_RULE, self.findings))

    def summary(self) -> str:
        records = (
            ", ".join(f"{count} {kind}s" for kind, count in sorted(self.records.items())) or "no records"
        )
        return f"checked {self.files} files ({records}): {self.errors} errors, {self.warnings} warnings"

    def to_dict(self, max_findings: int | None = None) -> dict[str, Any]:
        """Counts of everything; the first `max_findings` findings in report order (default all), and how
        many more there are under "more_findings"."""
        shown = sorted(self.findings, key=Finding._key)[:max_findings]  # one key per finding, C compares
        by_rule = self.by_rule()  # counted once: errors and warnings come from it
        errors = _errors(by_rule)
        return {
            "files": self.files,
            "records": dict(self.records),
            "errors": errors,
            "warnings": len(self.findings) - errors,
            "by_rule": dict(by_rule),
            "notes": self.notes,
            "findings": [finding.to_dict() for finding in shown],
            "more_findings": len(self.findings) - len(shown),
        }
