"""The figures of docs/saudinewsnet-text.md, recounted from ../shared/external/saudinewsnet's zip files.

The residue table's `measured` counts are data in the code: this recounts each one on the whole collection,
so a change of pattern that removes more or less than was measured fails here.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from akhbar.ingest import ingest
from akhbar.ingest.adapters import read_saudinewsnet
from akhbar.paths import Project
from akhbar.registry import collection
from akhbar.text.residue import RESIDUE, strip_residue
from akhbar.text.rules import FIXABLE, REPAIRS_BY_ID, check_text, fix_text

pytestmark = [pytest.mark.external, pytest.mark.slow]  # all of SaudiNewsNet
CHARACTER_REPAIRS = frozenset(FIXABLE) - set(REPAIRS_BY_ID)


def items(folder: Path) -> Iterator[dict[str, str]]:
    for path in sorted(folder.rglob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                yield from json.loads(archive.read(name))


def test_residue_white_space_and_ornate_parentheses_are_as_measured(need_shared: Callable[..., Path]) -> None:
    folder = need_shared("external", "saudinewsnet", "dataset")
    removed: Counter[str] = Counter()
    leading = trailing = nonempty = 0
    ornate: list[str] = []
    for item in items(folder):
        raw = item["content"]
        if not raw.strip():
            continue
        nonempty += 1
        leading += raw[0].isspace()
        trailing += raw[-1].isspace()
        clean, _ = fix_text(raw, CHARACTER_REPAIRS)
        if "\ufd3e" in clean or "\ufd3f" in clean:
            ornate.append(clean)
        _, entries = strip_residue(clean, item["source"].strip().lower())
        removed.update(f"{entry.outlet} {entry.edge}" for entry in entries)
    assert removed == {f"{entry.outlet} {entry.edge}": entry.measured for entry in RESIDUE}
    assert (nonempty, leading, trailing) == (30676, 26380, 27011)
    assert len(ornate) == 5
    assert not any(
        finding.rule == "text-presentation-form" for text in ornate for finding in check_text(text)
    )


def test_ingest_with_every_repair_accepts_all_but_the_empty_bodies(
    tmp_project: Project, need_shared: Callable[..., Path]
) -> None:
    """31,030 items: 354 empty bodies skipped, and nothing else; 781 bodies repeat an earlier one once
    repaired (one more than with the character repairs alone: an okaz notice also published with its
    share buttons)."""
    folder = need_shared("external", "saudinewsnet", "dataset")
    entry = collection(tmp_project, "saudinewsnet")
    report = ingest(
        read_saudinewsnet([folder], collection=entry), tmp_project, apply_fixes=True, dry_run=True
    )
    assert report.outcomes == {"added": 29895, "duplicate": 781, "skipped": 354}
    assert report.reasons == {"text-empty": 354}
    assert report.fixes["text-outlet-residue"] == 844
