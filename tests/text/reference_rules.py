"""The Arabic text checks as they were before they were made faster (issue 11): every number of a text
matched for text-mixed-digits, and the whole mojibake regex searched (and counted) from every position
for text-mojibake. Kept here only as the reference that `akhbar.text.rules.check_text` must match finding
for finding (rule, offset, message): tests/text/test_rules.py. Not used by the package."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from akhbar.text.rules import _MOJIBAKE, _RULE_OF, _SUSPECT, RULES, TextFinding, _counted

_NUMBER = re.compile(
    r"[0-9\u0660-\u0669\u06f0-\u06f9](?:[0-9\u0660-\u0669\u06f0-\u06f9.,\u066b\u066c]*[0-9\u0660-\u0669\u06f0-\u06f9])?"
)
_DIGIT_SYSTEMS = (re.compile("[0-9]"), re.compile("[\u0660-\u0669]"), re.compile("[\u06f0-\u06f9]"))


def _mojibake(text: str) -> TextFinding | None:
    first = _MOJIBAKE.search(text)
    if first is None:
        return None
    count = sum(1 for _ in _MOJIBAKE.finditer(text))
    more = f" ({count} occurrences)" if count > 1 else ""
    shown = first.group() if len(first.group()) <= 40 else first.group()[:40] + "..."
    return TextFinding("text-mojibake", first.start(), f"{shown!r} at offset {first.start()}{more}")


def _mixed_digits(text: str) -> TextFinding | None:
    for match in _NUMBER.finditer(text):
        if match.group().isascii():
            continue
        systems = sum(1 for digits in _DIGIT_SYSTEMS if digits.search(match.group()))
        if systems > 1:
            return TextFinding(
                "text-mixed-digits",
                match.start(),
                f"number {match.group()!r} at offset {match.start()} mixes digit systems",
            )
    return None


_RUN_RULES = {"text-mojibake": _mojibake, "text-mixed-digits": _mixed_digits}


def check_text(text: str) -> Iterator[TextFinding]:
    if not unicodedata.is_normalized("NFC", text):
        normalized = unicodedata.normalize("NFC", text)
        offset = next(
            (i for i, (a, b) in enumerate(zip(text, normalized, strict=False)) if a != b),
            min(len(text), len(normalized)),
        )
        yield TextFinding("text-not-nfc", offset, f"text is not NFC (first change near offset {offset})")
    hit = _SUSPECT.search(text)
    if hit is None:
        return
    seen: dict[str, list[Any]] = {}
    for match in _SUSPECT.finditer(text, hit.start()):
        rule_id = _RULE_OF[match.group()]
        if rule_id in seen:
            seen[rule_id][2] += 1
        else:
            seen[rule_id] = [match.group(), match.start(), 1]
    for rule in RULES:
        if rule.id not in seen:
            continue
        if rule.id in _RUN_RULES:
            found = _RUN_RULES[rule.id](text)
            if found is not None:
                yield found
        else:
            yield _counted(rule.id, *seen[rule.id])
