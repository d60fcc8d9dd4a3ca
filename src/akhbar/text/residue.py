"""What an outlet's web pages put at the edges of every article: navigation, share buttons, "more" links,
SMS adverts. The crawler kept it as if it were text.

The table is data, measured on the whole of SaudiNewsNet by `scripts/measure_saudinewsnet.py` (figures in
`docs/saudinewsnet-text.md`; `measured` is the number of the collection's 31,030 items, after the character
repairs, that the entry removes something from). Each entry is anchored at one edge of the text, its start
or its end, and removes only what it matches there, with the white space around it: the same words inside
an article are the article's and stay. Datelines, bylines, agency credits and end marks also recur at the
edges (`عين اليوم – الرياض`, `* خدمة «نيويورك تايمز»`, `// انتهى //`), but they say where, who and whose:
they are text and are not in the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# How far from the end a closing entry is looked for: the longest entry is under 200 characters.
_TAIL = 1000


def words(phrase: str) -> str:
    """A pattern for the phrase's words with any white space between them (line ends included)."""
    return r"\s+".join(map(re.escape, phrase.split()))


@dataclass(frozen=True)
class Residue:
    outlet: str
    edge: Literal["first", "last"]
    what: str
    pattern: str
    measured: int
    whole_line: bool = False  # the match must be a line of its own (else it may share a line with text)

    def regex(self) -> re.Pattern[str]:
        if self.edge == "first":
            after = r"[^\S\n]*(?:\n\s*|\Z)" if self.whole_line else r"(?:\s+|\Z)"
            return re.compile(rf"\A\s*(?:{self.pattern}){after}")
        before = r"(?:\A|\s*\n)[^\S\n]*" if self.whole_line else r"\s*"
        return re.compile(rf"{before}(?:{self.pattern})\s*\Z")


RESIDUE: tuple[Residue, ...] = (
    Residue("3alyoum", "first", "slider navigation buttons", words("Next Previous"), 261),
    Residue("okaz", "first", "share buttons", words("شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك"), 157),
    Residue(
        "okaz",
        "last",
        "SMS advert for writing to the columnist",
        words("للتواصل أرسل")
        + r"(?:\s+رسالة\s+نصية)?\s+(?i:sms)\s+"
        + r"إلى\s+88548\s+الاتصالات\s*(?:[،,]|أو)\s*636250\s*موبايلي\s*(?:[،,]|أو)\s*738303\s+"
        + words("زين تبدأ بالرمز")
        + r"\s+\d+\s+"
        + words("مسافة ثم الرسالة"),
        77,
    ),
    Residue(
        "almadina",
        "last",
        "SMS advert for writing to the columnist",
        words("للتواصل مع الكاتب ارسل رسالة SMS تبدأ بالرمز")
        + r"\s+\(\d+\)\s+"
        + words("ثم مسافة ثم نص الرسالة إلى")
        + r"\s+88591\s*-\s*Stc\s+635031\s*-\s*Mobily\s+737221\s*-\s*Zain",
        230,
    ),
    Residue("aawsat", "last", '"more" link', r"\.{2,}\s*المزيد|المزيد\s*\.{2,}", 119, whole_line=True),
)
_BY_OUTLET: dict[str, list[tuple[Residue, re.Pattern[str]]]] = {}
for _entry in RESIDUE:
    _BY_OUTLET.setdefault(_entry.outlet, []).append((_entry, _entry.regex()))


def strip_residue(text: str, outlet: str | None) -> tuple[str, list[Residue]]:
    """The text without its outlet's edge residue, and the entries that removed something.

    Entries are applied until none matches, so a link repeated on the last two lines goes as a whole.
    """
    # A record's source may be anything before validation has looked at it: only a name has residue.
    entries = _BY_OUTLET.get(outlet, []) if isinstance(outlet, str) else []
    removed: list[Residue] = []
    changed = bool(entries)
    while changed:
        changed = False
        for entry, regex in entries:
            if entry.edge == "first":
                match = regex.match(text)
            else:
                match = regex.search(text, max(0, len(text.rstrip()) - _TAIL))
            if match is not None:
                text = text[: match.start()] + text[match.end() :]
                changed = True
                if entry not in removed:
                    removed.append(entry)
    return text, removed
