"""SaudiNewsNet's text repairs through ingest: optional, chosen by id, recorded in provenance, edges only."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from akhbar.corpus import iter_articles
from akhbar.ingest import ingest
from akhbar.ingest.adapters import read_saudinewsnet
from akhbar.paths import Project
from akhbar.registry import collection
from akhbar.validate import validate_paths

REPO = Path(__file__).resolve().parents[2]
BODY = "قال المتحدث باسم وزارة الصحة إن الفريق الطبي وصل يوم الأحد.\nوأضاف أن الرحلة تأخرت."
ITEM = {"url": None, "date_extracted": "2015-07-21 05:18:17", "author": ""}
ITEMS = [
    {  # navigation residue opening the body, the same words inside it, and white space at both edges
        **ITEM,
        "source": "3alyoum",
        "url": "http://example.invalid/1",
        "title": " Next Previous عنوان ",
        "content": " Next Previous \u00a0\nعين اليوم – الرياض\n" + BODY + "\nNext Previous\n" + BODY + " \n ",
    },
    {  # ornate parentheses: real punctuation, accepted with and without --fix
        **ITEM,
        "source": "okaz",
        "url": "http://example.invalid/2",
        "title": "عنوان آخر",
        "content": "قال تعالى \ufd3fإنا أنزلناه\ufd3e. " + BODY,
    },
]


def project_in(folder: Path) -> Project:
    """An empty project with the checkout's schema and collection registry."""
    (folder / "corpus" / "articles").mkdir(parents=True)
    shutil.copytree(REPO / "schema", folder / "schema")
    shutil.copytree(REPO / "corpus" / "collections", folder / "corpus" / "collections")
    return Project(folder)


def ingested(folder: Path, source: Path, **options: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    project = project_in(folder)
    entry = collection(project, "saudinewsnet")
    report = ingest(read_saudinewsnet([source], collection=entry), project, **options)
    assert validate_paths(project=project).errors == 0
    return report.to_dict(), {article["source"]: article for article in iter_articles(project)}


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "snn"
    folder.mkdir()
    with zipfile.ZipFile(folder / "2015-07-21.zip", "w") as archive:
        archive.writestr("2015-07-21.json", json.dumps(ITEMS, ensure_ascii=False))
    return folder


def test_without_fix_the_text_is_kept_as_the_source_has_it(tmp_path: Path, dataset: Path) -> None:
    report, articles = ingested(tmp_path / "plain", dataset)
    assert report["outcomes"]["added"] == 2
    assert articles["3alyoum"]["text"] == ITEMS[0]["content"]
    assert articles["okaz"]["text"] == ITEMS[1]["content"]  # no longer skipped for its parentheses
    assert "fixes" not in articles["3alyoum"]["provenance"]


def test_fix_removes_edge_residue_and_outer_space_and_records_both(tmp_path: Path, dataset: Path) -> None:
    report, articles = ingested(tmp_path / "fixed", dataset, apply_fixes=True)
    assert report["outcomes"]["added"] == 2
    assert report["fixes"] == {"text-outlet-residue": 1, "text-outer-space": 1}
    article = articles["3alyoum"]
    # The residue line in the middle is the article's text as far as the repair knows: kept.
    assert article["text"] == "عين اليوم – الرياض\n" + BODY + "\nNext Previous\n" + BODY
    assert article["title"] == "Next Previous عنوان"  # titles are trimmed, never cut
    assert article["provenance"]["fixes"] == ["text-outer-space", "text-outlet-residue"]
    assert articles["okaz"]["text"] == ITEMS[1]["content"]
    assert articles["okaz"]["provenance"]["fixes"] == []


def test_each_repair_is_optional(tmp_path: Path, dataset: Path) -> None:
    _, articles = ingested(
        tmp_path / "trim", dataset, fixes=frozenset({"text-outer-space"}), apply_fixes=True
    )
    article = articles["3alyoum"]
    assert article["text"] == ITEMS[0]["content"].strip()
    assert article["provenance"]["fixes"] == ["text-outer-space"]
    _, articles = ingested(
        tmp_path / "residue", dataset, fixes=frozenset({"text-outlet-residue"}), apply_fixes=True
    )
    article = articles["3alyoum"]
    assert article["text"] == "عين اليوم – الرياض\n" + BODY + "\nNext Previous\n" + BODY + " \n "
    assert article["title"] == ITEMS[0]["title"]
    assert article["provenance"]["fixes"] == ["text-outlet-residue"]
