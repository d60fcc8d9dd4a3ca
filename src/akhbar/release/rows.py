"""One article in, its rows of the three configs out.

- articles: the article with every released entity span (nested ones too) and every released stance.
- ner: one row per paragraph (the text split on \\n; paragraphs with no token are left out), only for
  articles whose entity annotation is released; tokens by `akhbar.text.tokens`, split at span edges,
  tagged IOB2 with the outermost spans; `token_starts`/`token_ends` are code-point offsets into the
  article's `text` (not into the paragraph), so `text[start:end] == token`.
  A document of kind "sentences" keeps its source's tokens: each line split on " " exactly, never
  re-tokenized nor split at span edges (a span edge inside a source token is counted).
- stance: one row per released (article, target) pair.

Every row carries `collection` (the article's), `license` and `attribution` of every record it is made
from (`terms`: licences combined with AND, never widened); `ner` and `stance` rows the labels annotated.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from akhbar.importers.anercorp import ORPHAN
from akhbar.quality.adjudicate import EntityDecision, StanceDecision
from akhbar.registry import combine_attributions, combine_licenses
from akhbar.scheme import Scheme
from akhbar.text.tokens import Span, outermost, source_tokens, token_columns, tokens_inside


@dataclass
class RowStats:
    """What the rows of a release hold and what was left out, counted as rows are made."""

    tokens_split: int = 0  # whitespace tokens cut at a span edge (a proclitic before a name)
    edges_inside_source_tokens: int = 0  # span edges inside a token of a "sentences" document: not cut
    nested_spans: int = 0  # in `articles`, left out of `ner` (outermost only)
    crossing_spans: int = 0  # overlap an earlier span without nesting: in `articles`, not in `ner`
    labels: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)  # config -> split -> counts

    def count(self, config: str, split: str, labels: list[str]) -> None:
        self.labels.setdefault(config, {}).setdefault(split, Counter()).update(labels)


@dataclass(frozen=True)
class Codes:
    """Label name -> ClassLabel id, for each label column."""

    entity: dict[str, int]
    stance: dict[str, int]
    tag: dict[str, int]
    tags: tuple[str, ...]


@functools.cache
def codes(scheme: Scheme) -> Codes:
    tags = scheme.iob2_tags
    return Codes(
        entity={name: i for i, name in enumerate(scheme.entity_names)},
        stance={name: i for i, name in enumerate(scheme.stance_names)},
        tag={name: i for i, name in enumerate(tags)},
        tags=tags,
    )


def terms(article: dict[str, Any], records: Iterable[dict[str, Any]] = ()) -> dict[str, str]:
    """The terms of a row made from an article and other records (annotations, claims): the article's
    collection, every distinct licence joined with AND, every distinct attribution joined with "; "."""
    made_from = [article, *records]
    return {
        "collection": article["collection"],
        "license": combine_licenses(record["license"] for record in made_from),
        "attribution": combine_attributions(record["attribution"] for record in made_from),
    }


def annotated(records: Iterable[dict[str, Any]], names: tuple[str, ...]) -> list[str]:
    """The labels every one of the records annotated, in scheme order: a label one annotator did not mark
    is unknown in what they decided together."""
    known = set(names)
    for record in records:
        known &= set(record.get("annotated_labels") or ())
    return [name for name in names if name in known]


def paragraphs(text: str) -> Iterator[tuple[int, int, int]]:
    """(index, start, end) of each \\n-separated paragraph."""
    start = 0
    for index, line in enumerate(text.split("\n")):
        yield index, start, start + len(line)
        start += len(line) + 1


def article_row(
    article: dict[str, Any],
    entities: EntityDecision | None,
    stances: list[tuple[StanceDecision, str]],
    code: Codes,
    row_terms: dict[str, str],
) -> dict[str, Any]:
    spans = (
        sorted(entities.spans or (), key=lambda s: (s["start"], -s["end"], s["label"])) if entities else []
    )
    return {
        "id": article["id"],
        "kind": article["kind"],
        **row_terms,
        "title": article.get("title"),
        "text": article["text"],
        "source": article.get("source"),
        "url": article.get("url"),
        "published": article.get("published"),
        "author": article.get("author"),
        "story_id": article.get("story_id"),
        "synthetic": bool(article.get("synthetic")),
        "entities": [
            {"start": s["start"], "end": s["end"], "label": code.entity[s["label"]], "text": s["text"]}
            for s in spans
        ],
        "entity_decision": entities.rule if entities is not None and entities.spans is not None else None,
        "stance": [
            {"target_id": decision.target_id, "claim": claim, "label": code.stance[decision.label]}
            for decision, claim in stances
            if decision.label is not None
        ],
    }


def ner_rows(
    article: dict[str, Any],
    spans: tuple[dict[str, Any], ...],
    split: str,
    code: Codes,
    stats: RowStats,
    row_terms: dict[str, str],
    annotated_labels: list[str],
    source_spans: list[dict[str, Any]] | None = None,
) -> Iterator[dict[str, Any]]:
    tag_index = code.tag
    text = article["text"]
    kept, dropped = outermost(Span(s["start"], s["end"], s["label"]) for s in spans)
    for span in dropped:
        if any(k.start <= span.start and span.end <= k.end for k in kept):
            stats.nested_spans += 1
        else:
            stats.crossing_spans += 1
    cuts = [edge for span in kept for edge in (span.start, span.end)]
    # kept spans do not overlap: their starts and their ends both ascend
    kept_starts = [span.start for span in kept]
    kept_ends = [span.end for span in kept]
    from_source = article.get("kind") == "sentences"
    for index, start, end in paragraphs(text):
        # the spans that overlap the paragraph: no other one can cut or tag its tokens
        local = kept[bisect.bisect_right(kept_ends, start) : bisect.bisect_left(kept_starts, end)]
        if from_source:
            tokens = source_tokens(text, start, end)
            texts = [token.text for token in tokens]
            starts = [token.start for token in tokens]
            ends = [token.end for token in tokens]
            edges = {*starts, *ends}
            stats.edges_inside_source_tokens += sum(
                1 for cut in cuts if start < cut < end and cut not in edges
            )
        else:
            texts, starts, ends, splits = token_columns(
                text, start, end, [edge for span in local for edge in (span.start, span.end)]
            )
            stats.tokens_split += splits
        if not texts:
            continue
        # IOB2 as `spans_to_tags` makes them, straight to their ids
        tags = [tag_index["O"]] * len(texts)
        opened: list[str] = []
        for span in local:
            inside = tokens_inside(starts, ends, span.start, span.end)
            if inside:
                tags[inside.start] = tag_index["B-" + span.label]
                tags[inside.start + 1 : inside.stop] = [tag_index["I-" + span.label]] * (len(inside) - 1)
                opened.append(f"entity:{span.label}")
        stats.count("ner", split, opened)
        yield {
            "id": f"{article['id']}-{index}",
            "article_id": article["id"],
            "paragraph": index,
            "tokens": texts,
            "ner_tags": tags,
            "token_starts": starts,
            "token_ends": ends,
            **row_terms,
            "annotated_labels": annotated_labels,
            "source_tags": source_tags(starts, ends, source_spans) if source_spans is not None else [],
        }


def source_spans(records: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The spans of imported gold with the source's own labels, typed by the scheme or not; None when no
    record of the article was imported."""
    imported = [record for record in records if record["provenance"].get("tool") == "import"]
    if not imported:
        return None
    return [
        span
        for record in imported
        for span in (*record.get("spans", ()), *record.get("unmapped_spans", ()))
        if span.get("source_label")
    ]


def source_tags(starts: list[int], ends: list[int], spans: list[dict[str, Any]]) -> list[str]:
    """IOB2 tags of the source's labels over the tokens (their starts and ends, in text order). A span the
    source opened with I- (an entity whose start is in doubt, kept as the source has it) starts with I-
    here too; a later span's tags overwrite an earlier one's."""
    tags = ["O"] * len(starts)
    for span in spans:
        inside = tokens_inside(starts, ends, span["start"], span["end"])
        opens = span.get("evidence") != ORPHAN
        for index in inside:
            tags[index] = ("B-" if opens and index == inside.start else "I-") + span["source_label"]
    return tags


def stance_row(
    article: dict[str, Any],
    decision: StanceDecision,
    claim: str,
    code: Codes,
    row_terms: dict[str, str],
    annotated_labels: list[str],
) -> dict[str, Any]:
    assert decision.label is not None
    return {
        "id": f"{article['id']}-{decision.target_id}",
        "article_id": article["id"],
        "target_id": decision.target_id,
        "claim": claim,
        "title": article.get("title"),
        "text": article["text"],
        "label": code.stance[decision.label],
        **row_terms,
        "annotated_labels": annotated_labels,
    }
