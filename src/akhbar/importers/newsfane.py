"""NewsFANE Gold (Alotaibi and Lee, COLING 2014): ANERcorp's text with 45 fine entity classes.

It is read only as evidence for the types of ANERcorp's LOC and MISC entities; its text never enters the
corpus (the same sentences in two collections would leak between splits).

The two texts differ: NewsFANE writes hamza forms as bare alif, splits clitics off (`و الصادرات`,
`ان ه`), prefixes tokens with U+200E, and orders the articles differently. So they are aligned on
characters: both are normalised (`normalise`) and joined without spaces; 20-character strings that occur
once in NewsFANE anchor the alignment, and the short stretches between two anchors are aligned with
difflib. Each ANERcorp character then points to a NewsFANE character, hence token, or to nothing.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from akhbar import markdown

FILE = "NewsFANE_Gold_2014_170K.txt"
ATTRIBUTION = "NewsFANE Gold (Alotaibi and Lee, COLING 2014), CC BY-SA 3.0"

# Fine class -> scheme type. None: no counterpart in the scheme, so the entity stays unmapped.
# The classes are NewsFANE's (a two-level taxonomy after ACE); the choice of each is argued in
# docs/anercorp-mapping.md, which is generated from this table.
CLASS_TO_TYPE: dict[str, str | None] = {
    # geopolitical entities
    "Nation": "GPE",
    "Population-Center": "GPE",
    "State-or-Province": "GPE",
    "County-or-District": "GPE",
    "GPE-Cluster": "GPE",
    # locations that are not geopolitical
    "Continent": "LOC",
    "Water-Body": "LOC",
    "Land-Region-Natural": "LOC",
    "Celestial": "LOC",
    # facilities
    "Building-Grounds": "FAC",
    "Airport": "FAC",
    "Path": "FAC",
    "Subarea-Facility": "FAC",
    # a group of people: nationality, religion, politics
    "Group": "NORP",
    # persons
    "Politician": "PERS",
    "Athlete": "PERS",
    "Artist": "PERS",
    "Other_PER": "PERS",
    "Religious_PER": "PERS",
    "Scientist": "PERS",
    "Businessperson": "PERS",
    "Police": "PERS",
    "Lawyer": "PERS",
    "Engineer": "PERS",
    # organisations
    "Government": "ORG",
    "Non-Governmental": "ORG",
    "Sports": "ORG",
    "Media": "ORG",
    "Commercial": "ORG",
    "Educational": "ORG",
    "Religious_ORG": "ORG",
    "Medical-Science": "ORG",
    "Entertainment": "ORG",
    # vehicles (Land, Air, Water), weapons (Projectile, Shooting), works (Book, Movie) and made products
    # (Software, Hardware): the scheme's PRODUCT is "named product, vehicle, weapon or work".
    "Land": "PRODUCT",
    "Air": "PRODUCT",
    "Water": "PRODUCT",
    "Projectile": "PRODUCT",
    "Shooting": "PRODUCT",
    "Book": "PRODUCT",
    "Movie": "PRODUCT",
    "Software": "PRODUCT",
    "Hardware": "PRODUCT",
    # no counterpart: dishes, substances and plant species are neither products nor any other type
    "Food": None,
    "Drug": None,
    "Plant": None,
}

# The scheme types an ANERcorp label may become. LOC is a place in ANERcorp: NewsFANE saying it is a
# person or an organisation contradicts it. MISC says only "a name", so NewsFANE decides alone.
ALLOWED: dict[str, frozenset[str] | None] = {"LOC": frozenset({"GPE", "LOC", "FAC"}), "MISC": None}

ANCHOR = 20  # characters; long enough that a string found once in NewsFANE is the same passage
MAX_GAP = 400  # characters between anchors that difflib aligns
DRIFT = 40  # characters a repeated string may stray from the diagonal it continues
MIN_ALIGNED = 0.5  # share of an entity's characters that must align for NewsFANE to be evidence

_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_DROP = re.compile("[\u064b-\u0652\u0670\u0640\u200e\u200f\\s]")


def normalise(token: str) -> str:
    """The form both texts are compared in: NFKC, hamza-alef forms and ى/ة folded, diacritics, tatweel,
    bidi marks and spaces removed."""
    return _DROP.sub("", unicodedata.normalize("NFKC", token).translate(_ALEF))


@dataclass(frozen=True)
class Token:
    text: str
    tag: str  # IOB2 with a fine class, e.g. B-Nation
    line: int


def read(path: Path) -> list[Token]:
    """Tokens in file order: UTF-8 with a BOM, CRLF, `token<TAB>tag`, blank line between sentences."""
    tokens = []
    lines = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        text, _, tag = line.partition("\t")
        tokens.append(Token(text.replace("\u200e", ""), tag.strip() or "O", number))
    return tokens


def entity_classes(tokens: Sequence[Token]) -> list[str | None]:
    """The fine class of the entity each token is in (None outside entities). An I- tag that does not
    continue an entity of its class opens one (NewsFANE has 7 such tags)."""
    return [token.tag[2:] if token.tag[:2] in ("B-", "I-") else None for token in tokens]


def entity_ids(tokens: Sequence[Token]) -> list[int | None]:
    """A number per NewsFANE entity for each token in one (None outside entities)."""
    ids: list[int | None] = []
    current = -1
    previous = "O"
    for token in tokens:
        tag = token.tag
        if tag.startswith("B-") or (tag.startswith("I-") and previous[2:] != tag[2:]):
            current += 1
        ids.append(current if tag[:2] in ("B-", "I-") else None)
        previous = tag if tag[:2] in ("B-", "I-") else "O"
    return ids


def _stream(tokens: Sequence[str]) -> tuple[str, list[int]]:
    parts, owner = [], []
    for index, token in enumerate(tokens):
        norm = normalise(token)
        parts.append(norm)
        owner += [index] * len(norm)
    return "".join(parts), owner


@dataclass
class Alignment:
    """For each character of the normalised ANERcorp stream, the NewsFANE token it aligns to."""

    a_owner: list[int]  # ANERcorp token of each character
    f_token: list[int | None]  # aligned NewsFANE token of each character, or None
    a_chars: list[range]  # the characters of each ANERcorp token

    def aligned_tokens(self, first: int, last: int) -> tuple[int, list[int]]:
        """(characters of ANERcorp tokens first..last, the NewsFANE token of each aligned one)."""
        chars = [k for index in range(first, last + 1) for k in self.a_chars[index]]
        return len(chars), [t for k in chars if (t := self.f_token[k]) is not None]


def align(a_tokens: Sequence[str], f_tokens: Sequence[str]) -> Alignment:
    a, a_owner = _stream(a_tokens)
    f, f_owner = _stream(f_tokens)
    where: dict[str, list[int]] = {}
    for q in range(len(f) - ANCHOR + 1):
        where.setdefault(f[q : q + ANCHOR], []).append(q)
    f_pos: list[int | None] = [None] * len(a)
    anchors: list[tuple[int, int]] = []
    for p in range(len(a) - ANCHOR + 1):
        found = where.get(a[p : p + ANCHOR])
        if not found:
            continue
        q = found[0] if len(found) == 1 else _follow(anchors, p, found)
        if q is None:
            continue
        anchors.append((p, q))
        for k in range(ANCHOR):
            f_pos[p + k] = q + k
    # Between two anchors on (nearly) the same diagonal, align the gap character by character.
    for (p1, q1), (p2, q2) in itertools.pairwise(anchors):
        a_start, f_start = p1 + ANCHOR, q1 + ANCHOR
        if a_start < p2 <= a_start + MAX_GAP and f_start <= q2 <= f_start + MAX_GAP:
            matcher = SequenceMatcher(None, a[a_start:p2], f[f_start:q2], autojunk=False)
            for block in matcher.get_matching_blocks():
                for k in range(block.size):
                    f_pos[a_start + block.a + k] = f_start + block.b + k
    a_chars: list[range] = []
    start = 0
    counts = Counter(a_owner)
    for index in range(len(a_tokens)):
        a_chars.append(range(start, start + counts[index]))
        start += counts[index]
    return Alignment(a_owner, [None if q is None else f_owner[q] for q in f_pos], a_chars)


def _follow(anchors: list[tuple[int, int]], p: int, found: list[int]) -> int | None:
    """A string that NewsFANE has more than once (a passage it repeats) anchors only where it continues
    the previous anchor's diagonal closely."""
    if not anchors or p - anchors[-1][0] > MAX_GAP:
        return None
    expected = anchors[-1][1] + p - anchors[-1][0]
    near = [q for q in found if abs(q - expected) <= DRIFT]
    return min(near, key=lambda q: abs(q - expected)) if near else None


@dataclass(frozen=True)
class Evidence:
    """What NewsFANE says about one ANERcorp entity: a scheme type, or why there is none."""

    label: str | None
    evidence: str  # newsfane:<class>, or newsfane:unaligned / newsfane:O / newsfane:<A>+<B>
    reason: str  # mapped, unaligned, no-entity, contradictory, no-counterpart, partial


def decide(
    source_label: str,
    first: int,
    last: int,
    alignment: Alignment,
    f_class: Sequence[str | None],
) -> Evidence:
    """The scheme type of ANERcorp entity tokens first..last (a LOC or MISC), by NewsFANE's fine class."""
    total, aligned = alignment.aligned_tokens(first, last)
    if total == 0 or len(aligned) < MIN_ALIGNED * total:
        return Evidence(None, "newsfane:unaligned", "unaligned")
    classes = Counter(f_class[t] for t in aligned)
    named = sorted(c for c in classes if c is not None)
    if not named:
        return Evidence(None, "newsfane:O", "no-entity")
    if len(named) > 1:
        return Evidence(None, "newsfane:" + "+".join(named), "contradictory")
    fine = named[0]
    if classes[fine] < MIN_ALIGNED * len(aligned):
        # NewsFANE marks only a small part of it (e.g. لبنان in جنوب لبنان): not evidence for the whole.
        return Evidence(None, f"newsfane:{fine}", "partial")
    label = CLASS_TO_TYPE.get(fine)
    if label is None:
        return Evidence(None, f"newsfane:{fine}", "no-counterpart")
    allowed = ALLOWED.get(source_label)
    if allowed is not None and label not in allowed:
        return Evidence(None, f"newsfane:{fine}", "contradictory")
    return Evidence(label, f"newsfane:{fine}", "mapped")


def mapping_table() -> str:
    """The mapping as a Markdown table: docs/anercorp-mapping.md holds it verbatim (a test checks)."""
    rows = [[fine, label or "none: stays unmapped"] for fine, label in CLASS_TO_TYPE.items()]
    return "\n".join(markdown.table(["NewsFANE fine class", "scheme type"], rows)) + "\n"
