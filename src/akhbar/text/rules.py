"""Arabic text rules: what real news text contains that a corpus must not keep silently.

(One module of about 400 lines, by intent: the rule table: each rule's pattern, fix and description side
by side.)

Each rule has a stable id, a severity and, where a safe repair exists, a fix. Checking is built for
throughput: one regular expression finds every suspicious code point and each one it finds is counted
for its rule. The same scan stops where NFC could change the text, so unicodedata's NFC check runs only
on the few texts where it did (most Arabic text is NFC by its characters alone). The two rules that look
at runs of characters (mojibake, mixed digits) run only when a character they need is present, and then
only where a run can be (the numbers around Eastern digits, the places a form of mojibake can start), not
along the whole text again (tests/text/reference_rules.py keeps the plain version they must match).

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
# Where a match of _MOJIBAKE can start: a first character of one of its forms followed by a second one.
# It starts with a character class, so the regex engine skips to candidates in a tight loop; _MOJIBAKE's
# alternation has no such start and costs some twenty times more per character searched.
_MOJIBAKE_START = re.compile(f"[طظعغ\u00c0-\u00ff](?=[{re.escape(_LATIN_TAIL + _CP1256_TAIL)}\u00c0-\u00ff])")
# The invisible characters, defined once: the rules flag them, corpus.fold drops them (with tatweel).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
TATWEEL = "\u0640"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]")
_PERSIAN = re.compile("[\u06a9\u06cc]")
_TATWEEL = re.compile(TATWEEL)
_DIGIT_SYSTEMS = (re.compile("[0-9]"), re.compile("[\u0660-\u0669]"), re.compile("[\u06f0-\u06f9]"))
_DIGITS = frozenset(
    "0123456789\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
    "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"
)
_NUMBER_CHARS = _DIGITS | frozenset(".,\u066b\u066c")  # a number: digits, and separators between them
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
    """The first match of _MOJIBAKE and how many `finditer` finds, trying it only where one can start."""
    first, count, at = None, 0, _MOJIBAKE_START.search(text)
    while at is not None:
        match = _MOJIBAKE.match(text, at.start())
        if match is None:
            at = _MOJIBAKE_START.search(text, at.start() + 1)
            continue
        first, count = first or match, count + 1
        at = _MOJIBAKE_START.search(text, match.end())
    if first is None:
        return None
    more = f" ({count} occurrences)" if count > 1 else ""
    shown = first.group() if len(first.group()) <= 40 else first.group()[:40] + "..."
    return TextFinding("text-mojibake", first.start(), f"{shown!r} at offset {first.start()}{more}")


def _mixed_digits(text: str, digits: list[int]) -> TextFinding | None:
    """The first number that mixes digit systems, given the offsets of the text's Arabic-Indic and
    Persian digits, in order. Only a number holding one of them can mix systems, so only their numbers
    are looked at, not every number of the text (most are ASCII alone, and text-wide matching was the
    dearest part of checking a text that has Eastern digits).

    A number is what `finditer` of `[digit](?:[digit or separator]*[digit])?` finds: a maximal run of
    digits and separators, from its first digit to its last.
    """
    done = 0  # the end of the last run looked at: the digits before it were in it
    for offset in digits:
        if offset < done:
            continue
        start, end = offset, offset + 1
        while start and text[start - 1] in _NUMBER_CHARS:
            start -= 1
        while end < len(text) and text[end] in _NUMBER_CHARS:
            end += 1
        done = end
        while text[start] not in _DIGITS:  # separators at the edges of a run are not the number's
            start += 1
        while text[end - 1] not in _DIGITS:
            end -= 1
        number = text[start:end]
        if sum(1 for system in _DIGIT_SYSTEMS if system.search(number)) > 1:
            return TextFinding(
                "text-mixed-digits", start, f"number {number!r} at offset {start} mixes digit systems"
            )
    return None


def _rule_of_each_suspect() -> dict[str, str]:
    """Which single-character rule each suspicious code point belongs to (or which run rule it wakes)."""
    # The rules' patterns run over the suspicious code points alone (each rule's characters are among
    # them), not over all 65,536 again: a few milliseconds of every start.
    suspects = "".join(_SUSPECT.findall("".join(map(chr, range(0x10000)))))
    # The rest wake a rule that looks at runs: Latin-1 signs wake mojibake, Eastern digits the digits.
    owners = dict.fromkeys(suspects, "text-mixed-digits")
    owners.update(dict.fromkeys(_HINT.findall(suspects), "text-mojibake"))
    for rule in RULES:
        if rule.pattern is not None and rule.id != "text-mojibake":
            owners.update((char, rule.id) for run in rule.pattern.findall(suspects) for char in run)
    return owners


_RULE_OF = _rule_of_each_suspect()
_RANK = {rule.id: rank for rank, rule in enumerate(RULES)}


def _class(chars: frozenset[str]) -> str:
    """A regex character class body for `chars`, as ranges of consecutive code points."""
    codes, body, start = sorted(map(ord, chars)), [], None
    for index, code in enumerate(codes):
        start = code if start is None else start
        if index + 1 == len(codes) or codes[index + 1] != code + 1:
            body.append(f"\\U{start:08x}-\\U{code:08x}")
            start = None
    return "".join(body)


# The characters NFC leaves alone wherever they stand (canonical combining class 0, quick check Yes) in the
# blocks Arabic news is written in, the suspicious ones left out; and the marks Arabic text carries
# (tanween, short vowels, shadda, sukun, superscript alef): NFC leaves one alone too, but two in a row may
# be out of canonical order. A text of these alone is NFC, so the scan for suspicious characters also tells
# whether unicodedata must be asked (tests/text/test_rules.py checks both sets against the whole Unicode
# database: none of them composes with the character before it either).
_NFC_BLOCKS = ((0x0000, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0x2000, 0x206F), (0x20A0, 0x214F))
_NFC_STABLE = frozenset(
    char
    for first, last in _NFC_BLOCKS
    for char in map(chr, range(first, last + 1))
    if not unicodedata.combining(char) and unicodedata.is_normalized("NFC", char) and char not in _RULE_OF
)
_HARAKAT = frozenset("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670")
_OTHER = f"[^{_class(_NFC_STABLE)}]"
# Where the scan stops: at a character outside _NFC_STABLE (a suspicious one, or one NFC may change or
# move), but at a haraka only when another such character follows it (a haraka among them).
_SCAN = re.compile(f"{_OTHER}(?:(?<![{_class(_HARAKAT)}])|(?={_OTHER}))")


def _in_canonical_order(mark: str, after: str) -> bool:
    """Whether NFC keeps a haraka and the haraka right after it in place: their canonical classes do not go
    down (fatha then shadda, the order they are usually typed in). Spares asking unicodedata about the
    whole text for most pairs of harakat."""
    return (
        mark in _HARAKAT and after in _HARAKAT and unicodedata.combining(mark) <= unicodedata.combining(after)
    )


def check_text(text: str) -> Iterator[TextFinding]:
    """Every rule that the text breaks, at most one finding per rule (with its first offset and a count)."""
    hit = _SCAN.search(text)
    if hit is None:  # the common case: one scan, and done (nothing suspicious, and the text is NFC)
        return
    seen: dict[str, list[Any]] = {}  # rule id -> [first char, first offset, count]
    digits: list[int] = []  # the offsets of the Eastern digits, for text-mixed-digits
    nfc_unsure = False
    for match in _SCAN.finditer(text, hit.start()):
        char = match.group()
        rule_id = _RULE_OF.get(char)
        if rule_id is None:  # a character NFC may change, or a mark before another
            nfc_unsure = nfc_unsure or not _in_canonical_order(char, text[match.end() : match.end() + 1])
            continue
        if rule_id in seen:
            seen[rule_id][2] += 1
        else:
            seen[rule_id] = [char, match.start(), 1]
        if rule_id == "text-mixed-digits":
            digits.append(match.start())
    if nfc_unsure and not unicodedata.is_normalized("NFC", text):
        normalized = unicodedata.normalize("NFC", text)
        offset = next(
            (i for i, (a, b) in enumerate(zip(text, normalized, strict=False)) if a != b),
            min(len(text), len(normalized)),
        )
        yield TextFinding("text-not-nfc", offset, f"text is not NFC (first change near offset {offset})")
    for rule_id in sorted(seen, key=_RANK.__getitem__) if len(seen) > 1 else seen:  # in rule order
        if rule_id == "text-mojibake":
            found = _mojibake(text)
        elif rule_id == "text-mixed-digits":
            found = _mixed_digits(text, digits)
        else:
            found = _counted(rule_id, *seen[rule_id])
        if found is not None:
            yield found


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
