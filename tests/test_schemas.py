"""The JSON Schemas and the label scheme: well-formed, consistent, and strict about ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from akhbar.scheme import SCHEMA_FILES, SCHEME_FILE, load_scheme, validator

SCHEMA = Path(__file__).resolve().parents[1] / "schema"


def load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA / name).read_text("utf-8"))


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_each_schema_is_a_valid_draft_2020_12_schema(kind: str) -> None:
    schema = load(SCHEMA_FILES[kind])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/" + SCHEMA_FILES[kind])
    Draft202012Validator.check_schema(schema)


def test_every_schema_file_is_known() -> None:
    assert sorted(path.name for path in SCHEMA.glob("*.schema.json")) == sorted(SCHEMA_FILES.values())


def test_the_label_scheme_matches_its_schema_with_both_validators() -> None:
    scheme = load(SCHEME_FILE)
    Draft202012Validator(load(SCHEMA_FILES["label-scheme"])).validate(scheme)
    assert validator("label-scheme", SCHEMA).is_valid(scheme)


def test_the_label_scheme_has_unique_names_and_hotkeys() -> None:
    scheme = load_scheme(SCHEMA)
    assert len(scheme.entity_names) == 21
    assert scheme.stance_names == ("Agree", "Disagree", "Discuss", "Unrelated")
    labels = scheme.entity_labels + scheme.stance_labels
    assert len({label.name for label in labels}) == len(labels)
    assert len({label.hotkey for label in labels}) == len(labels)


def _split(article_id: Any) -> dict[str, Any]:
    return {"article_id": article_id, "split": "train", "group": "g", "since": "0.1.0"}


@pytest.mark.parametrize(
    "good", ["a", "000_161695620a18e1a3", "claim-0001", "snn-3alyoum-0123abcd", "A" * 128]
)
def test_ids_that_are_safe_file_names_pass(good: str) -> None:
    assert validator("split", SCHEMA).is_valid(_split(good))


@pytest.mark.parametrize(
    "bad",
    ["../x", "a/b", "a\\b", ".hidden", "-x", "_x", "", "a b", "x\n", "a.b", "é", "x٠", "A" * 129, 5, None],
)
def test_ids_that_could_be_paths_or_tricks_are_refused(bad: Any) -> None:
    """Ids become file names and keys: no separators, no leading dot or dash, no new line at the end."""
    for kind, record in {
        "split": _split(bad),
        "target": {"id": bad, "claim": "x", "article_ids": ["a"], "origin": "test"},
    }.items():
        assert not validator(kind, SCHEMA).is_valid(record), kind


def test_article_schema_requires_every_field_and_allows_no_other() -> None:
    schema = load("article.schema.json")
    assert set(schema["required"]) == set(schema["properties"])
    assert schema["additionalProperties"] is False


def _errors(kind: str, record: dict[str, Any]) -> list[str]:
    return [error.message for error in validator(kind, SCHEMA).iter_errors(record)]


def _record(what: str, **fields: Any) -> dict[str, Any]:
    from akhbar.registry import OWN_TERMS
    from synthetic import synthetic_annotation_terms, synthetic_article

    if what == "article":
        return {**synthetic_article("a1", "نص.", made_by="tests"), **fields}
    return {
        "id": "r1",
        "layer": "stance",
        "article_id": "a1",
        "target_id": "t1",
        "stance": "Agree",
        "text_sha256": "0" * 64,
        "annotator": "ans",
        **OWN_TERMS,
        **synthetic_annotation_terms("stance", SCHEMA),
        "provenance": {
            "tool": "import",
            "source_file": "f.csv",
            "source_commit": "a" * 40,
            "source_lines": [2, 2],
        },
        **fields,
    }


def test_kinds_of_article_records_hold_what_they_are() -> None:
    assert _errors("article", _record("article")) == []
    assert _errors("article", _record("article", kind="headline", title="عنوان", text="")) == []
    assert _errors("article", _record("article", kind="headline", title="عنوان", text="نص"))
    assert _errors("article", _record("article", kind="sentences", title="عنوان"))  # no invented title
    assert _errors("article", _record("article", kind="sentences", title=None, source=None)) == []
    assert _errors("article", _record("article", kind="essay"))
    assert _errors("article", _record("article", license=""))
    imported = {
        "adapter": "anercorp",
        "source_file": "ANERCorp",
        "source_commit": "a" * 40,
        "source_lines": [1, 9],
    }
    sentences = {"kind": "sentences", "title": None, "source": None}
    assert _errors("article", _record("article", **sentences, provenance=imported)) == []
    timed = {**imported, "ingested_at": "2026-01-01T00:00:00Z"}
    assert _errors("article", _record("article", **sentences, provenance=timed))  # imports carry no time
    assert _errors("article", _record("article", provenance={"adapter": "text", "source_file": "x.txt"}))


def test_imported_annotations_and_stances_without_a_counterpart() -> None:
    assert _errors("annotation", _record("annotation")) == []
    assert _errors("annotation", _record("annotation", stance=None))  # says which source label it was
    assert _errors("annotation", _record("annotation", stance=None, source_label="other")) == []
    with_ids = _record("annotation")
    with_ids["provenance"]["task_id"] = 3
    assert _errors("annotation", with_ids)  # an import has no Label Studio ids
    no_lines = _record("annotation")
    del no_lines["provenance"]["source_lines"]
    assert _errors("annotation", no_lines)
    assert _errors("annotation", {k: v for k, v in _record("annotation").items() if k != "annotated_labels"})


def test_a_split_is_a_release_s_or_the_source_s() -> None:
    record = {"article_id": "a1", "split": "test", "group": "anercorp:test"}
    assert _errors("split", {**record, "since": "source"}) == []
    assert _errors("split", {**record, "since": "0.2.0"}) == []
    assert _errors("split", {**record, "since": "sources"})
