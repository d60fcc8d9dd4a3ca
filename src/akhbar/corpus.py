"""The corpus on disk: articles, stance targets and annotation layers, stored apart and joined by ids.

corpus/collections/collections.jsonl      the collections and their terms (akhbar.registry)
corpus/articles/<collection>/<source or collection>.jsonl
                                          one article (document, headline) per line, sorted by id
corpus/targets/<name>.jsonl               stance targets (claims) attached to articles
corpus/annotations/<layer>/<name>.jsonl   one annotation record per annotator per task
corpus/splits/<name>.jsonl                the split of every released article, kept across releases
                                          (assignment.jsonl: the release's; <collection>.jsonl: a source's)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from akhbar import jsonl
from akhbar.paths import Project
from akhbar.text.rules import BIDI_CONTROLS, TATWEEL, ZERO_WIDTH

Kind = Literal["article", "target", "annotation", "split", "collection"]
LAYERS = ("entities", "stance")

_INVISIBLE = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}{TATWEEL}]")


def text_sha256(text: str) -> str:
    """The hash that ties an annotation to the exact article text it was made on."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fold(text: str) -> str:
    """The text duplicates are compared on: NFC, invisible controls and tatweel removed, whitespace runs
    folded, trimmed."""
    # str.split() splits on exactly the characters the regex \s matches, several times faster.
    return " ".join(visible(text).split())


def visible(text: str) -> str:
    """`fold` before its white space is folded: NFC, invisible controls and tatweel removed. Its lines
    (split on "\n") are the NFC of the text's lines, since no character composes across a line feed:
    the release folds each paragraph from them without normalizing it again."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _INVISIBLE.sub("", text)


def dedup_key(text: str) -> str:
    """Exact-duplicate key: the sha256 of the folded text."""
    return hashlib.sha256(fold(text).encode("utf-8")).hexdigest()


def kind_of(path: Path) -> Kind | None:
    """What a corpus file holds, from the folder it is in."""
    parts = path.parts
    if "collections" in parts:
        return "collection"
    if "annotations" in parts:
        return "annotation"
    if "splits" in parts:
        return "split"
    if "targets" in parts:
        return "target"
    if "articles" in parts:
        return "article"
    return None


def corpus_files(root: Path) -> list[Path]:
    """All JSON Lines files of a corpus folder, in a stable order."""
    return sorted(
        path
        for path in root.rglob("*.jsonl")
        if not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def iter_articles(project: Project) -> Iterator[dict[str, Any]]:
    """Every article record. Like the other iter_*, for a corpus that `validate.gate.require_valid` has
    passed: a line that does not parse raises a DataError (file, line, rule), nothing checks fields."""
    for path in corpus_files(project.articles):
        for _, record in jsonl.read(path):
            yield record


def iter_targets(project: Project) -> Iterator[dict[str, Any]]:
    for path in corpus_files(project.targets):
        for _, record in jsonl.read(path):
            yield record


def iter_annotations(project: Project, layer: str | None = None) -> Iterator[dict[str, Any]]:
    folder = project.annotations / layer if layer else project.annotations
    if folder.is_dir():
        for path in corpus_files(folder):
            for _, record in jsonl.read(path):
                yield record
