"""A release of a synthetic corpus, loaded back with the real `datasets.load_dataset`."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from datasets import ClassLabel, load_dataset
from release_corpus import sample

from akhbar.document import card
from akhbar.paths import Project
from akhbar.release.load import summarize
from akhbar.release.publish import release
from akhbar.release.settings import Settings
from akhbar.scheme import load_scheme

SETTINGS = Settings(ratios=(1.0, 0.0, 0.0))  # every new article in train, so each check knows where to look


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict]:
    project, arts = sample(tmp_path_factory.mktemp("release") / "project")
    report = release(project, version="0.1.0", settings=SETTINGS, date="2025-02-01", allow_synthetic=True)
    return project, {"arts": arts, "manifest": report.manifest}


def _load(project: Project, config: str, tmp_path: Path, split: str = "train"):
    return load_dataset(str(project.root), config, split=split, cache_dir=str(tmp_path / "cache"))


def test_articles_load_typed_with_every_released_span(released, tmp_path: Path) -> None:
    project, _ = released
    rows = _load(project, "articles", tmp_path)
    scheme = load_scheme()
    assert rows.features["entities"].feature["label"] == ClassLabel(names=list(scheme.entity_names))
    by_id = {row["id"]: row for row in rows}
    assert sorted(by_id) == ["a1", "a2", "a3", "a4", "a5"]
    names = rows.features["entities"].feature["label"]
    a1 = by_id["a1"]
    spans = [(s["start"], s["end"], names.int2str(s["label"]), s["text"]) for s in a1["entities"]]
    # nested: NORP inside ORG both kept here
    assert [label for *_, label, _ in spans] == ["PERS", "GPE", "ORG", "NORP"]
    assert all(a1["text"][start:end] == text for start, end, _, text in spans)
    assert a1["entity_decision"] == "majority"
    # disputed a2, stale a4 and unannotated a5: no spans, no decision
    for key in ("a2", "a4", "a5"):
        assert by_id[key]["entities"] == [] and by_id[key]["entity_decision"] is None
    stance_names = rows.features["stance"].feature["label"]
    assert [(s["target_id"], stance_names.int2str(s["label"])) for s in a1["stance"]] == [("c1", "Agree")]
    assert by_id["a2"]["stance"] == []


def test_ner_rows_are_paragraphs_with_outermost_spans_and_split_proclitics(released, tmp_path: Path) -> None:
    project, info = released
    rows = _load(project, "ner", tmp_path)
    tags = rows.features["ner_tags"].feature
    assert tags.names == list(load_scheme().iob2_tags)
    texts = {key: art["text"] for key, art in info["arts"].items()}
    assert sorted({row["article_id"] for row in rows}) == ["a1", "a3"]  # a2 disputed, a4 stale, a5 none
    for row in rows:
        text = texts[row["article_id"]]
        assert [text[s:e] for s, e in zip(row["token_starts"], row["token_ends"], strict=True)] == row[
            "tokens"
        ]
    a1 = [row for row in rows if row["article_id"] == "a1"]
    assert [row["paragraph"] for row in a1] == [0, 1]
    tagged = {tok: tags.int2str(tag) for tok, tag in zip(a1[0]["tokens"], a1[0]["ner_tags"], strict=True)}
    assert tagged["سالم"] == "B-PERS" and tagged["الحداد"] == "I-PERS"
    assert tagged["العراقية"] == "I-ORG"  # the nested NORP stays in `articles` only
    assert "،" in a1[0]["tokens"] and tagged["،"] == "O"
    a3 = next(row for row in rows if row["article_id"] == "a3")
    pairs = [(tok, tags.int2str(tag)) for tok, tag in zip(a3["tokens"], a3["ner_tags"], strict=True)]
    assert ("ب", "O") in pairs and ("الجيش", "B-ORG") in pairs  # بالجيش split at the span edge
    assert ("3,500", "B-CARDINAL") in pairs and ("12.5", "O") in pairs and ("؛", "O") in pairs
    report = info["manifest"]["report"]
    assert report["tokens_split_at_span_edges"] == 1
    assert report["nested_spans_not_in_ner"] == 1


def test_stance_config_and_what_was_left_out(released, tmp_path: Path) -> None:
    project, info = released
    rows = _load(project, "stance", tmp_path)
    assert [
        (row["article_id"], row["target_id"], rows.features["label"].int2str(row["label"])) for row in rows
    ] == [("a1", "c1", "Agree")]
    assert rows[0]["claim"] == "وصل وفد رسمي إلى العاصمة." and rows[0]["text"] == info["arts"]["a1"]["text"]
    report = info["manifest"]["report"]
    assert report["entities_not_released"]["count"] == 1
    assert report["entities_not_released"]["examples"] == [{"article_id": "a2", "rule": "no-majority"}]
    assert report["stance_not_released"]["examples"] == [
        {"article_id": "a2", "target_id": "c1", "rule": "tie"}
    ]
    assert report["stale_annotations"] == {"count": 1, "examples": ["ent-a4-ann1"]}


def test_card_declares_only_splits_with_rows_and_the_config_loads_whole(released, tmp_path: Path) -> None:
    project, info = released
    assert info["manifest"]["rows"]["articles"] == {"train": 5, "validation": 0, "test": 0}
    front, _ = card.split_readme((project.root / "README.md").read_text("utf-8"))
    configs = {c["config_name"]: c for c in yaml.safe_load(front.strip("-\n"))["configs"]}
    assert [f["split"] for f in configs["articles"]["data_files"]] == ["train"]
    # the empty Parquet files are still written and listed (manifest, croissant and verify use them)
    assert "data/articles/validation-00000-of-00001.parquet" in info["manifest"]["files"]
    # no split given: datasets 5.2 would refuse the empty ones if the card declared them
    loaded = load_dataset(str(project.root), "articles", cache_dir=str(tmp_path / "cache"))
    assert list(loaded) == ["train"] and loaded["train"].num_rows == 5


def test_a_config_without_rows_keeps_every_split_and_streams(tmp_path: Path) -> None:
    project, _ = sample(tmp_path / "unlabelled")
    for layer in ("entities", "stance"):  # no annotations at all: ner and stance have no rows
        (project.annotations / layer / "synthetic.jsonl").write_text("", "utf-8")
    report = release(project, version="0.1.0", settings=SETTINGS, allow_synthetic=True)
    assert report.manifest["rows"]["ner"] == {"train": 0, "validation": 0, "test": 0}
    readme = (project.root / "README.md").read_text("utf-8")
    front, _ = card.split_readme(readme)
    configs = {c["config_name"]: c for c in yaml.safe_load(front.strip("-\n"))["configs"]}
    assert [f["split"] for f in configs["ner"]["data_files"]] == ["train", "validation", "test"]
    assert "No rows at all in this release: `ner`, `stance`." in readme
    rows = load_dataset(str(project.root), "stance", split="test", streaming=True)
    assert isinstance(rows.features["label"], ClassLabel)
    assert list(rows) == []
    lines = summarize(project.root, cache_dir=tmp_path / "cache")
    assert "  articles/validation: 0 rows (not declared in the card: no rows)" in lines
    assert any(line.startswith("  articles/train: 5 rows; ClassLabel") for line in lines)
    assert any(line.startswith("  ner/test: 0 rows (streamed: empty)") for line in lines)


def test_manifest_counts_files_and_card_agree(released) -> None:
    project, _ = released
    manifest = json.loads((project.data / "manifest.json").read_text("utf-8"))
    assert manifest["version"] == "0.1.0" and manifest["date"] == "2025-02-01"
    assert manifest["rows"]["articles"] == {"train": 5, "validation": 0, "test": 0}
    assert manifest["labels"]["articles"]["train"] == {
        "entity:CARDINAL": 1,
        "entity:GPE": 2,
        "entity:NORP": 1,
        "entity:ORG": 2,
        "entity:PERS": 1,
        "stance:Agree": 1,
    }
    assert manifest["labels"]["ner"]["train"] == {
        "entity:CARDINAL": 1,
        "entity:GPE": 2,
        "entity:ORG": 2,
        "entity:PERS": 1,
    }
    for relative in manifest["files"]:
        assert (project.root / relative).is_file()
        assert pq.ParquetFile(project.root / relative).metadata.num_rows >= 0
    readme = (project.root / "README.md").read_text("utf-8")
    assert readme.startswith("---\n") and "version: 0.1.0" in readme


def test_same_corpus_gives_same_bytes(released, tmp_path: Path) -> None:
    _, info = released
    other, _ = sample(tmp_path / "again")
    again = release(other, version="0.1.0", settings=SETTINGS, date="2030-01-01", allow_synthetic=True)
    assert again.manifest["files"] == info["manifest"]["files"]


def test_synthetic_articles_are_refused_by_default(tmp_path: Path) -> None:
    from akhbar.errors import UsageError

    project, _ = sample(tmp_path / "p")
    with pytest.raises(UsageError, match="synthetic"):
        release(project, version="0.1.0", settings=SETTINGS)
    assert not project.data.exists()


def test_annotations_of_unknown_articles_are_reported(tmp_path: Path) -> None:
    from release_corpus import article, entities, span, write

    known = article("k1", "زار سالم الحداد بغداد.")
    gone = article("gone", "نص حذف من المدونة بعد أن وسمه أحد المعلقين.")
    records = [entities(known, "ann1", [span(known["text"], "بغداد", "GPE")])]
    records.append(entities(gone, "ann1", [span(gone["text"], "المدونة", "ORG")]))
    project = write(tmp_path / "p", [known], records)
    # the validator calls this an error (unknown-article); a release made without validation still says so
    report = release(project, version="0.1.0", settings=SETTINGS, allow_synthetic=True, validate=False)
    assert report.manifest["report"]["annotations_of_unknown_articles"] == {
        "count": 1,
        "examples": ["ent-gone-ann1"],
    }
    assert report.manifest["rows"]["ner"]["train"] == 1
