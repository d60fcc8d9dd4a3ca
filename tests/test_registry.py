"""The collection registry: its records, the terms records take from it, how licences combine."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar import jsonl
from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.registry import (
    OWN,
    OWN_TERMS,
    REGISTRY,
    collection,
    combine_attributions,
    combine_licenses,
    read_registry,
    terms,
)
from akhbar.scheme import load_scheme, validator

REPO = Path(__file__).resolve().parents[1]
COLLECTIONS = read_registry(REPO / "corpus" / REGISTRY)


def test_the_registry_holds_the_five_collections_each_valid_and_in_id_order() -> None:
    assert list(COLLECTIONS) == ["akhbar", "anercorp", "ans", "saudinewsnet", "shafaqnews"]
    schema = validator("collection", REPO / "schema")
    for record in COLLECTIONS.values():
        assert [error.message for error in schema.iter_errors(record)] == []
    licences = {name: entry["license"] for name, entry in COLLECTIONS.items()}
    assert licences == {
        "akhbar": "CC-BY-4.0",
        "anercorp": "CC-BY-SA-4.0",
        "ans": "Apache-2.0",
        "saudinewsnet": "CC-BY-NC-SA-4.0",
        "shafaqnews": "LicenseRef-publisher-copyright",
    }


def test_the_own_terms_in_code_are_the_registry_s() -> None:
    entry = COLLECTIONS[OWN]
    assert {"collection": OWN, "license": entry["license"], "attribution": entry["attribution"]} == OWN_TERMS
    scheme = load_scheme(REPO / "schema")
    assert entry["annotated_labels"] == {
        "entities": list(scheme.entity_names),
        "stance": list(scheme.stance_names),
    }


def test_an_article_of_a_collection_of_outlets_credits_its_outlet() -> None:
    assert terms(COLLECTIONS["saudinewsnet"], "okaz") == {
        "collection": "saudinewsnet",
        "license": "CC-BY-NC-SA-4.0",
        "attribution": "SaudiNewsNet (Mazen Abdulaziz, 2015), CC BY-NC-SA 4.0; article © okaz",
    }
    assert (
        terms(COLLECTIONS["shafaqnews"], "shafaqnews")["attribution"]
        == COLLECTIONS["shafaqnews"]["attribution"]
    )
    assert terms(COLLECTIONS["anercorp"], None)["attribution"] == COLLECTIONS["anercorp"]["attribution"]


def test_licences_combine_sorted_distinct_and_never_widened() -> None:
    assert combine_licenses(["CC-BY-NC-SA-4.0", "CC-BY-4.0", "CC-BY-4.0"]) == "CC-BY-4.0 AND CC-BY-NC-SA-4.0"
    assert combine_licenses(["Apache-2.0"]) == "Apache-2.0"
    assert combine_attributions(["b", "a", "b"]) == "b; a"


def test_an_unknown_collection_is_a_usage_error_naming_the_known_ones(tmp_path: Path) -> None:
    project = Project(tmp_path)
    with pytest.raises(UsageError, match="is missing or empty"):
        collection(project, "akhbar")
    jsonl.write(tmp_path / "corpus" / REGISTRY, [COLLECTIONS["ans"]])
    assert collection(project, "ans") == COLLECTIONS["ans"]
    with pytest.raises(UsageError, match=r"no collection 'seed' in the registry \(known: ans\)"):
        collection(project, "seed")
