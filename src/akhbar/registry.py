"""The collections of the corpus and their terms: corpus/collections/collections.jsonl.

Every article, target and annotation record names its collection and repeats the collection's licence
(the validator's `license-mismatch` rule keeps the two equal), so that a record, and every released row
made from it, says on its own under which terms it may be used.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.errors import UsageError
from akhbar.paths import Project

REGISTRY = Path("collections") / "collections.jsonl"
# The collection of the project's own work (Label Studio annotations, claims, synthetic test text), and
# its terms as the registry states them (a test in tests/test_registry.py keeps the two equal).
OWN = "akhbar"
OWN_TERMS = {
    "collection": OWN,
    "license": "CC-BY-4.0",
    "attribution": "akhbar maintainers, akhbar: an annotated corpus of Arabic news, CC BY 4.0",
}


def registry_path(project: Project) -> Path:
    return project.corpus / REGISTRY


def read_registry(path: Path) -> dict[str, dict[str, Any]]:
    """Collection id -> record, from a registry file; lines that are not records are skipped (the
    validator reports them)."""
    found: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return found
    for _, line, _ in jsonl.lines(path):
        try:
            record = jsonl.parse(line)
        except jsonl.LineError:
            continue
        if isinstance(record.get("id"), str):
            found.setdefault(record["id"], record)
    return found


def load_registry(project: Project) -> dict[str, dict[str, Any]]:
    return read_registry(registry_path(project))


def collection(project: Project, collection_id: str) -> dict[str, Any]:
    """The registry record of one collection, or a UsageError naming the known ones."""
    known = load_registry(project)
    if collection_id not in known:
        names = ", ".join(sorted(known)) or f"none: {registry_path(project)} is missing or empty"
        raise UsageError(f"no collection {collection_id!r} in the registry (known: {names})")
    return known[collection_id]


def terms(entry: dict[str, Any], source: str | None = None) -> dict[str, str]:
    """The collection, license and attribution fields of a record of this collection; an article of a
    collection of articles from several outlets also credits its outlet."""
    attribution = entry["attribution"]
    if source and entry.get("kind") == "articles" and source != entry["id"]:
        attribution = f"{attribution}; article © {source}"
    return {"collection": entry["id"], "license": entry["license"], "attribution": attribution}


def combine_licenses(licenses: Iterable[str]) -> str:
    """The licence of something made from several records: every distinct licence, sorted, joined with
    " AND " (an SPDX expression). Never widened: share-alike and non-commercial terms stay."""
    return " AND ".join(sorted({name for name in licenses if name}))


def combine_attributions(attributions: Iterable[str]) -> str:
    """Every distinct attribution, in the order first given, joined with "; "."""
    return "; ".join(dict.fromkeys(text for text in attributions if text))
