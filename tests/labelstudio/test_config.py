"""The labeling configs follow the label scheme: names, hotkeys, RTL text, free selection, Arabic stance."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from labelstudio_helpers import REPO

from akhbar.labelstudio.config import STANCE_ARABIC, entities_config, instruction_html, stance_config
from akhbar.scheme import load_scheme

SCHEME = load_scheme(REPO.schema)


def test_entity_labels_are_the_scheme_with_hotkeys_and_free_selection() -> None:
    root = ET.fromstring(entities_config(SCHEME))
    labels = root.findall(".//Labels/Label")
    assert [(label.get("value"), label.get("hotkey")) for label in labels] == [
        (label.name, label.hotkey) for label in SCHEME.entity_labels
    ]
    text = root.find(".//Text")
    assert text is not None and text.get("value") == "$text"
    # Character selection: "word" would force a proclitic into the entity.
    assert text.get("granularity") in (None, "symbol")


def test_text_and_title_sit_in_a_right_to_left_view() -> None:
    for config in (entities_config(SCHEME), stance_config(SCHEME)):
        root = ET.fromstring(config)
        rtl = [view for view in root.iter("View") if "direction: rtl" in (view.get("style") or "")]
        assert len(rtl) == 1
        assert {element.get("value") for element in rtl[0].iter() if element.tag in ("Text", "Header")} >= {
            "$text",
            "$title",
        }


def test_stance_choices_show_arabic_and_store_the_scheme_names() -> None:
    root = ET.fromstring(stance_config(SCHEME))
    choices = root.find(".//Choices")
    assert choices is not None and choices.get("toName") == "text" and choices.get("choice") == "single-radio"
    shown = [(choice.get("alias"), choice.get("value"), choice.get("hotkey")) for choice in choices]
    assert shown == [(label.name, STANCE_ARABIC[label.name], label.hotkey) for label in SCHEME.stance_labels]
    assert all(any("\u0600" <= char <= "\u06ff" for char in value or "") for _, value, _ in shown)
    # The claim is shown; no entity labels in the stance project.
    assert root.find(".//Text[@name='claim']") is not None
    assert root.find(".//Labels") is None


def test_instructions_list_the_labels_escape_html_and_link_the_guidelines() -> None:
    page = instruction_html("entities", SCHEME, guidelines_url="https://example.org/g?a=1&b=<2>")
    for label in SCHEME.entity_labels:
        assert f"<b>{label.name}</b>" in page
    assert 'href="https://example.org/g?a=1&amp;b=&lt;2&gt;"' in page
    assert "<a " not in instruction_html("stance", SCHEME)
    assert STANCE_ARABIC["Agree"] in instruction_html("stance", SCHEME)
    # In Arabic, right to left, with the scheme's Arabic descriptions.
    assert page.startswith('<div class="akhbar-guidelines" dir="rtl" lang="ar">')
    assert SCHEME.entity_labels[0].description_ar in page


def test_stance_page_puts_claim_and_choices_above_the_article_in_its_own_scrolling_box() -> None:
    """The annotator answers without scrolling past the article (the browser test measures it)."""
    root = ET.fromstring(stance_config(SCHEME))
    order = [element.get("name") for element in root.iter() if element.tag in ("Text", "Choices")]
    assert order == ["claim", "stance", "text"]
    (box,) = [view for view in root.iter("View") if view.find("Text[@name='text']") is not None]
    assert "overflow-y: auto" in box.get("style", "") and "max-height" in box.get("style", "")
    # The hints shown on hover are the scheme's Arabic descriptions, as the rest of the page is Arabic.
    choices = root.find(".//Choices")
    assert choices is not None
    assert [choice.get("hint") for choice in choices] == [
        label.description_ar for label in SCHEME.stance_labels
    ]
