"""Every rule the validator knows: stable id, severity, level and what it means."""

from __future__ import annotations

from dataclasses import dataclass

from akhbar.text.rules import RULES as TEXT_RULES
from akhbar.text.rules import Severity


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    level: str
    description: str


E, W = Severity.ERROR, Severity.WARNING

_RULES = [
    Rule("file-io", E, "file", "The file cannot be read (the exit code is then 2)."),
    Rule(
        "file-encoding",
        E,
        "file",
        "The file is not UTF-8 (one finding naming the likely encoding), or lines of a UTF-8 file hold bytes "
        "that are not (one finding per line).",
    ),
    Rule("file-bom", E, "file", "The file starts with a UTF-8 byte-order mark."),
    Rule("line-ending", E, "file", "Lines end with \\r\\n or the last line has no \\n."),
    Rule("blank-line", W, "file", "An empty line between records."),
    Rule(
        "unknown-file",
        W,
        "file",
        "A .jsonl file outside collections/, articles/, targets/, annotations/ and splits/.",
    ),
    Rule("json-syntax", E, "json", "The line is not one JSON object."),
    Rule(
        "json-depth",
        E,
        "json",
        "Values nest deeper than 64 levels (a record needs 4): refused before anything walks them.",
    ),
    Rule("schema", E, "schema", "The record does not match its JSON Schema."),
    Rule(
        "not-canonical",
        W,
        "json",
        "The line is not in canonical form (sorted keys, compact, characters unescaped).",
    ),
    Rule("sort-order", W, "json", "Records are not sorted by id."),
    Rule(
        "duplicate-id",
        E,
        "corpus",
        "The same id appears twice among records of one kind (for splits: the same article_id twice).",
    ),
    Rule(
        "text-empty",
        E,
        "text",
        "A title or text that is empty or only white space (unknown title is null; the text of a record of "
        'kind "headline" is "" by definition).',
    ),
    Rule(
        "unknown-article",
        E,
        "corpus",
        "A target, annotation or split points to an article id that does not exist.",
    ),
    Rule(
        "unknown-collection",
        E,
        "corpus",
        "An article, target or annotation names a collection that corpus/collections/collections.jsonl "
        "does not hold.",
    ),
    Rule(
        "license-mismatch",
        E,
        "corpus",
        "A record's license differs from the licence of its collection in the registry.",
    ),
    Rule("unknown-target", E, "corpus", "A stance record points to a target id that does not exist."),
    Rule("target-not-attached", E, "corpus", "A stance record's article is not among its target's articles."),
    Rule("unknown-label", E, "corpus", "A label that the label scheme does not define."),
    Rule(
        "span-offsets",
        E,
        "corpus",
        "A span offset written as a decimal number (5.0): JSON Schema counts it as an integer, Python cannot "
        "slice with it.",
    ),
    Rule("span-bounds", E, "corpus", "A span with start >= end or an end past the article text."),
    Rule("span-text", E, "corpus", "text[start:end] of the article differs from the span's stored text."),
    Rule(
        "text-hash", E, "corpus", "The annotation was made on a text other than the article's current text."
    ),
    Rule("duplicate-span", W, "corpus", "The same span and label twice in one annotation."),
    Rule(
        "duplicate-claim",
        E,
        "corpus",
        "A claim of the project's own collection (akhbar) is the claim of another target after "
        "normalisation (akhbar.stance.claims.claim_key: NFC, invisible characters and tatweel removed, "
        "white space folded, final punctuation dropped). Imported collections keep their source's repeats.",
    ),
]
_RULES += [Rule(rule.id, rule.severity, "text", rule.description) for rule in TEXT_RULES]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
