"""Add articles to the corpus: validated, de-duplicated, never overwriting, atomically, in bounded memory.

Outcomes: `added`; `unchanged` (the same id with the same text is already there: ingesting twice adds
once); `duplicate` (another article already has the same text after `dedup_key`'s normalization: NFC,
invisible controls and tatweel removed, white space folded, trimmed); `skipped` with a reason (the
error the record breaks, empty text and schema errors first; an id conflict; an unreadable input).

The whole run holds the project's lock (akhbar.commit): a second ingest, an import or a release waits,
so the index of what the corpus holds stays true and no article is lost or written twice. New articles
are sorted in bounded runs on disk and merged with the existing files into staged files, which replace
the originals in one commit: a run interrupted or killed at any instant leaves every corpus file as it
was or every one as it is after the ingest, never some of each.
"""

from __future__ import annotations

import heapq
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from akhbar import jsonl
from akhbar.commit import Transaction, project_lock, refuse_pending
from akhbar.corpus import corpus_files, dedup_key
from akhbar.errors import DataError
from akhbar.ingest.adapters import Item
from akhbar.paths import Project
from akhbar.text.rules import Severity, fix_text
from akhbar.validate.findings import Finding
from akhbar.validate.records import Rules, check_record

RUN_BYTES = 32 << 20
EXAMPLES_PER_REASON = 3
OUTCOMES = ("added", "unchanged", "duplicate", "skipped")


@dataclass
class IngestReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    fixes: Counter[str] = field(default_factory=Counter)
    files: Counter[str] = field(default_factory=Counter)

    @property
    def read(self) -> int:
        """Items the adapters gave: each has exactly one outcome."""
        return sum(self.outcomes.values())

    def skip(self, origin: str, reason: str, detail: str = "") -> None:
        self.outcomes["skipped"] += 1
        self.reasons[reason] += 1
        self.example(reason, f"{origin}: {detail}" if detail else origin)

    def example(self, key: str, text: str) -> None:
        if len(self.examples[key]) < EXAMPLES_PER_REASON:
            self.examples[key].append(text)

    def lines(self) -> list[str]:
        out = [f"read {self.read} items: " + ", ".join(f"{name} {self.outcomes[name]}" for name in OUTCOMES)]
        for reason, count in sorted(self.reasons.items(), key=lambda pair: (-pair[1], pair[0])):
            out.append(f"  skipped {count:>6}  {reason}")
            out += [f"             e.g. {example}" for example in self.examples[reason]]
        out += [f"  duplicate       e.g. {example}" for example in self.examples.get("duplicate", [])]
        for rule, count in self.fixes.most_common():
            out.append(f"  fixed   {count:>6}  {rule}")
        for name, count in sorted(self.files.items()):
            out.append(f"  wrote {count} new articles to {name}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "outcomes": {name: self.outcomes[name] for name in OUTCOMES},
            "skipped": dict(self.reasons),
            "examples": dict(self.examples),
            "fixes": dict(self.fixes),
            "files": dict(self.files),
        }


def _digest(text: str) -> bytes:
    """The dedup key, kept as 16 bytes: the index holds one per article in the corpus."""
    return bytes.fromhex(dedup_key(text)[:32])


class _Index:
    """What the corpus holds already: id -> dedup digest, and dedup digest -> id."""

    def __init__(self, folder: Path) -> None:
        self.keys: dict[str, bytes] = {}
        self.owners: dict[bytes, str] = {}
        for path in corpus_files(folder):
            for number, record in jsonl.read(path):
                self.add(*_id_and_text(record, path, number))

    def add(self, article_id: str, key: bytes) -> None:
        self.keys[article_id] = key
        self.owners.setdefault(key, article_id)


def _id_and_text(record: dict[str, Any], path: Path, number: int) -> tuple[str, bytes]:
    article_id, text = record.get("id"), record.get("text")
    if not (isinstance(article_id, str) and isinstance(text, str)):
        raise DataError(
            f"{path}:{number}: error schema an article needs a string id and text; "
            "run `akhbar validate` and fix the corpus first"
        )
    return article_id, _digest(text)


def _target_file(record: dict[str, Any]) -> str:
    """corpus/articles/<collection>/<source or collection>.jsonl: one file per outlet of a collection."""
    collection = record["collection"]
    return f"{collection}/{record.get('source') or collection}.jsonl"


class _Runs:
    """New records sorted into bounded runs on disk, per target file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.buffer: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
        self.runs: dict[str, list[Path]] = defaultdict(list)
        self.counts: Counter[str] = Counter()
        self.size = 0

    def add(self, name: str, record: dict[str, Any]) -> None:
        line = jsonl.dumps(record)
        self.buffer[name].append((record["id"], line))
        self.counts[name] += 1
        self.size += len(line)
        if self.size >= RUN_BYTES:
            self.flush()

    def flush(self) -> None:
        for name, items in self.buffer.items():
            run = self.folder / f"{name.replace('/', '__')}.{len(self.runs[name])}.run"
            with run.open("wb") as handle:
                for article_id, line in sorted(items):
                    handle.write(article_id.encode("utf-8") + b"\t" + line)
            self.runs[name].append(run)
        self.buffer.clear()
        self.size = 0


def _read_run(path: Path) -> Iterator[tuple[str, bytes]]:
    with path.open("rb") as handle:
        for line in handle:
            article_id, _, record = line.partition(b"\t")
            yield article_id.decode("utf-8"), record


def _read_existing(path: Path) -> Iterator[tuple[str, bytes]]:
    # The index has just read these files under the lock, so every line parses and has an id.
    if path.exists():
        for number, line, _ in jsonl.lines(path):
            if line.strip():
                yield _id_and_text(jsonl.parse(line), path, number)[0], line + b"\n"


def _reason(errors: list[Finding]) -> Finding:
    """The error that names why a record is skipped: an empty text or a schema error before the others."""
    return min(
        errors, key=lambda found: (found.rule not in ("text-empty", "schema"), found.json_path != "$.text")
    )


def _decide(
    origin: str,
    item: dict[str, Any] | str,
    index: _Index,
    rules: Rules,
    fixes: frozenset[str] | None,
    apply_fixes: bool,
    report: IngestReport,
) -> dict[str, Any] | None:
    if isinstance(item, str):
        reason, _, detail = item.partition(": ")
        report.skip(origin, reason, detail)
        return None
    record = item
    if apply_fixes:
        applied: list[str] = []
        for name in ("title", "text"):
            if isinstance(record.get(name), str):
                # An outlet's page residue sits at the edges of the body, never in a title.
                outlet = record.get("source") if name == "text" else None
                record[name], done = fix_text(record[name], fixes, outlet=outlet)
                applied += done
        record["provenance"]["fixes"] = sorted(set(applied))
        report.fixes.update(set(applied))
    errors = [
        finding
        for finding in check_record(record, jsonl.dumps(record)[:-1], "article", rules, origin, 0)
        if finding.severity is Severity.ERROR
    ]
    if errors:
        first = _reason(errors)
        report.skip(origin, first.rule, f"{first.message} (at {first.json_path})")
        return None
    key = _digest(record["text"])
    known = index.keys.get(record["id"])
    if known is not None:
        if known == key:
            report.outcomes["unchanged"] += 1
        else:
            report.skip(origin, "id-conflict", f"{record['id']} exists with another text; not overwritten")
        return None
    if key in index.owners:
        report.outcomes["duplicate"] += 1
        report.example("duplicate", f"{origin}: same text as {index.owners[key]}")
        return None
    index.add(record["id"], key)
    report.outcomes["added"] += 1
    return record


def ingest(
    items: Iterable[Item],
    project: Project,
    *,
    fixes: frozenset[str] | None = None,
    apply_fixes: bool = False,
    dry_run: bool = False,
    progress: bool | None = None,
) -> IngestReport:
    """Add the adapter's items to the project's corpus; returns counts per outcome and per reason.

    `apply_fixes` applies the repairs in `fixes` (default: every fixable rule) and records them in each
    article's provenance. `progress` shows a progress bar (default: when stderr is a terminal).
    """
    if dry_run:
        # A reader: nothing is written, not even the lock file; a half-completed commit is refused.
        refuse_pending(project)
        return _ingest(items, project, fixes, apply_fixes, None, progress)
    with project_lock(project, command="ingest"), Transaction(project) as txn:
        return _ingest(items, project, fixes, apply_fixes, txn, progress)


def _ingest(
    items: Iterable[Item],
    project: Project,
    fixes: frozenset[str] | None,
    apply_fixes: bool,
    txn: Transaction | None,
    progress: bool | None,
) -> IngestReport:
    """Decide every item; with a transaction (not a dry run), merge the new articles in and commit."""
    rules = Rules.load(project.schema)
    report = IngestReport()
    folder = project.articles
    index = _Index(folder)
    runs = _Runs(txn.scratch("runs")) if txn is not None else None
    for origin, item in tqdm(
        items, desc="ingest", unit=" articles", disable=None if progress is None else not progress
    ):
        record = _decide(origin, item, index, rules, fixes, apply_fixes, report)
        if record is not None and runs is not None:
            runs.add(_target_file(record), record)
    if txn is None or runs is None:
        return report
    runs.flush()
    for name, paths in sorted(runs.runs.items()):
        target = folder / name
        streams = [_read_existing(target), *(_read_run(path) for path in paths)]
        with txn.stage_file(target).open("wb") as handle:
            for _, line in heapq.merge(*streams, key=lambda pair: pair[0]):
                handle.write(line)
        report.files[os.path.relpath(target, project.root)] = runs.counts[name]
    txn.commit()  # every file at once, synced (see akhbar.commit)
    return report
