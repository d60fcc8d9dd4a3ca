"""What every importer shares: the text repairs it may make, and how its files reach the corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.commit import Transaction, project_lock
from akhbar.paths import Project
from akhbar.text.rules import RULES, Severity, fix_text

# Only repairs of what the validator calls an error (NFC, presentation forms, control characters): the
# text otherwise stays as the source wrote it (tatweel, a warning, is kept; a lone ـ is a token there).
REPAIRS = frozenset(rule.id for rule in RULES if rule.severity is Severity.ERROR and rule.fix is not None)


def repair(text: str) -> tuple[str, list[str]]:
    """The text with the documented error repairs made, and the rule ids applied."""
    return fix_text(text, REPAIRS)


@dataclass
class ImportReport:
    """Counts for the user (printed by `akhbar import`) and for the tests; files: path -> outcome."""

    counts: Counter[str] = field(default_factory=Counter)
    files: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"  {name:<52} {count:>8,}" for name, count in sorted(self.counts.items())]
        out += [f"  {outcome:<9} {path}" for path, outcome in sorted(self.files.items())]
        return out


def item(
    item_id: str, kind: str, own: dict[str, Any], *, title: str | None, text: str, provenance: dict[str, Any]
) -> dict[str, Any]:
    """An imported item in the corpus format: the source's collection fields (`own`), no outlet, URL,
    date or author (an imported collection has none per item), never synthetic."""
    return {
        "id": item_id,
        "kind": kind,
        **own,
        "title": title,
        "text": text,
        "source": None,
        "url": None,
        "published": None,
        "author": None,
        "language": "ar",
        "story_id": None,
        "synthetic": False,
        "provenance": provenance,
    }


def encode(records: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(jsonl.dumps(record) for record in records)


def write_files(
    project: Project, files: dict[Path, list[dict[str, Any]]], command: str, report: ImportReport
) -> None:
    """Write the records of each file (already in their order) in one transaction; a file whose bytes
    are already there is not touched, so a second import writes nothing."""
    with project_lock(project, command=command), Transaction(project) as txn:
        for path, records in files.items():
            content = encode(records)
            name = path.relative_to(project.root).as_posix()
            if path.is_file() and path.read_bytes() == content:
                report.files[name] = "unchanged"
                continue
            report.files[name] = "replaced" if path.exists() else "created"
            txn.write(path, content)
        txn.commit()
