"""The annotation guidelines' table of entity types, generated from the label scheme."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from akhbar.errors import UsageError
from akhbar.scheme import Scheme


def scheme_table(scheme: Scheme) -> str:
    lines = ["| type | key | what it covers | example |", "| --- | --- | --- | --- |"]
    for label in scheme.entity_labels:
        example = label.example or ""
        lines.append(f"| **{label.name}** | `{label.hotkey}` | {label.description} | {example} |")
    return "\n".join(lines)


GUIDELINES = Path("docs/guidelines.md")
# The guideline sections an annotator of each layer needs, by their headings in docs/guidelines.md.
SECTIONS = {"entities": ("## 1. Entities", "## 3. Review"), "stance": ("## 2. Stance", "## 3. Review")}


def guidelines_html(markdown: str, layer: str) -> str:
    """The layer's sections of the guidelines as HTML, for Label Studio's instructions panel."""
    chosen = []
    for heading in SECTIONS[layer]:
        start = markdown.find(heading)
        if start < 0:
            raise UsageError(f"the guidelines have no section {heading!r}")
        following = markdown.find("\n## ", start + len(heading))
        chosen.append(markdown[start : following if following >= 0 else len(markdown)])
    rendered = MarkdownIt("commonmark").enable("table").render("\n".join(chosen))
    # Comments (the generated-block markers) mean nothing to an annotator.
    return re.sub(r"<!-- [a-z-]+:(begin|end) -->\n?", "", rendered)


def layer_guidelines(root: Path, layer: str) -> str:
    """The layer's guidelines as HTML from the checkout at `root`; empty when it has no docs/guidelines.md."""
    path = root / GUIDELINES
    return guidelines_html(path.read_text("utf-8"), layer) if path.is_file() else ""
