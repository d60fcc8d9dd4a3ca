"""Arabic text rules: what real news text contains that a corpus must not keep silently.

Each rule has a stable id, a severity and, where a safe repair exists, a fix. Checking is built for
throughput: one regular expression finds every suspicious code point, so clean text costs a single
scan plus an NFC quick check, and the per-rule work runs only on text that needs it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class TextRule:
    id: str
    severity: Severity
    description: str
    pattern: re.Pattern[str] | None
    fix: Callable[[str], str] | None = None


def _remove(pattern: re.Pattern[str]) -> Callable[[str], str]:
    return lambda text: pattern.sub("", text)


def _nfkc_each(pattern: re.Pattern[str]) -> Callable[[str], str]:
    return lambda text: pattern.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


# Continuation bytes 0x80-0xBF as cp1252 shows them, and as cp1256 shows them.
_CP1252_TAIL = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
_CP1256_TAIL = bytes(range(0x80, 0xC0)).decode("cp1256")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_REPLACEMENT = re.compile("\ufffd")
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]+")
_MOJIBAKE = re.compile(
    # UTF-8 bytes read as cp1252/Latin-1 (Ø§Ù„), read as cp1256 (ط§ظ„), cp1256 bytes read as Latin-1 (ÇáÚ).
    f"(?:[ØÙÚÛ][{re.escape(_CP1252_TAIL)}]){{2,}}"
    f"|(?:[طظعغ][{re.escape(_CP1256_TAIL)}]){{2,}}"
    r"|[\u00c0-\u00ff]{3,}"
)
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_PERSIAN = re.compile("[\u06a9\u06cc]")
_TATWEEL = re.compile("\u0640")
_NUMBER = re.compile(
    r"[0-9\u0660-\u0669\u06f0-\u06f9](?:[0-9\u0660-\u0669\u06f0-\u06f9.,\u066b\u066c]*[0-9\u0660-\u0669\u06f0-\u06f9])?"
)
_DIGIT_SYSTEMS = (re.compile("[0-9]"), re.compile("[\u0660-\u0669]"), re.compile("[\u06f0-\u06f9]"))

# Any code point that some rule cares about. Text without one of these needs only the NFC check.
_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00a1-\u00ff\ufffd\ufb50-\ufdff\ufe70-\ufefc\u061c\u200b-\u200f"
    "\u202a-\u202e\u2060\u2066-\u2069\ufeff\u06a9\u06cc\u0640\u0660-\u0669\u06f0-\u06f9]"
)


def _fix_controls(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


RULES: tuple[TextRule, ...] = (
    TextRule(
        "text-control-char",
        Severity.ERROR,
        "C0/C1 control characters (other than \\n and \\t) are garbage from the source system.",
        _CONTROL,
        _fix_controls,
    ),
    TextRule(
        "text-replacement-char",
        Severity.ERROR,
        "U+FFFD REPLACEMENT CHARACTER: the text was already decoded wrongly upstream.",
        _REPLACEMENT,
    ),
    TextRule(
        "text-presentation-form",
        Severity.ERROR,
        "Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFC), left by PDF extraction; "
        "the fix maps them to base letters with NFKC.",
        _PRESENTATION,
        _nfkc_each(_PRESENTATION),
    ),
    TextRule(
        "text-mojibake",
        Severity.ERROR,
        "Text decoded with the wrong code page (e.g. Ø§Ù„, ط§ظ„, ÇáÚ).",
        _MOJIBAKE,
    ),
    TextRule(
        "text-not-nfc",
        Severity.ERROR,
        "Text is not in Unicode NFC; offsets and search depend on one normalization.",
        None,
        lambda text: unicodedata.normalize("NFC", text),
    ),
    TextRule(
        "text-bidi-control",
        Severity.WARNING,
        "Invisible bidirectional controls (LRM, RLM, ALM, embeddings, isolates) break search and offsets.",
        _BIDI,
        _remove(_BIDI),
    ),
    TextRule(
        "text-zero-width",
        Severity.WARNING,
        "Invisible zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM inside text).",
        _ZERO_WIDTH,
        _remove(_ZERO_WIDTH),
    ),
    TextRule(
        "text-persian-letter",
        Severity.WARNING,
        "Persian look-alike letters (ی U+06CC, ک U+06A9) in Arabic text; the fix maps them to ي and ك.",
        _PERSIAN,
        lambda text: text.translate({0x06CC: 0x064A, 0x06A9: 0x0643}),
    ),
    TextRule(
        "text-tatweel",
        Severity.WARNING,
        "Tatweel (kashida, U+0640) is typographic stretching, not a letter.",
        _TATWEEL,
        _remove(_TATWEEL),
    ),
    TextRule(
        "text-mixed-digits",
        Severity.WARNING,
        "One number mixes digit systems (ASCII, Arabic-Indic, Persian).",
        None,
    ),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
FIXABLE = tuple(rule.id for rule in RULES if rule.fix is not None)
# Repairs run in this order: bytes-level garbage first, NFC last so that every other fix is normalized.
_FIX_ORDER = (
    "text-control-char",
    "text-bidi-control",
    "text-zero-width",
    "text-presentation-form",
    "text-persian-letter",
    "text-tatweel",
    "text-not-nfc",
)


@dataclass(frozen=True, slots=True)
class TextFinding:
    rule: str
    offset: int
    message: str


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def _first_match(rule: TextRule, text: str) -> TextFinding | None:
    assert rule.pattern is not None
    matches = rule.pattern.finditer(text)
    first = next(matches, None)
    if first is None:
        return None
    count = 1 + sum(1 for _ in matches)
    what = repr(first.group()) if rule.id == "text-mojibake" else _describe(first.group()[0])
    more = f" ({count} occurrences)" if count > 1 else ""
    return TextFinding(rule.id, first.start(), f"{what} at offset {first.start()}{more}")


def _mixed_digits(text: str) -> TextFinding | None:
    for match in _NUMBER.finditer(text):
        systems = sum(1 for digits in _DIGIT_SYSTEMS if digits.search(match.group()))
        if systems > 1:
            return TextFinding(
                "text-mixed-digits",
                match.start(),
                f"number {match.group()!r} at offset {match.start()} mixes digit systems",
            )
    return None


def check_text(text: str) -> Iterator[TextFinding]:
    """Every rule that the text breaks, at most one finding per rule (with its first offset)."""
    if not unicodedata.is_normalized("NFC", text):
        normalized = unicodedata.normalize("NFC", text)
        first = next(
            (i for i, (a, b) in enumerate(zip(text, normalized, strict=False)) if a != b),
            min(len(text), len(normalized)),
        )
        yield TextFinding("text-not-nfc", first, f"text is not NFC (first change near offset {first})")
    if _SUSPECT.search(text) is None:
        return
    for rule in RULES:
        if rule.id == "text-mixed-digits":
            found = _mixed_digits(text)
        elif rule.pattern is not None:
            found = _first_match(rule, text)
        else:
            continue
        if found is not None:
            yield found


def fix_text(text: str, rules: frozenset[str] | None = None) -> tuple[str, list[str]]:
    """Apply the chosen repairs (all fixable ones by default); returns the text and the rule ids applied."""
    applied = []
    for rule_id in _FIX_ORDER:
        if rules is not None and rule_id not in rules:
            continue
        fixed = RULES_BY_ID[rule_id].fix(text)  # type: ignore[misc]
        if fixed != text:
            applied.append(rule_id)
            text = fixed
    return text, applied
