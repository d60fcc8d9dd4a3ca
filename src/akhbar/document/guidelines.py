"""The annotation guidelines: docs/guidelines.md (English, the reference) and docs/guidelines.ar.md (the
Arabic text annotators read in Label Studio). Generated here: each file's table of entity types, from the
label scheme, and the Arabic file's example tables, copied from the English file (where the tests check
them against the seed article) with their header row in Arabic.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from akhbar import markdown
from akhbar.document.blocks import block
from akhbar.errors import UsageError
from akhbar.scheme import Scheme
from akhbar.stance.claims import CLAIM_RULES


def scheme_table(scheme: Scheme) -> str:
    rows = [
        [f"**{label.name}**", f"`{label.hotkey}`", label.description, label.example or ""]
        for label in scheme.entity_labels
    ]
    return "\n".join(markdown.table(["type", "key", "what it covers", "example"], rows))


def scheme_table_ar(scheme: Scheme) -> str:
    missing = [label.name for label in scheme.entity_labels if not label.description_ar]
    if missing:
        raise UsageError(
            f"no Arabic description (description_ar) for {', '.join(missing)} in schema/label-scheme.json"
        )
    rows = [
        [f"**{label.name}**", f"`{label.hotkey}`", label.description_ar or "", label.example or ""]
        for label in scheme.entity_labels
    ]
    return "\n".join(markdown.table(["النوع", "المفتاح", "ما يشمله", "مثال"], rows))


GUIDELINES = Path("docs/guidelines.md")
GUIDELINES_AR = Path("docs/guidelines.ar.md")
# The guideline sections an annotator of each layer needs, by their headings in each file.
SECTIONS = {
    "entities": ("## 1. Entities", "## 3. Review"),
    "stance": ("## 2. Stance", "## 3. Review"),
    "claims": ("## 5. Claims",),
}
SECTIONS_AR = {
    "entities": ("## 1. الكيانات", "## 3. المراجعة"),
    "stance": ("## 2. الموقف", "## 3. المراجعة"),
    "claims": ("## 5. الادعاءات",),
}
# The example tables both files carry: the English file's rows under an Arabic header.
SHARED_BLOCKS_AR = {
    "seed-examples": "| النوع | الكيان | في الكلمات من حوله |",
    "proclitic-examples": "| كما كُتب في المقال الأول | الكيان |",
    "stance-examples": "| الموقف | الادعاء | الدليل في المقال |",
}


def claim_rules(*, arabic: bool = False) -> str:
    """The checklist for a claim (akhbar.stance.claims.CLAIM_RULES) as a numbered list: the same text
    the claims project's instructions show."""
    return "\n".join(f"{n}. {rule[1 if arabic else 0]}" for n, rule in enumerate(CLAIM_RULES, start=1))


def arabic_blocks(english: str, scheme: Scheme) -> dict[str, str]:
    """The generated blocks of docs/guidelines.ar.md: block name -> content."""
    made = {"scheme": scheme_table_ar(scheme), "claim-rules": claim_rules(arabic=True)}
    for name, header in SHARED_BLOCKS_AR.items():
        rows = block(english, name, where=str(GUIDELINES)).strip("\n").split("\n")
        made[name] = "\n".join([header, *rows[1:]])
    return made


# Arabic letters: a code span holding them is an example, shown in the text's own font (a monospace font
# pulls Arabic letters apart).
_ARABIC_CODE = re.compile(r"<code>([^<]*[\u0600-\u06ff][^<]*)</code>")
# Label Studio cleans the instructions it stores: no style="..." attributes, but a <style> element stays.
# Its rules, scoped to this class, give back the bullets, spacing and table rules its own style sheet
# resets; "start" follows the direction of the text.
INSTRUCTIONS_CLASS = "akhbar-guidelines"
_RULES = {
    "p": "margin: 0.4em 0",
    "ul": "list-style: disc; padding-inline-start: 1.5em; margin: 0.4em 0",
    "ol": "list-style: decimal; padding-inline-start: 1.5em; margin: 0.4em 0",
    "h2": "font-size: 1.35em; font-weight: 600; margin: 1em 0 0.4em",
    "h3": "font-size: 1.15em; font-weight: 600; margin: 0.8em 0 0.3em",
    "table": "border-collapse: collapse; margin: 0.4em 0",
    "th": "text-align: start; padding: 2px 8px; border-bottom: 2px solid #d9dce3",
    "td": "text-align: start; padding: 2px 8px; border-bottom: 1px solid #eceef3; vertical-align: top",
}
INSTRUCTIONS_STYLE = (
    "<style>"
    + "".join(f".{INSTRUCTIONS_CLASS} {tag} {{ {rule} }}" for tag, rule in _RULES.items())
    + "</style>"
)


def instructions_block(html: str, *, arabic: bool) -> str:
    """`html` in the block the style rules apply to; Arabic right to left."""
    direction = ' dir="rtl" lang="ar"' if arabic else ""
    return f'<div class="{INSTRUCTIONS_CLASS}"{direction}>{html}</div>'


def guidelines_html(markdown: str, layer: str, *, arabic: bool = False) -> str:
    """The layer's sections of the guidelines as HTML, for Label Studio's instructions window; the Arabic
    text in a right-to-left block."""
    chosen = []
    for heading in (SECTIONS_AR if arabic else SECTIONS)[layer]:
        start = markdown.find(heading)
        if start < 0:
            raise UsageError(f"the guidelines have no section {heading!r}")
        following = markdown.find("\n## ", start + len(heading))
        chosen.append(markdown[start : following if following >= 0 else len(markdown)])
    rendered = MarkdownIt("commonmark").enable("table").render("\n".join(chosen))
    # Comments (the generated-block markers) mean nothing to an annotator.
    rendered = re.sub(r"<!-- [a-z-]+:(begin|end) -->\n?", "", rendered)
    return instructions_block(_ARABIC_CODE.sub(r"<bdi>\1</bdi>", rendered), arabic=arabic)


def layer_guidelines(root: Path, layer: str) -> str:
    """The layer's guidelines as HTML from the checkout at `root`: the Arabic text when the checkout has
    it, else the English; empty when it has neither."""
    for relative, arabic in ((GUIDELINES_AR, True), (GUIDELINES, False)):
        path = root / relative
        if path.is_file():
            return guidelines_html(path.read_text("utf-8"), layer, arabic=arabic)
    return ""
