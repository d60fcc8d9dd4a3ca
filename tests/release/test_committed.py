"""The committed release in data/: it verifies against the committed corpus and loads with datasets."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
import yaml
from datasets import ClassLabel, load_dataset

from akhbar.corpus import iter_articles
from akhbar.document import card
from akhbar.paths import Project
from akhbar.release.verify import verify

pytestmark = pytest.mark.slow  # verifies and loads the committed release

ROOT = Path(__file__).resolve().parents[2]


def test_committed_release_verifies() -> None:
    report = verify(Project(ROOT))
    assert report.findings == [] and report.rebuilt


def test_seed_article_loads_from_the_checkout(tmp_path: Path) -> None:
    manifest = json.loads((ROOT / "data" / "manifest.json").read_text("utf-8"))
    seed = [article for article in iter_articles(Project(ROOT)) if not article["synthetic"]]
    assert seed, "the corpus has its real seed article"
    split = next(s for s, n in manifest["rows"]["articles"].items() if n)
    rows = load_dataset(str(ROOT), "articles", split=split, cache_dir=str(tmp_path))
    assert isinstance(rows.features["entities"].feature["label"], ClassLabel)
    assert rows.info.version.version_str == manifest["version"]
    loaded = {row["id"]: row for row in rows}
    assert loaded[seed[0]["id"]]["text"] == seed[0]["text"]


def test_card_and_croissant_point_to_the_licence_file() -> None:
    front, _ = card.split_readme((ROOT / "README.md").read_text("utf-8"))
    meta = yaml.safe_load(front.strip("-\n"))
    assert (meta["license"], meta["license_name"]) == ("other", "akhbar-mixed")
    assert (ROOT / meta["license_link"]).is_file()
    described = json.loads((ROOT / "data" / "croissant.json").read_text("utf-8"))
    first, *collections = described["license"]
    assert (ROOT / "data" / first).resolve() == (ROOT / meta["license_link"]).resolve()
    # then the licence of every collection in the release, from the registry
    registry = [
        orjson.loads(line)
        for line in (ROOT / "corpus/collections/collections.jsonl").read_bytes().splitlines()
    ]
    released = set(json.loads((ROOT / "data" / "manifest.json").read_text("utf-8"))["report"]["collections"])
    assert sorted(collections) == sorted({c["license_url"] for c in registry if c["id"] in released})
    assert "Apache License" in (ROOT / "LICENSE").read_text("utf-8")
