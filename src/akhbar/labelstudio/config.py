"""Labeling configs for Label Studio, generated from the label scheme.

Two projects, so that nobody labels the same entities again for each claim:
  entities  one task per article: free character selection of the scheme's entity types
  stance    one task per (article, claim): the claim, the article, one choice toward the claim

The text sits inside a right-to-left View (checked to render Arabic right to left). Text keeps the
default character granularity: with granularity="word" a proclitic (و ب ل ك ف) could not be left
outside a name. Stance choices show Arabic and export the scheme's name through `alias`.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from akhbar.errors import UsageError
from akhbar.scheme import Scheme

ENTITIES_FROM = "entities"
STANCE_FROM = "stance"
TEXT_TO = "text"
RTL_STYLE = "direction: rtl; text-align: right; font-size: 18px; line-height: 1.9"

# What the annotator reads for each stance label; the stored value stays the scheme's name.
STANCE_ARABIC = {
    "Agree": "يؤيد الادعاء",
    "Disagree": "يعارض الادعاء",
    "Discuss": "يناقش الادعاء دون أن يتخذ موقفا",
    "Unrelated": "لا علاقة له بالادعاء",
}
CLAIM_HEADING = "الادعاء"
ARTICLE_HEADING = "المقال"
STANCE_QUESTION = "ما موقف المقال من الادعاء؟"


def _rtl_view(root: ET.Element) -> ET.Element:
    return ET.SubElement(root, "View", style=RTL_STYLE)


def entities_config(scheme: Scheme) -> str:
    root = ET.Element("View")
    view = _rtl_view(root)
    ET.SubElement(view, "Header", value="$title")
    labels = ET.SubElement(view, "Labels", name=ENTITIES_FROM, toName=TEXT_TO, showInline="true")
    for label in scheme.entity_labels:
        attributes = {"value": label.name, "hotkey": label.hotkey, "hint": label.description}
        if label.color:
            attributes["background"] = label.color
        ET.SubElement(labels, "Label", attributes)
    ET.SubElement(view, "Text", name=TEXT_TO, value="$text")
    return ET.tostring(root, encoding="unicode")


def stance_config(scheme: Scheme) -> str:
    missing = [name for name in scheme.stance_names if name not in STANCE_ARABIC]
    if missing:
        raise UsageError(
            f"no Arabic wording for stance label(s) {', '.join(missing)} in akhbar.labelstudio.config"
        )
    root = ET.Element("View")
    view = _rtl_view(root)
    ET.SubElement(view, "Header", value=CLAIM_HEADING, size="5")
    ET.SubElement(view, "Text", name="claim", value="$claim")
    ET.SubElement(view, "Header", value=ARTICLE_HEADING, size="5")
    ET.SubElement(view, "Header", value="$title")
    ET.SubElement(view, "Text", name=TEXT_TO, value="$text")
    ET.SubElement(view, "Header", value=STANCE_QUESTION, size="5")
    choices = ET.SubElement(
        view, "Choices", name=STANCE_FROM, toName=TEXT_TO, choice="single-radio", required="true"
    )
    for label in scheme.stance_labels:
        ET.SubElement(
            choices,
            "Choice",
            value=STANCE_ARABIC[label.name],
            alias=label.name,
            hotkey=label.hotkey,
            hint=label.description,
        )
    return ET.tostring(root, encoding="unicode")


def label_config(layer: str, scheme: Scheme) -> str:
    return entities_config(scheme) if layer == "entities" else stance_config(scheme)


def instruction_html(layer: str, scheme: Scheme, *, guidelines_url: str | None = None) -> str:
    """The instructions shown above the labeling page; the place to link the annotation guidelines."""
    esc = html.escape
    parts = []
    if layer == "entities":
        parts.append(
            "<p>Select each named entity in the article text and give it a type. Select characters, not"
            " whole words: leave a proclitic such as و or ب outside the name.</p><ul>"
        )
        for label in scheme.entity_labels:
            example = f' — <span dir="rtl">{esc(label.example)}</span>' if label.example else ""
            parts.append(
                f"<li><b>{esc(label.name)}</b> ({esc(label.hotkey)}): {esc(label.description)}{example}</li>"
            )
    else:
        parts.append(
            "<p>Read the claim, then the article, and choose the article's stance toward the claim.</p><ul>"
        )
        for label in scheme.stance_labels:
            parts.append(
                f'<li><b dir="rtl">{esc(STANCE_ARABIC.get(label.name, label.name))}</b>'
                f" ({esc(label.name)}, {esc(label.hotkey)}): {esc(label.description)}</li>"
            )
    parts.append("</ul>")
    if guidelines_url:
        parts.append(f'<p>Read the <a href="{esc(guidelines_url)}">annotation guidelines</a>.</p>')
    return "".join(parts)
