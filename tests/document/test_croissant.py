"""data/croissant.json validates with mlcroissant, reads the release's rows back, and `--check` notices
when it no longer matches the release."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from akhbar.document import croissant
from akhbar.document.run import document
from akhbar.paths import Project
from akhbar.release import manifest as manifests
from akhbar.release.settings import CONFIGS
from akhbar.scheme import load_scheme

# mlcroissant's own dependencies warn inside it (rdflib's ConjunctiveGraph, pandas' inplace keyword);
# not ours to fix, and nothing here calls those APIs.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame"),
]


@pytest.fixture
def dataset(released: Project) -> mlc.Dataset:
    # A new Dataset per test: mlcroissant yields a record set's rows only on its first reading.
    return mlc.Dataset(jsonld=str(released.data / croissant.CROISSANT))


def parquet_rows(project: Project, config: str) -> list[tuple[str, dict[str, Any]]]:
    """(split, row) of every row of a config, read with pyarrow from the files the manifest lists."""
    found = []
    for relative in sorted(manifests.read(project.data)["files"]):
        if relative.startswith(f"data/{config}/"):
            split = relative.rsplit("/", 1)[1].split("-", 1)[0]
            found += [(split, row) for row in pq.read_table(project.root / relative).to_pylist()]
    return found


def test_the_release_writes_a_croissant_file_that_validates(dataset: mlc.Dataset) -> None:
    issues = dataset.metadata.ctx.issues
    assert not issues.errors
    assert not issues.warnings
    assert dataset.metadata.version == "1.0.0"


def test_every_file_is_described_with_its_sha256(released: Project) -> None:
    described = json.loads((released.data / croissant.CROISSANT).read_text("utf-8"))
    objects = {
        item["contentUrl"]: item for item in described["distribution"] if item["@type"] == "cr:FileObject"
    }
    listed = manifests.read(released.data)["files"]
    assert sorted(objects) == sorted(path.removeprefix("data/") for path in listed)
    for path, item in objects.items():
        content = (released.data / path).read_bytes()
        assert item["sha256"] == hashlib.sha256(content).hexdigest()
        assert item["contentSize"] == f"{len(content)} B"


@pytest.mark.parametrize("config", CONFIGS)
def test_record_sets_read_back_the_rows(dataset: mlc.Dataset, released: Project, config: str) -> None:
    expected = parquet_rows(released, config)
    records = list(dataset.records(config))
    assert len(records) == len(expected) and records
    got = sorted((r[f"{config}/split"].decode(), r[f"{config}/id"].decode()) for r in records)
    assert got == sorted((split, row["id"]) for split, row in expected)


def test_nested_fields_and_label_references(dataset: mlc.Dataset, released: Project) -> None:
    by_id = {r["articles/id"].decode(): r for r in dataset.records("articles")}
    scheme = load_scheme(released.schema)
    for _, row in parquet_rows(released, "articles"):
        record = by_id[row["id"]]
        spans = [
            (e["articles/entities/start"], e["articles/entities/label"]) for e in record["articles/entities"]
        ]
        assert spans == [(e["start"], e["label"]) for e in row["entities"]]
    names = {r["entity_types/index"]: r["entity_types/name"] for r in dataset.records("entity_types")}
    assert [names[i] for i in range(len(names))] == list(scheme.entity_names)
    tags = [r["ner_tags/name"] for r in dataset.records("ner_tags")]
    assert tags == list(scheme.iob2_tags)


def test_check_notices_a_stale_croissant_file(released: Project) -> None:
    path = released.data / croissant.CROISSANT
    original = path.read_bytes()
    try:
        described = json.loads(original)
        described["version"] = "0.9.0"
        path.write_text(json.dumps(described), "utf-8")
        report = document(project=released, check=True, parts=["release"])
        assert report.stale == ["data/croissant.json"]
        assert document(project=released, parts=["release"]).written == ["data/croissant.json"]
        assert path.read_bytes() == original  # regenerated exactly as the release wrote it
    finally:
        path.write_bytes(original)
