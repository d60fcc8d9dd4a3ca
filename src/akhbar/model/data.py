"""The release's rows as the models read them: Parquet of the current release under data/, tags by name.

A `ner` row says which types were annotated (`annotated_labels`): a type outside that list is unknown in
the row, not absent. `learned_types` and `usable` turn that into what a tagger may learn from (see
`entities`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.release import manifest
from akhbar.scheme import Scheme, load_scheme

# Scheme type -> ANERcorp's own type: the native figures of `evaluate`, and which types an untyped
# ANERcorp location may be (`inputs.Encoder.allowed`).
NATIVE = {
    "PERS": "PERS",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "PRODUCT": "MISC",
    "EVENT": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "WEBSITE": "MISC",
}


@dataclass(frozen=True)
class NerRow:
    id: str
    collection: str
    tokens: list[str]
    tags: list[str]  # IOB2 of the scheme
    annotated: frozenset[str]
    source_tags: list[str]  # the source's own IOB2 (ANERcorp: PERS/LOC/ORG/MISC), or empty
    article_id: str = ""  # the article the row is a paragraph of (empty: the row stands alone)


@dataclass(frozen=True)
class StanceRow:
    id: str
    collection: str
    claim: str
    article: str  # the article's title and text, as the stance annotators read them
    label: str
    annotated: frozenset[str]


def release_version(project: Project) -> str:
    current = manifest.read(project.data)
    if current is None:
        raise UsageError(f"no release in {project.data}: run `akhbar release` first")
    return str(current["version"])


def _table(project: Project, config: str, split: str) -> list[dict[str, Any]]:
    files = sorted((project.data / config).glob(f"{split}-*.parquet"))
    return [row for path in files for row in pq.read_table(path).to_pylist()]


def ner_rows(project: Project, split: str, scheme: Scheme | None = None) -> list[NerRow]:
    scheme = scheme or load_scheme(project.schema)
    names = scheme.iob2_tags
    return [
        NerRow(
            id=row["id"],
            collection=row["collection"],
            tokens=list(row["tokens"]),
            tags=[names[code] for code in row["ner_tags"]],
            annotated=frozenset(row["annotated_labels"] or ()),
            source_tags=list(row["source_tags"] or ()),
            article_id=row["article_id"],
        )
        for row in _table(project, "ner", split)
    ]


def stance_rows(project: Project, split: str, scheme: Scheme | None = None) -> list[StanceRow]:
    scheme = scheme or load_scheme(project.schema)
    names = scheme.stance_names
    return [
        StanceRow(
            id=row["id"],
            collection=row["collection"],
            claim=row["claim"] or "",
            article="\n".join(part for part in (row["title"], row["text"]) if part),
            label=names[row["label"]],
            annotated=frozenset(row["annotated_labels"] or ()),
        )
        for row in _table(project, "stance", split)
    ]


def learned_types(rows: list[NerRow], scheme: Scheme) -> tuple[str, ...]:
    """The types a tagger learns from these rows: each type annotated in rows holding at least half of the
    tokens, in scheme order. A type only a small part of the data marked is left out rather than taught
    as O from the rest (where it is unknown, not absent)."""
    weight: Counter[str] = Counter()
    total = 0
    for row in rows:
        total += len(row.tokens)
        weight.update({name: len(row.tokens) for name in row.annotated})
    return tuple(name for name in scheme.entity_names if total and weight[name] * 2 >= total)


def usable(row: NerRow, types: tuple[str, ...]) -> bool:
    """Whether a row may teach a tagger of these types: it annotated every one of them, so each of its O
    tokens is known to be none of them. A row that did not mark a type may hold that type's names as O,
    and is left out of training rather than teach them as O."""
    return set(types) <= row.annotated


def restrict(tags: list[str], types: tuple[str, ...] | frozenset[str]) -> list[str]:
    """Tags of other types made O (spans of a type not learned, or not annotated where scored)."""
    return [tag if tag != "O" and tag[2:] in types else "O" for tag in tags]


def wojood_rows(path: Path, scheme: Scheme) -> list[NerRow]:
    """The Wojood sample's train sentences as rows: outermost layer, every scheme type annotated (Wojood's
    21 types are the scheme's)."""
    from akhbar.importers import wojood

    known = set(scheme.entity_names)
    rows = []
    for index, sentence in enumerate(wojood.read(path)):
        tags = [layers[0] if layers[0] == "O" or layers[0][2:] in known else "O" for layers in sentence.tags]
        rows.append(
            NerRow(
                id=f"wojood-{index}",
                collection="wojood",
                tokens=list(sentence.tokens),
                tags=tags,
                annotated=frozenset(known),
                source_tags=[],
            )
        )
    return rows
