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
