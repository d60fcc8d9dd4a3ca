"""Findings are data: collected into a report, printed or serialized, never raised at the user."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
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
        return {"severity": str(self.severity), **asdict(self)}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    records: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read at all (an I/O problem), else 1 when there are errors, else 0."""
        if any(finding.rule == "file-io" for finding in self.findings):
            return 2
        return 1 if self.errors else 0

    def by_rule(self) -> Counter[str]:
        return Counter(finding.rule for finding in self.findings)

    def summary(self) -> str:
        records = (
            ", ".join(f"{count} {kind}s" for kind, count in sorted(self.records.items())) or "no records"
        )
        return f"checked {self.files} files ({records}): {self.errors} errors, {self.warnings} warnings"

    def to_dict(self, max_findings: int | None = None) -> dict[str, Any]:
        """Counts of everything; the first `max_findings` findings in report order (default all), and how
        many more there are under "more_findings"."""
        shown = sorted(self.findings, key=Finding._key)[:max_findings]  # one key per finding, C compares
        return {
            "files": self.files,
            "records": dict(self.records),
            "errors": self.errors,
            "warnings": self.warnings,
            "by_rule": dict(self.by_rule()),
            "notes": self.notes,
            "findings": [finding.to_dict() for finding in shown],
            "more_findings": len(self.findings) - len(shown),
        }
