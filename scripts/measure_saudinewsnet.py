"""Measure what SaudiNewsNet's text needs before it enters the corpus, on the whole collection.

Reads every item of ../shared/external/saudinewsnet/dataset/*.zip through the ingest adapter and writes
docs/saudinewsnet-text.md: white space at the edges of titles and bodies, white space at the ends of lines,
the first and last lines (and first and last words) that recur per outlet, what each entry of the residue
table (akhbar.text.residue) removes and how often the same words occur elsewhere and are kept, the
characters of the presentation-form blocks that have no compatibility decomposition, and the outcome of
`akhbar ingest --fix --dry-run` into an empty temporary project with the character repairs only and with
every repair. Every figure in the page is computed here; run it again after changing the table.

    .venv/bin/python scripts/measure_saudinewsnet.py      # writes docs/saudinewsnet-text.md
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from akhbar.corpus import dedup_key
from akhbar.ingest import ingest
from akhbar.ingest.adapters import read_saudinewsnet
from akhbar.paths import Project
from akhbar.registry import collection
from akhbar.text.residue import RESIDUE, Residue, strip_residue
from akhbar.text.rules import FIXABLE, REPAIRS_BY_ID, fix_text

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO.parent / "shared" / "external" / "saudinewsnet" / "dataset"
OUTPUT = REPO / "docs" / "saudinewsnet-text.md"
RECURS = 20  # a first or last line is reported when it recurs in more than this many items of one outlet
CHARACTER_REPAIRS = frozenset(FIXABLE) - set(REPAIRS_BY_ID)
_BLOCKS = (*range(0xFB50, 0xFE00), *range(0xFE70, 0xFEFD))
NO_DECOMPOSITION = "".join(chr(code) for code in _BLOCKS if not unicodedata.decomposition(chr(code)))
_LINE_END_SPACE = re.compile(r"[^\S\n]+\n")
_SPACE_ONLY_LINE = re.compile(r"\n[^\S\n]+(?=\n)")


def _kind(char: str) -> str:
    return {" ": "space", "\u00a0": "NBSP", "\n": "line end", "\t": "tab"}.get(char, f"U+{ord(char):04X}")


@dataclass
class Measures:
    items: int = 0
    empty: int = 0
    distinct: int = 0
    outlets: Counter[str] = field(default_factory=Counter)
    leading: Counter[str] = field(
        default_factory=Counter
    )  # basis -> items whose body begins with white space
    trailing: Counter[str] = field(default_factory=Counter)
    leading_kind: Counter[str] = field(default_factory=Counter)
    trailing_kind: Counter[str] = field(default_factory=Counter)
    titles: int = 0
    titles_outer: int = 0
    line_end_space: int = 0
    line_end_space_lines: int = 0
    space_only_lines: int = 0
    first_lines: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    last_lines: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    first_words: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    last_words: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    removed_lines: dict[tuple[str, str, str], int] = field(default_factory=Counter)
    residue: Counter[Residue] = field(default_factory=Counter)
    residue_distinct: Counter[Residue] = field(default_factory=Counter)
    residue_elsewhere: Counter[Residue] = field(default_factory=Counter)
    emptied: Counter[Residue] = field(default_factory=Counter)
    no_decomposition: Counter[str] = field(default_factory=Counter)  # character -> items holding it


def _edge_words(text: str, first: bool, count: int = 4) -> str:
    found = text.split(maxsplit=count) if first else text.rsplit(maxsplit=count)
    return " ".join(found[:count] if first else found[-count:])


def measure(dataset: Path) -> Measures:
    out = Measures()
    seen: set[str] = set()
    for _origin, record in read_saudinewsnet([dataset], collection=collection(Project(REPO), "saudinewsnet")):
        if isinstance(record, str):
            continue
        out.items += 1
        outlet = record["source"] or "unknown"
        out.outlets[outlet] += 1
        if record["title"] is not None:
            out.titles += 1
            out.titles_outer += record["title"] != record["title"].strip()
        raw = record["text"]
        clean, _ = fix_text(raw, CHARACTER_REPAIRS)
        if not clean.strip():
            out.empty += 1
            continue
        key = dedup_key(clean)
        bases = ["items"] + ([] if key in seen else ["distinct"])
        if key not in seen:
            seen.add(key)
            out.distinct += 1
        if raw[:1].isspace():
            out.leading.update(bases)
            out.leading_kind[_kind(raw[0])] += 1
        if raw[-1:].isspace():
            out.trailing.update(bases)
            out.trailing_kind[_kind(raw[-1])] += 1
        inner = clean.strip()
        ends = _LINE_END_SPACE.findall(inner)
        out.line_end_space += bool(ends)
        out.line_end_space_lines += len(ends)
        out.space_only_lines += bool(_SPACE_ONLY_LINE.search(inner))
        lines = [line.strip() for line in inner.split("\n") if line.strip()]
        out.first_lines[outlet][lines[0]] += 1
        out.last_lines[outlet][lines[-1]] += 1
        out.first_words[outlet][_edge_words(inner, True)] += 1
        out.last_words[outlet][_edge_words(inner, False)] += 1
        stripped, removed = strip_residue(clean, outlet)
        rest = [line.strip() for line in stripped.split("\n") if line.strip()]
        if not rest or rest[0] != lines[0]:
            out.removed_lines[(outlet, "first", lines[0])] += 1
        if not rest or rest[-1] != lines[-1]:
            out.removed_lines[(outlet, "last", lines[-1])] += 1
        for entry in removed:
            out.residue[entry] += 1
            out.residue_distinct[entry] += "distinct" in bases
            out.emptied[entry] += not stripped.strip()
        for entry in RESIDUE:
            if entry.outlet == outlet and re.search(entry.pattern, stripped):
                out.residue_elsewhere[entry] += 1
        out.no_decomposition.update(set(clean) & set(NO_DECOMPOSITION))
    return out


def dry_run(dataset: Path, fixes: frozenset[str]) -> dict[str, object]:
    """`akhbar ingest --format saudinewsnet --fix RULES --dry-run` into an empty copy of the project."""
    with tempfile.TemporaryDirectory(prefix="akhbar-measure-") as folder:
        root = Path(folder)
        shutil.copytree(REPO / "schema", root / "schema")
        (root / "corpus" / "articles").mkdir(parents=True)
        if (REPO / "corpus" / "collections").is_dir():
            shutil.copytree(REPO / "corpus" / "collections", root / "corpus" / "collections")
        report = ingest(
            read_saudinewsnet([dataset], collection=collection(Project(root), "saudinewsnet")),
            Project(root),
            fixes=fixes,
            apply_fixes=True,
            dry_run=True,
            progress=False,
        )
        return report.to_dict()


def _share(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,} ({100 * part / whole:.1f}%)" if whole else "0"


def _code(text: str, limit: int = 90) -> str:
    shown = text if len(text) <= limit else text[:limit] + "…"
    return "`" + shown.replace("`", "'").replace("|", "\\|") + "`"


def _recurring(
    title: str, table: dict[str, Counter[str]], edge: str, measures: Measures, removable: bool
) -> Iterable[str]:
    yield f"\n### {title}\n"
    yield "| outlet | items | " + ("removed by the table in | " if removable else "") + "text |"
    yield "| --- | ---: | " + ("---: | " if removable else "") + "--- |"
    for outlet in sorted(table):
        for text, count in table[outlet].most_common():
            if count <= RECURS:
                break
            removed = f"{measures.removed_lines[(outlet, edge, text)]:,} | " if removable else ""
            yield f"| {outlet} | {count:,} | {removed}{_code(text)} |"


def page(measures: Measures, before: dict[str, object], after: dict[str, object], dataset: Path) -> str:
    m = measures
    nonempty = m.items - m.empty
    shown = f"../{dataset.relative_to(REPO.parent)}" if dataset.is_relative_to(REPO.parent) else dataset
    lines = [
        "# SaudiNewsNet: what the text needs",
        "",
        "Generated by `scripts/measure_saudinewsnet.py` from every item of "
        f"`{shown}` "
        "(do not edit by hand). The repairs it measures are optional (`akhbar ingest --fix`, see README) and "
        "each one an article gets is recorded in its `provenance.fixes`. Line and word counts are taken "
        "after the character repairs (control, bidi and zero-width characters removed, presentation forms, "
        "Persian letters, tatweel, NFC), in the order `--fix` applies them.",
        "",
        "## The collection",
        "",
        f"- items: {m.items:,}; empty bodies: {m.empty:,}; non-empty: {nonempty:,}; "
        f"distinct non-empty bodies (ingest's duplicate key): {m.distinct:,}",
        "- items per outlet: " + ", ".join(f"{name} {count:,}" for name, count in m.outlets.most_common()),
        "",
        "## White space at the edges (repair `text-outer-space`)",
        "",
        f"- bodies that begin with white space: {_share(m.leading['items'], nonempty)} non-empty items; "
        f"{_share(m.leading['distinct'], m.distinct)} distinct bodies. First character: "
        + ", ".join(f"{kind} {count:,}" for kind, count in m.leading_kind.most_common()),
        f"- bodies that end with white space: {_share(m.trailing['items'], nonempty)} non-empty items; "
        f"{_share(m.trailing['distinct'], m.distinct)} distinct bodies. Last character: "
        + ", ".join(f"{kind} {count:,}" for kind, count in m.trailing_kind.most_common()),
        f"- titles with white space at an edge: {_share(m.titles_outer, m.titles)} titles",
        f"- inside the trimmed bodies, lines ending in spaces or NBSP: {m.line_end_space_lines:,} lines in "
        f"{_share(m.line_end_space, nonempty)} items; lines of white space only between two line ends: "
        f"{_share(m.space_only_lines, nonempty)} items. Not repaired: this white space is inside the "
        "article, tokenizers and ingest's duplicate key ignore it, and removing it would move every offset "
        "after it for nothing a reader or a model sees.",
        "",
        "## Lines that recur at the edges, per outlet",
        "",
        "The first and the last non-blank line of each non-empty item, white space trimmed, when the same "
        f"line recurs in more than {RECURS} items of one outlet; then the first and the last four words, "
        "which "
        "show residue that the crawler glued to the article's first or last line. `removed` counts the items "
        "whose line the residue table shortens. Every line not removed is the article's: datelines and "
        "bylines (`عين اليوم – الرياض`, `سبق- الرياض:`, the SPA date line), agency and syndication credits "
        "(`* خدمة «نيويورك تايمز»`, `* وحدة التقارير الاقتصادية`), sign-offs, and SPA's end mark with the "
        "transmission time (`// انتهى //` then `20:26 ت م`) say where, who, whose and when.",
    ]
    lines += _recurring("First lines", m.first_lines, "first", m, True)
    lines += _recurring("Last lines", m.last_lines, "last", m, True)
    lines += _recurring("First four words", m.first_words, "first", m, False)
    lines += _recurring("Last four words", m.last_words, "last", m, False)
    lines += [
        "",
        "## The residue table (repair `text-outlet-residue`)",
        "",
        "`akhbar.text.residue.RESIDUE`: each entry is anchored at one edge of the body and removes only what "
        "it matches there, with the white space around it. `measured` is the figure written in the table; "
        "`items` is what this run found (they must agree); `elsewhere` counts items that still hold the "
        "pattern after the removal (inside the text: kept).",
        "",
        "| outlet | edge | what | measured | items | distinct bodies | left empty | elsewhere (kept) |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for entry in RESIDUE:
        lines.append(
            f"| {entry.outlet} | {entry.edge}{' line' if entry.whole_line else ''} | {entry.what} | "
            f"{entry.measured:,} | {m.residue[entry]:,} | {m.residue_distinct[entry]:,} | "
            f"{m.emptied[entry]:,} | {m.residue_elsewhere[entry]:,} |"
        )
    lines += [
        "",
        "## Presentation-form blocks without a compatibility decomposition",
        "",
        "`text-presentation-form` flags only the characters of U+FB50-U+FDFF and U+FE70-U+FEFC that NFKC "
        "maps to base letters, and its repair maps them. The blocks' other characters are text with no "
        "repair (the rule used to flag them, and ingest skipped their articles even with `--fix`). Items "
        "holding one, per character:",
        "",
    ]
    lines += [
        f"- U+{ord(char):04X} {unicodedata.name(char, 'unassigned')}: {count:,}"
        for char, count in sorted(m.no_decomposition.items())
    ] or ["- none"]
    lines += ["", "## `akhbar ingest --format saudinewsnet --fix --dry-run`", ""]
    lines += [
        "Into an empty temporary project. Before: `--fix` with the character repairs only; after: every "
        "repair (the default of `--fix`).",
        "",
        "| | read | added | unchanged | duplicate | skipped |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, report in (("character repairs", before), ("every repair", after)):
        outcomes = report["outcomes"]
        assert isinstance(outcomes, dict)
        lines.append(
            f"| {name} | {report['read']:,} | "
            + " | ".join(f"{outcomes[key]:,}" for key in ("added", "unchanged", "duplicate", "skipped"))
            + " |"
        )
    for name, report in (("character repairs", before), ("every repair", after)):
        skipped, fixes = report["skipped"], report["fixes"]
        assert isinstance(skipped, dict) and isinstance(fixes, dict)
        lines += ["", f"{name}: skipped " + (", ".join(f"{k} {v:,}" for k, v in skipped.items()) or "none")]
        lines += [f"{name}: repaired " + ", ".join(f"{k} {v:,}" for k, v in sorted(fixes.items()))]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not args.dataset.is_dir():
        print(f"no SaudiNewsNet dataset at {args.dataset}", file=sys.stderr)
        return 2
    measures = measure(args.dataset)
    before = dry_run(args.dataset, CHARACTER_REPAIRS)
    after = dry_run(args.dataset, frozenset(FIXABLE))
    args.output.write_text(page(measures, before, after, args.dataset.resolve()), "utf-8")
    mismatched = [entry for entry in RESIDUE if measures.residue[entry] != entry.measured]
    for entry in mismatched:
        print(
            f"{entry.outlet} {entry.edge} {entry.what}: table says {entry.measured}, "
            f"measured {measures.residue[entry]}",
            file=sys.stderr,
        )
    print(f"wrote {args.output}")
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
