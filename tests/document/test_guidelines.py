"""The annotation guidelines: generated type table, and every quoted example true to the seed article."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from akhbar.corpus import iter_articles, iter_targets
from akhbar.document.blocks import block, replace_block
from akhbar.document.guidelines import GUIDELINES_AR, guidelines_html, layer_guidelines, scheme_table
from akhbar.document.run import GUIDELINES, document, outputs
from akhbar.errors import UsageError
from akhbar.labelstudio.config import STANCE_ARABIC
from akhbar.paths import Project, find_project
from akhbar.scheme import load_scheme

PROJECT = find_project()
TEXT = (PROJECT.root / GUIDELINES).read_text("utf-8")
TEXT_AR = (PROJECT.root / GUIDELINES_AR).read_text("utf-8")
SCHEME = load_scheme(PROJECT.schema)
SEED = next(a for a in iter_articles(PROJECT) if a["source"] == "shafaqnews")["text"]


def table(name: str) -> list[list[str]]:
    """Rows of the Markdown table inside a generated or checked block, header and rule left out."""
    lines = [line for line in block(TEXT, name, where=str(GUIDELINES)).splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_type_table_lists_every_scheme_type_in_order() -> None:
    names = [re.sub(r"\*", "", row[0]) for row in table("scheme")]
    assert names == list(SCHEME.entity_names)
    assert [row[1].strip("`") for row in table("scheme")] == [label.hotkey for label in SCHEME.entity_labels]


def test_committed_guidelines_match_the_scheme() -> None:
    generated = {output.path: output.make().decode("utf-8") for output in outputs(PROJECT, ["guidelines"])}
    assert sorted(generated) == [GUIDELINES_AR, GUIDELINES]
    assert generated[GUIDELINES] == TEXT, "docs/guidelines.md is stale: run `akhbar document`"
    assert generated[GUIDELINES_AR] == TEXT_AR, "docs/guidelines.ar.md is stale: run `akhbar document`"


def test_arabic_guidelines_carry_the_english_examples_and_the_arabic_scheme() -> None:
    for name in ("seed-examples", "proclitic-examples", "stance-examples"):
        english = block(TEXT, name, where="en").splitlines()
        arabic = block(TEXT_AR, name, where="ar").splitlines()
        assert arabic[1:] == english[1:] and arabic[0] != english[0]  # same rows, Arabic header
    rows = [line for line in block(TEXT_AR, "scheme", where="ar").splitlines() if line.startswith("| **")]
    assert [row.split("|")[3].strip() for row in rows] == [
        label.description_ar for label in SCHEME.entity_labels
    ]


def test_arabic_stance_section_names_the_choices_annotators_see() -> None:
    section = TEXT_AR.split("## 2. الموقف", 1)[1].split("\n## ", 1)[0]
    for label in SCHEME.stance_labels:
        assert f"| **{STANCE_ARABIC[label.name]}** ({label.name}) |" in section


def test_arabic_guidelines_render_right_to_left_without_arabic_code_spans() -> None:
    for layer, heading in (("entities", "<h2>1. الكيانات</h2>"), ("stance", "<h2>2. الموقف</h2>")):
        page = guidelines_html(TEXT_AR, layer, arabic=True)
        assert page.startswith('<div class="akhbar-guidelines" dir="rtl" lang="ar">')
        assert heading in page and "<h2>3. المراجعة والحقيقة المرجعية</h2>" in page
    # An Arabic example in a code span (as the English file quotes "ماكنزي") comes out in the body font.
    english = guidelines_html(TEXT, "entities")
    assert "<bdi>&quot;ماكنزي&quot;</bdi>" in english
    assert not re.search(
        r"<code>[^<]*[\u0600-\u06ff]", english + guidelines_html(TEXT_AR, "entities", arabic=True)
    )
    # Label Studio is given the Arabic text when a checkout has it.
    assert layer_guidelines(PROJECT.root, "stance") == guidelines_html(TEXT_AR, "stance", arabic=True)


def test_seed_examples_occur_as_written() -> None:
    rows = table("seed-examples")
    assert len(rows) >= 20
    for label, span, context in rows:
        assert label in SCHEME.entity_names
        assert context in SEED, context
        assert span in context, (span, context)


def test_proclitic_examples_drop_exactly_one_proclitic() -> None:
    rows = table("proclitic-examples")
    assert rows
    for written, span in rows:
        assert written in SEED
        assert written[0] in "وفبلك" and span == written[1:]


def test_stance_examples_quote_the_seed_article_for_its_claims() -> None:
    claims = {target["id"] for target in iter_targets(PROJECT)}
    rows = table("stance-examples")
    assert {label for label, _, _ in rows} <= set(SCHEME.stance_names)
    for _label, claim, evidence in rows:
        assert claim in claims
        assert evidence in SEED, evidence


def test_stance_table_covers_the_scheme_labels() -> None:
    section = TEXT.split("## 2. Stance", 1)[1]
    labels = re.findall(r"^\| \*\*(\w+)\*\* \|", section, flags=re.MULTILINE)
    assert labels == list(SCHEME.stance_names)


def test_nested_examples_occur_in_the_seed_article() -> None:
    section = TEXT.split("### Nested entities", 1)[1].split("## 2.", 1)[0]
    quoted = re.findall(r"^- ([\u0600-\u06ff ]+) is an", section, flags=re.MULTILINE)
    inner = re.findall(r"inside it ([\u0600-\u06ff ]+) is an", section)
    assert len(quoted) == 3 and len(inner) == 2
    for outer in quoted:
        assert outer.strip() in SEED
    for name in inner:
        assert any(name.strip() in outer for outer in quoted)


def test_blocks_need_one_pair_of_markers() -> None:
    with pytest.raises(UsageError, match="exactly one"):
        replace_block("no markers here", "scheme", "x", where="f.md")
    twice = "<!-- a:begin -->\n<!-- a:end -->\n<!-- a:begin -->\n<!-- a:end -->\n"
    with pytest.raises(UsageError, match=r"f\.md"):
        block(twice, "a", where="f.md")
    assert replace_block("x\n<!-- a:begin -->\nold\n<!-- a:end -->\ny", "a", "new", where="f") == (
        "x\n<!-- a:begin -->\nnew\n<!-- a:end -->\ny"
    )


def test_a_changed_scheme_makes_the_guidelines_stale(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECT.schema, root / "schema")
    (root / "docs").mkdir(parents=True)
    shutil.copy(PROJECT.root / GUIDELINES, root / GUIDELINES)
    scheme_file = root / "schema" / "label-scheme.json"
    raw = json.loads(scheme_file.read_text("utf-8"))
    raw["entities"]["labels"][0]["description"] = "Person, described anew."
    scheme_file.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    project = Project(root)
    stale = document(project=project, check=True, parts=["guidelines"])
    assert stale.stale == [GUIDELINES.as_posix()] and stale.exit_code == 1
    assert "described anew" not in (root / GUIDELINES).read_text("utf-8")  # --check writes nothing
    assert document(project=project, parts=["guidelines"]).written == [GUIDELINES.as_posix()]
    assert "Person, described anew." in (root / GUIDELINES).read_text("utf-8")
    assert document(project=project, check=True, parts=["guidelines"]).exit_code == 0
    assert scheme_table(load_scheme(root / "schema")).count("| **") == len(SCHEME.entity_names)


def test_each_layer_gets_its_sections_as_html() -> None:
    entities, stance = guidelines_html(TEXT, "entities"), guidelines_html(TEXT, "stance")
    assert "<h3>The proclitic rule</h3>" in entities and "<table>" in entities
    assert "<h2>2. Stance</h2>" not in entities
    assert "<h2>2. Stance</h2>" in stance and "The proclitic rule" not in stance
    assert (
        "<h2>3. Review and ground truth</h2>" in entities and "<h2>3. Review and ground truth</h2>" in stance
    )
    assert ":begin -->" not in entities + stance
    with pytest.raises(UsageError, match="no section"):
        guidelines_html("# nothing", "stance")
