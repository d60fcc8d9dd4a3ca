"""Arabic text rules: what real news text contains that a corpus must not keep silently.

(One module of about 320 lines, by intent: the rule table: each rule's pattern, fix and description side
by side.)

Each rule has a stable id, a severity and, where a safe repair exists, a fix. Checking is built for
throughput: one regular expression finds every suspicious code point and each one it finds is counted
for its rule, so any text costs a single scan plus an NFC quick check; the two rules that look at runs
of characters (mojibake, mixed digits) run only when a character they need is present.

Two repairs have no rule (`REPAIRS`): white space at the edges of a text and the residue an outlet's web
pages leave at the edges of a body are not wrong characters, only not the article. `fix_text` applies
rule fixes and repairs alike, by id, and `akhbar ingest --fix` records the ids it applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from akhbar.text.residue import strip_residue


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


# Continuation bytes 0x80-0xBF as cp1252 and Latin-1 show them, and as cp1256 shows them.
_LATIN_TAIL = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore") + bytes(range(0x80, 0xC0)).decode(
    "latin-1"
)
_CP1256_TAIL = bytes(range(0x80, 0xC0)).decode("cp1256")


def _presentation_forms() -> str:
    """The code points of the Arabic presentation-form blocks that NFKC maps to base letters.

    Only those with a compatibility decomposition are left-overs of PDF extraction: the blocks also hold
    real characters with none (the ornate parentheses U+FD3E/U+FD3F, Quranic annotation signs, honorific
    ligatures such as U+FDFD), which are text: NFKC leaves them as they are, so there is nothing to repair.
    """
    blocks = (*range(0xFB50, 0xFE00), *range(0xFE70, 0xFEFD))
    return "".join(chr(code) for code in blocks if unicodedata.decomposition(chr(code)))


_PRESENTATION_FORMS = _presentation_forms()
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_REPLACEMENT = re.compile("\ufffd")
_PRESENTATION = re.compile(f"[{_PRESENTATION_FORMS}]+")
_MOJIBAKE = re.compile(
    # UTF-8 bytes read as cp1252/Latin-1 (Ø§Ù„), read as cp1256 (ط§ظ„), cp1256 bytes read as Latin-1 (ÇáÚ).
    f"(?:[ØÙÚÛ][{re.escape(_LATIN_TAIL)}]){{2,}}"
    f"|(?:[طظعغ][{re.escape(_CP1256_TAIL)}]){{2,}}"
    r"|[\u00c0-\u00ff]{3,}"
)
# The invisible characters, defined once: the rules flag them, corpus.fold drops them (with tatweel).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
TATWEEL = "\u0640"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")
_PERSIAN = re.compile("[\u06a9\u06cc]")
_TATWEEL = re.compile(TATWEEL)
_NUMBER = re.compile(
    r"[0-9\u0660-\u0669\u06f0-\u06f9](?:[0-9\u0660-\u0669\u06f0-\u06f9.,\u066b\u066c]*[0-9\u0660-\u0669\u06f0-\u06f9])?"
)
_DIGIT_SYSTEMS = (re.compile("[0-9]"), re.compile("[\u0660-\u0669]"), re.compile("[\u06f0-\u06f9]"))
# Any mojibake of real text holds Latin-1 letters or signs (alef, in every Arabic word, shows as §);
# « » and NBSP are left out because correct Arabic news uses them all the time.
_MOJIBAKE_HINT = "\u00a1-\u00aa\u00ac-\u00ba\u00bc-\u00ff"
_EASTERN_DIGITS = "\u0660-\u0669\u06f0-\u06f9"

# Any code point that some rule cares about. Text without one of these needs only the NFC check.
_SUSPECT = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd{_PRESENTATION_FORMS}{BIDI_CONTROLS}{ZERO_WIDTH}"
    f"\u06a9\u06cc{TATWEEL}{_MOJIBAKE_HINT}{_EASTERN_DIGITS}]"
)
_HINT = re.compile(f"[{_MOJIBAKE_HINT}]")


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
        "Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFC) that have a compatibility decomposition, "
        "left by PDF extraction; the fix maps them to base letters with NFKC. Characters of these blocks "
        "without one (ornate parentheses U+FD3E/U+FD3F, Quranic signs, honorific ligatures) are text.",
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


@dataclass(frozen=True)
class Repair:
    """A repair with no finding of its own: what it removes is not wrong as a character, only not the article.

    It sees the outlet (the article's `source`; None for a title), since what a web page adds depends on it.
    """

    id: str
    description: str
    fix: Callable[[str, str | None], str]


REPAIRS: tuple[Repair, ...] = (
    Repair(
        "text-outlet-residue",
        "Navigation, share buttons, 'more' links and SMS adverts that an outlet's web pages put at the start "
        "or end of every article (the measured table in akhbar.text.residue): only what an entry matches at "
        "the edge goes, with the white space around it; the same words inside the article stay.",
        lambda text, outlet: strip_residue(text, outlet)[0],
    ),
    Repair(
        "text-outer-space",
        "White space (spaces, NBSP, line ends) before the first and after the last character: a crawler's "
        "or a file's left-over, never meaningful; white space inside the text is kept.",
        lambda text, _outlet: text.strip(),
    ),
)
REPAIRS_BY_ID = {repair.id: repair for repair in REPAIRS}
FIXABLE = tuple(rule.id for rule in RULES if rule.fix is not None) + tuple(REPAIRS_BY_ID)
# Repairs run in this order: bytes-level garbage first, NFC once every character repair is done, then the
# edges: residue patterns are written for clean text, and removing residue leaves white space to trim.
_FIX_ORDER = (
    "text-control-char",
    "text-bidi-control",
    "text-zero-width",
    "text-presentation-form",
    "text-persian-letter",
    "text-tatweel",
    "text-not-nfc",
    "text-outlet-residue",
    "text-outer-space",
)


@dataclass(frozen=True, slots=True)
class TextFinding:
    rule: str
    offset: int
    message: str


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def _counted(rule_id: str, char: str, offset: int, count: int) -> TextFinding:
    more = f" ({count} occurrences)" if count > 1 else ""
    return TextFinding(rule_id, offset, f"{_describe(char)} at offset {offset}{more}")


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
        if match.group().isascii():  # ASCII digits and separators only: one system (most numbers)
            continue
        systems = sum(1 for digits in _DIGIT_SYSTEMS if digits.search(match.group()))
        if systems > 1:
            return TextFinding(
                "text-mixed-digits",
                match.start(),
                f"number {match.group()!r} at offset {match.start()} mixes digit systems",
            )
    return None


def _rule_of_each_suspect() -> dict[str, str]:
    """Which single-character rule each suspicious code point belongs to (or which run rule it wakes)."""
    every = "".join(map(chr, range(0x10000)))
    # The rest wake a rule that looks at runs: Latin-1 signs wake mojibake, Eastern digits the digits.
    owners = dict.fromkeys(_SUSPECT.findall(every), "text-mixed-digits")
    owners.update(dict.fromkeys(_HINT.findall(every), "text-mojibake"))
    for rule in RULES:
        if rule.pattern is not None and rule.id != "text-mojibake":
            owners.update((char, rule.id) for run in rule.pattern.findall(every) for char in run)
    return owners


_RULE_OF = _rule_of_each_suspect()
_RUN_RULES = {"text-mojibake": _mojibake, "text-mixed-digits": _mixed_digits}


def check_text(text: str) -> Iterator[TextFinding]:
    """Every rule that the text breaks, at most one finding per rule (with its first offset and a count)."""
    if not unicodedata.is_normalized("NFC", text):
        normalized = unicodedata.normalize("NFC", text)
        offset = next(
            (i for i, (a, b) in enumerate(zip(text, normalized, strict=False)) if a != b),
            min(len(text), len(normalized)),
        )
        yield TextFinding("text-not-nfc", offset, f"text is not NFC (first change near offset {offset})")
    hit = _SUSPECT.search(text)
    if hit is None:  # the common case: one scan, and done
        return
    seen: dict[str, list[Any]] = {}  # rule id -> [first char, first offset, count]
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


def fix_text(
    text: str, rules: frozenset[str] | None = None, *, outlet: str | None = None
) -> tuple[str, list[str]]:
    """Apply the chosen repairs (all fixable ones by default); returns the text and the rule ids applied.

    `outlet` is the article's source, for the residue its web pages add; give it for the body only.
    """
    applied = []
    for rule_id in _FIX_ORDER:
        if rules is not None and rule_id not in rules:
            continue
        if rule_id in REPAIRS_BY_ID:
            fixed = REPAIRS_BY_ID[rule_id].fix(text, outlet)
        else:
            fixed = RULES_BY_ID[rule_id].fix(text)  # type: ignore[misc]
        if fixed != text:
            applied.append(rule_id)
            text = fixed
    return text, applied
