"""The Arabic text rules: what each one finds (and where), what it leaves alone, and the repairs."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator

import pytest
import reference_rules

from akhbar.text.rules import (
    _HARAKAT,
    _NFC_STABLE,
    _RULE_OF,
    FIXABLE,
    REPAIRS_BY_ID,
    RULES,
    RULES_BY_ID,
    Severity,
    TextFinding,
    check_text,
    fix_text,
)

CLEAN = "قال المتحدث باسم وزارة الصحة في بغداد إن الفريق الطبي وصل يوم الأحد."

# rule id -> (text that breaks it, expected first offset)
BROKEN = {
    "text-control-char": (CLEAN + "\x1a", len(CLEAN)),
    "text-replacement-char": ("قال \ufffd", 4),
    "text-presentation-form": ("قال \ufed7\ufe8e\ufedd", 4),
    "text-mojibake": ("قال " + "العراق".encode().decode("cp1256"), 4),
    "text-not-nfc": ("عم\u0651\u064eان", 2),
    "text-bidi-control": ("قال\u200f 2024", 3),
    "text-zero-width": ("بي\u200bت", 2),
    "text-persian-letter": ("کتاب", 0),
    "text-tatweel": ("حصـرا", 2),
    "text-mixed-digits": ("عام ٢0٢٣", 4),
}

# Text that looks close to a rule's trigger but is correct Arabic news text.
NEAR_MISSES = [
    CLEAN,
    "سطر أول\nسطر\tثان",  # new lines and tabs are not control garbage
    "عمَّان وآمن وسُئل",  # diacritics and hamza forms in NFC order
    "«اقتباس» بين\u00a0كلمتين",  # guillemets and NBSP are normal in Arabic news
    "café 30° Zürich",  # Latin-1 letters that are not mojibake
    "عام ٢٠٢٣ وعام 2024 و ١٫٥",  # each number in one digit system
    "ي ك ى ة",  # Arabic yeh, kaf, alef maksura, teh marbuta
    "قال تعالى \ufd3fإنا أنزلناه\ufd3e \ufdfd",  # ornate parentheses, basmala ligature: no decomposition
    "",
]


def rules_of(text: str) -> list[str]:
    return [finding.rule for finding in check_text(text)]


def test_every_rule_is_covered_here() -> None:
    assert set(BROKEN) == set(RULES_BY_ID)
    assert len(RULES) == len(RULES_BY_ID)


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_finds_its_problem_and_only_it(rule: str) -> None:
    text, offset = BROKEN[rule]
    found = list(check_text(text))
    assert [finding.rule for finding in found] == [rule]
    assert found[0].offset == offset
    assert f"offset {offset}" in found[0].message


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_correct_text_breaks_no_rule(text: str) -> None:
    assert rules_of(text) == []


def test_messages_name_the_character_and_count_occurrences() -> None:
    (found,) = check_text("قال \ufed7\ufe8e\ufedd")
    assert found == TextFinding(
        "text-presentation-form", 4, "U+FED7 ARABIC LETTER QAF INITIAL FORM at offset 4 (3 occurrences)"
    )
    (found,) = check_text("a\x1ab")
    assert found.message == "U+001A control character at offset 1"
    (found,) = check_text("x" + "العراق".encode().decode("cp1256"))
    assert found.message == "'ط§ظ„ط¹ط±ط§ظ‚' at offset 1"


@pytest.mark.parametrize(
    "wrong",
    [
        "العراق".encode().decode("cp1256"),  # UTF-8 read as windows-1256
        "العراق".encode().decode("cp1252", errors="replace").replace("\ufffd", ""),  # UTF-8 read as cp1252
        "العراق".encode().decode("latin-1"),  # UTF-8 read as Latin-1 (with C1 controls)
        "العراق".encode("cp1256").decode("latin-1"),  # windows-1256 read as Latin-1
    ],
)
def test_the_usual_mojibake_signatures_are_found(wrong: str) -> None:
    assert "text-mojibake" in rules_of(wrong)


def test_several_rules_at_once_come_in_rule_order() -> None:
    text = "\u200fحصـرا ک \x1a \ufffd"
    assert rules_of(text) == [
        "text-control-char",
        "text-replacement-char",
        "text-bidi-control",
        "text-persian-letter",
        "text-tatweel",
    ]


def test_every_suspicious_code_point_belongs_to_the_rule_that_reports_it() -> None:
    """Each single-character rule, fed every code point of the Basic Multilingual Plane one at a time."""
    single = {
        rule.id: rule.pattern for rule in RULES if rule.pattern is not None and rule.id != "text-mojibake"
    }
    for code in range(0x10000):
        char = chr(code)
        if unicodedata.category(char) == "Cs":
            continue
        expected = [rule for rule, pattern in single.items() if pattern.fullmatch(char)]
        found = [rule for rule in rules_of(char) if rule in single]
        assert found == expected, f"U+{code:04X}: {found} != {expected}"


def test_severities_follow_the_issue() -> None:
    errors = {rule.id for rule in RULES if rule.severity is Severity.ERROR}
    assert errors == {
        "text-control-char",
        "text-replacement-char",
        "text-presentation-form",
        "text-mojibake",
        "text-not-nfc",
    }


@pytest.mark.parametrize(
    ("rule", "broken", "fixed"),
    [
        ("text-control-char", "أ\x1aب\r\nج", "أب\nج"),
        ("text-presentation-form", "\ufed7\ufe8e\ufedd", "قال"),
        ("text-not-nfc", "\u0627\u0653", "\u0622"),
        ("text-bidi-control", "\u200fقال\u200e", "قال"),
        ("text-zero-width", "بي\u200bت", "بيت"),
        ("text-persian-letter", "کی", "كي"),
        ("text-tatweel", "حصـرا", "حصرا"),
    ],
)
def test_each_repair_fixes_its_rule(rule: str, broken: str, fixed: str) -> None:
    assert rule in FIXABLE
    assert fix_text(broken, frozenset({rule})) == (fixed, [rule])
    assert rule not in rules_of(fixed)


def test_rules_without_a_safe_repair_are_not_fixable() -> None:
    assert set(RULES_BY_ID) - set(FIXABLE) == {"text-replacement-char", "text-mojibake", "text-mixed-digits"}


def test_all_repairs_together_leave_clean_nfc_text_and_name_what_they_did() -> None:
    text = "\u200f\ufed7\ufe8e\ufedd حصـرا کتاب \u0627\u0653 \x1a"
    fixed, applied = fix_text(text)
    assert fixed == "قال حصرا كتاب \u0622"
    assert rules_of(fixed) == []
    assert applied == [
        "text-control-char",
        "text-bidi-control",
        "text-presentation-form",
        "text-persian-letter",
        "text-tatweel",
        "text-not-nfc",
        "text-outer-space",
    ]
    assert fix_text(CLEAN) == (CLEAN, [])


def test_presentation_forms_are_exactly_the_characters_nfkc_maps() -> None:
    """Of the two presentation-form blocks, the rule flags what has a compatibility decomposition (and its
    repair changes); the rest (ornate parentheses, Quranic signs, honorific ligatures, unassigned code
    points) has no decomposition, NFKC leaves it, and nothing flags it as a presentation form."""
    rule = RULES_BY_ID["text-presentation-form"]
    assert rule.pattern is not None and rule.fix is not None
    for code in (*range(0xFB50, 0xFE00), *range(0xFE70, 0xFEFD)):
        char = chr(code)
        mapped = bool(unicodedata.decomposition(char))
        assert bool(rule.pattern.fullmatch(char)) is mapped, f"U+{code:04X}"
        assert (rule.fix(char) != char) is mapped, f"U+{code:04X}"
        assert ("text-presentation-form" in rules_of(char)) is mapped, f"U+{code:04X}"
    assert unicodedata.decomposition("\ufd3e") == unicodedata.decomposition("\ufd3f") == ""


def test_outer_white_space_is_trimmed_and_inner_white_space_kept() -> None:
    text = " \u00a0\n" + "سطر أول \nسطر ثان" + " \n \n \u00a0 "
    assert "text-outer-space" in FIXABLE
    assert fix_text(text, frozenset({"text-outer-space"})) == ("سطر أول \nسطر ثان", ["text-outer-space"])
    assert fix_text(CLEAN, frozenset({"text-outer-space"})) == (CLEAN, [])
    assert fix_text(text, frozenset({"text-tatweel"})) == (text, [])


def test_outlet_residue_needs_the_outlet_and_keeps_the_middle() -> None:
    text = " Next Previous عين اليوم – الرياض\n" + CLEAN + "\nNext Previous\n" + CLEAN + " "
    chosen = frozenset({"text-outlet-residue"})
    assert "text-outlet-residue" in FIXABLE
    assert fix_text(text, chosen) == (text, [])  # no outlet (a title, or a record without a source)
    assert fix_text(text, chosen, outlet="okaz") == (text, [])
    fixed = "عين اليوم – الرياض\n" + CLEAN + "\nNext Previous\n" + CLEAN + " "
    assert fix_text(text, chosen, outlet="3alyoum") == (fixed, ["text-outlet-residue"])
    assert fix_text(text, outlet="3alyoum") == (fixed.strip(), ["text-outlet-residue", "text-outer-space"])


def test_repairs_without_a_rule_are_not_validation_rules() -> None:
    """What they remove is not a wrong character: validation has no finding for it, only --fix a repair."""
    assert set(REPAIRS_BY_ID) == {"text-outlet-residue", "text-outer-space"}
    assert not set(REPAIRS_BY_ID) & set(RULES_BY_ID)
    assert FIXABLE[-2:] == ("text-outlet-residue", "text-outer-space")


# Pieces that the fast paths of check_text must handle as the reference does: numbers of every digit
# system with separators inside and at their edges, and every form of mojibake next to correct letters.
_LATIN_TAIL = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
_CP1256_TAIL = bytes(range(0x80, 0xC0)).decode("cp1256")
_PIECES = [
    *"0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹.,٫٬ \n",
    *"ØÙÚÛطظعغاب",
    *_LATIN_TAIL,
    *_CP1256_TAIL,
    *map(chr, range(0xC0, 0x100)),
    "العراق".encode().decode("cp1256"),
    "العراق".encode().decode("cp1252", errors="replace"),
    "العراق".encode("cp1256").decode("latin-1"),
    "\u200f",
    "\u0640",
    "\u06cc",
    "\ufed7",
    "\x1a",
    "\u0651\u064e",
    "«",
    CLEAN,
    # Where NFC may change the text, or cannot: marks alone, in and out of canonical order, after a
    # suspicious character, characters that compose with the one before, others beyond the Arabic blocks.
    "\u064b",
    "\u064e\u0651",
    "\u0670",
    "\u0627\u0653",
    "\u0654",
    "\u0656",
    "e\u0301",
    "\u0301",
    "\u2000",
    "\u1100\u1161",
    "\U0001f600",
    "\u05b4",
]


def _found(findings: Iterator[TextFinding]) -> list[tuple[str, int, str]]:
    return [(found.rule, found.offset, found.message) for found in findings]


def test_check_text_gives_the_findings_of_the_reference_implementation() -> None:
    """Random texts made of the pieces above, against tests/text/reference_rules.py (the checks before they
    were made faster): the same rules, offsets and messages, one for one."""
    rng = random.Random(20261201)
    texts = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 30))) for _ in range(20_000)]
    texts += [piece * count for piece in _PIECES for count in (1, 2, 5)]
    for text in texts:
        assert _found(check_text(text)) == _found(reference_rules.check_text(text)), repr(text)


@pytest.mark.parametrize(
    ("text", "offset", "number"),
    [
        ("عام ٢0٢٣", 4, "٢0٢٣"),
        ("٢٠٢٣ و 2024 ثم ١,5", 15, "١,5"),  # numbers in one system each come first
        ("رقم ,.٢٫5., آخر", 6, "٢٫5"),  # separators at the edges of a run are not the number's
        ("5 ٥ 5٥", 4, "5٥"),
        ("۱۲3", 0, "۱۲3"),  # Persian and ASCII
        ("٢٠" * 50 + "1", 0, "٢٠" * 50 + "1"),
    ],
)
def test_mixed_digits_names_the_first_mixed_number(text: str, offset: int, number: str) -> None:
    (found,) = check_text(text)
    assert found == TextFinding(
        "text-mixed-digits", offset, f"number {number!r} at offset {offset} mixes digit systems"
    )


def test_mojibake_is_counted_as_the_whole_regex_counts_it() -> None:
    wrong = "العراق".encode().decode("cp1256")
    text = f"عن {wrong} وعن {wrong} وÇáÚ وعع"
    (found,) = check_text(text)
    assert found.message == f"{wrong!r} at offset 3 (3 occurrences)"
    assert _found(check_text(text)) == _found(reference_rules.check_text(text))


def _composes_with_the_one_before() -> set[str]:
    """Every character NFC may join to the character before it (NFC quick check Maybe): the second of the
    two a primary composite decomposes to, and the Hangul vowels and trailing consonants."""
    found = {chr(code) for code in [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]}
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            first, second = (chr(int(part, 16)) for part in parts)
            if unicodedata.normalize("NFC", first + second) == chr(code):
                found.add(second)
    return found


def test_the_characters_the_scan_deems_nfc_are_so_wherever_they_stand() -> None:
    """check_text asks unicodedata whether a text is NFC only when its scan meets a character outside
    _NFC_STABLE, the suspicious ones and _HARAKAT, or two marks in a row: the others must be characters
    NFC keeps as they are and in place (quick check Yes), and none of them but the marks may move."""
    joins = _composes_with_the_one_before()
    for char in _NFC_STABLE | set(_RULE_OF) | _HARAKAT:
        assert unicodedata.is_normalized("NFC", char), f"U+{ord(char):04X}"
        assert char not in joins, f"U+{ord(char):04X}"
        assert (unicodedata.combining(char) != 0) == (char in _HARAKAT), f"U+{ord(char):04X}"
