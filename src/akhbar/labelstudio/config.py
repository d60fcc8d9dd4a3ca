"""Labeling configs for Label Studio, generated from the label scheme.

Two projects, so that nobody labels the same entities again for each claim:
  entities  one task per article: free character selection of the scheme's entity types
  stance    one task per (article, claim): the claim and the choice toward it on top, the article below
            in a scrolling box of its own
  claims    one task per article chosen for claims: three text areas (the first required) for short,
            checkable claims the article makes, the article below in a scrolling box of its own

The text sits inside a right-to-left View (checked to render Arabic right to left). Text keeps the
default character granularity: with granularity="word" a proclitic (و ب ل ك ف) could not be left
outside a name. Stance choices show Arabic and export the scheme's name through `alias`.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from akhbar.document.guidelines import instructions_block
from akhbar.errors import UsageError
from akhbar.scheme import Scheme
from akhbar.stance.claims import CLAIM_RULES

ENTITIES_FROM = "entities"
STANCE_FROM = "stance"
TEXT_TO = "text"
RTL_STYLE = "direction: rtl; text-align: right; font-size: 18px; line-height: 1.9"
CLAIM_STYLE = "background: #f4f6fb; border-right: 4px solid #4363d8; padding: 4px 12px; font-weight: 600"
# Half the window's height: with the claim, the choices and Label Studio's own bars it fits a 1000-px screen.
ARTICLE_BOX_STYLE = "max-height: 50vh; overflow-y: auto; border: 1px solid #d9dce3; padding: 0 12px"

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
CLAIMS_QUESTION = "اكتب من ادعاء واحد إلى ثلاثة ادعاءات قصيرة قابلة للتحقق يطرحها المقال، كل ادعاء في خانته"
# The text areas, in order, and what each says while empty; the first one is required.
CLAIM_PLACEHOLDERS = {
    "claim1": "الادعاء الأول (مطلوب)",
    "claim2": "الادعاء الثاني (اختياري)",
    "claim3": "الادعاء الثالث (اختياري)",
}


def _rtl_view(root: ET.Element) -> ET.Element:
    return ET.SubElement(root, "View", style=RTL_STYLE)


def entities_config(scheme: Scheme) -> str:
    root = ET.Element("View")
    view = _rtl_view(root)
    ET.SubElement(view, "Header", value="$title")
    labels = ET.SubElement(view, "Labels", name=ENTITIES_FROM, toName=TEXT_TO, showInline="true")
    for label in scheme.entity_labels:
        hint = label.description_ar or label.description  # the annotators read Arabic
        attributes = {"value": label.name, "hotkey": label.hotkey, "hint": hint}
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
    # The claim and the choices come first and the article scrolls in a box of its own below them: the
    # question and its answers stay in view (with the Submit bar) however long the article is.
    ET.SubElement(view, "Header", value=CLAIM_HEADING, size="5")
    ET.SubElement(ET.SubElement(view, "View", style=CLAIM_STYLE), "Text", name="claim", value="$claim")
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
            hint=label.description_ar or label.description,
        )
    ET.SubElement(view, "Header", value=ARTICLE_HEADING, size="5")
    article = ET.SubElement(view, "View", style=ARTICLE_BOX_STYLE)
    ET.SubElement(article, "Header", value="$title")
    ET.SubElement(article, "Text", name=TEXT_TO, value="$text")
    return ET.tostring(root, encoding="unicode")


def claims_config() -> str:
    root = ET.Element("View")
    view = _rtl_view(root)
    ET.SubElement(view, "Header", value=CLAIMS_QUESTION, size="5")
    for index, (name, placeholder) in enumerate(CLAIM_PLACEHOLDERS.items()):
        attributes = {"name": name, "toName": TEXT_TO, "placeholder": placeholder, "rows": "2"}
        attributes |= {"maxSubmissions": "1", "editable": "true", "transcription": "true"}
        if index == 0:
            attributes |= {"required": "true", "requiredMessage": "اكتب ادعاء واحدا على الأقل"}
        ET.SubElement(view, "TextArea", attributes)
    ET.SubElement(view, "Header", value=ARTICLE_HEADING, size="5")
    article = ET.SubElement(view, "View", style=ARTICLE_BOX_STYLE)
    ET.SubElement(article, "Header", value="$title")
    ET.SubElement(article, "Text", name=TEXT_TO, value="$text")
    return ET.tostring(root, encoding="unicode")


def label_config(layer: str, scheme: Scheme) -> str:
    if layer == "claims":
        return claims_config()
    return entities_config(scheme) if layer == "entities" else stance_config(scheme)


def instruction_html(layer: str, scheme: Scheme, *, guidelines_url: str | None = None) -> str:
    """The top of Label Studio's instructions window (the layer's guidelines follow it): in Arabic, right
    to left, what to do and the labels with their keys; the place to link the annotation guidelines."""
    esc = html.escape
    parts = []
    if layer == "entities":
        parts.append(
            "<p>حدّد كل كيان مسمّى في نص المقال وأعطه نوعه. التحديد بالحرف لا بالكلمة: اترك الحرف المتصل"
            " مثل و أو ب خارج الاسم.</p><ul>"
        )
        for label in scheme.entity_labels:
            example = f" — {esc(label.example)}" if label.example else ""
            parts.append(
                f"<li><b>{esc(label.name)}</b> (<bdi>{esc(label.hotkey)}</bdi>):"
                f" {esc(label.description_ar or label.description)}{example}</li>"
            )
    elif layer == "claims":
        parts.append(f"<p>اقرأ المقال، ثم {esc(CLAIMS_QUESTION)}. الخانة الأولى مطلوبة.</p><ul>")
        for _, arabic in CLAIM_RULES:
            parts.append(f"<li>{esc(arabic)}</li>")
    else:
        parts.append("<p>اقرأ الادعاء، ثم المقال، واختر موقف المقال من الادعاء.</p><ul>")
        for label in scheme.stance_labels:
            parts.append(
                f"<li><b>{esc(STANCE_ARABIC.get(label.name, label.name))}</b>"
                f" (<bdi>{esc(label.name)}</bdi>، <bdi>{esc(label.hotkey)}</bdi>):"
                f" {esc(label.description_ar or label.description)}</li>"
            )
    parts.append("</ul>")
    if guidelines_url:
        parts.append(f'<p><a href="{esc(guidelines_url)}">إرشادات التوسيم كاملة</a></p>')
    return instructions_block("".join(parts), arabic=True)
