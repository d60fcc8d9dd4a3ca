"""Which collection is under which terms: LICENSE.md's and DATASHEET.md's `collections` blocks and the
card's table, generated from the registry and the release, and caught by `--check` when stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from akhbar import jsonl
from akhbar.document import card
from akhbar.document.blocks import block
from akhbar.document.licences import growth
from akhbar.document.run import DATASHEET, LICENSE, document
from akhbar.paths import Project
from akhbar.registry import REGISTRY, read_registry
from akhbar.release import manifest as manifests
from akhbar.scheme import load_scheme

REPO = Path(__file__).resolve().parents[2]


def test_the_datasheet_counts_each_collection_and_what_each_release_added(released: Project) -> None:
    text = block((released.root / DATASHEET).read_text("utf-8"), "collections", where="DATASHEET.md")
    (akhbar,) = [line for line in text.splitlines() if line.startswith("| `akhbar` |")]
    assert "`CC-BY-4.0`" in akhbar and "article 3" in akhbar and "articles 3, ner 3, stance 2" in akhbar
    assert "entities: PERS, NORP" in akhbar  # the whole scheme: the project's annotators see every type
    (shafaq,) = [line for line in text.splitlines() if line.startswith("| `shafaqnews` |")]
    assert "`LicenseRef-publisher-copyright`" in shafaq and "| none |" in shafaq  # no record in this release
    assert "0 paragraphs of 200 or more characters" in text
    (row,) = growth(manifests.history(released.data))
    current = manifests.read(released.data)
    assert row[0] == "`1.0.0`"
    assert int(row[3].replace(",", "")) == sum(current["bytes"].values()) > 0  # the first release: all new


def test_growth_counts_only_files_new_or_changed_since_the_previous_manifest() -> None:
    first = {"version": "1.0.0", "date": "d", "corpus": {"files": {"a": "1"}}, "files": {"d": "x"}}
    second = {"version": "1.1.0", "date": "e", "corpus": {"files": {"a": "1", "b": "2"}}, "files": {"d": "y"}}
    first["bytes"] = {"a": 10, "d": 5}
    second["bytes"] = {"a": 10, "b": 7, "d": 6}
    assert growth([second, first]) == [["`1.0.0`", "d", "2", "15"], ["`1.1.0`", "e", "2", "13"]]
    del first["bytes"]
    assert growth([first])[0][3].startswith("unknown")


def test_the_licence_table_follows_the_registry_and_check_catches_a_change(released: Project) -> None:
    shutil.copy(REPO / LICENSE, released.root / LICENSE)
    document(project=released, parts=["license"])
    text = block((released.root / LICENSE).read_text("utf-8"), "collections", where="LICENSE.md")
    registry = read_registry(released.corpus / REGISTRY)
    for name, entry in registry.items():
        assert f"| `{name}` |" in text and f"[`{entry['license']}`]({entry['license_url']})" in text
    assert document(project=released, check=True, parts=["license"]).stale == []
    changed = dict(registry)
    changed["ans"] = {**registry["ans"], "attribution": "ANS (Jude Khouja, 2020), Apache License 2.0, v2"}
    jsonl.write(released.corpus / REGISTRY, [changed[name] for name in sorted(changed)])
    try:
        assert document(project=released, check=True, parts=["license"]).stale == ["LICENSE.md"]
    finally:
        jsonl.write(released.corpus / REGISTRY, [registry[name] for name in sorted(registry)])


def test_the_card_states_each_collections_terms_and_the_training_mask(released: Project) -> None:
    current = manifests.read(released.data)
    readme = (released.root / "README.md").read_text("utf-8")
    assert card.generated_block(card.split_readme(readme)[1].lstrip("\n")) == card.render_block(current)
    assert "## Collections and their terms" in readme
    assert "| `akhbar` | akhbar annotations and claims | [`CC-BY-4.0`]" in readme
    assert 'row["annotated_labels"]' in readme
    assert card.front_matter(current, load_scheme())["license"] == "other"
