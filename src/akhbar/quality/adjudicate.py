"""The adjudication rule: several annotations of one item in, the released labels out.

The rule (documented for users in docs/adjudication.md):
1. One vote per annotator per item. When an annotator has several records for the same item (a
   re-pulled export, an annotation redone on a review task), the one marked ground truth wins, then
   the most recently updated; the record id breaks a remaining tie so the choice is deterministic.
   A span drawn twice in one annotation counts once.
2. Ground truth wins. If annotations marked ground truth exist for the item and they all agree, they
   are released ("ground-truth"); if they disagree, nothing is released ("ground-truth-conflict").
3. One annotator: the single annotation is released as it is ("single").
4. Several annotators: majority means more than half of the annotators of that item.
   - stance: the label with a majority is released ("majority"); otherwise nothing is released and the
     item is listed, as a "tie" when two labels share the top count, else as "no-majority".
   - entities: a span (same start, end and label) is released when a majority drew it ("majority");
     the other candidate spans are listed as disputed with their votes. When annotators drew spans but
     none reached a majority the article is not released ("no-majority"): releasing it with no
     entities would claim that it has none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GROUND_TRUTH = "ground-truth"
GROUND_TRUTH_CONFLICT = "ground-truth-conflict"
SINGLE = "single"
MAJORITY = "majority"
NO_MAJORITY = "no-majority"
TIE = "tie"

SpanKey = tuple[int, int, str]


@dataclass(frozen=True)
class EntityDecision:
    """The entity spans released for one article."""

    article_id: str
    spans: tuple[dict[str, Any], ...] | None  # {start, end, label, text}; None = not released
    annotators: tuple[str, ...]
    rule: str
    disputed: tuple[dict[str, Any], ...]  # candidates left out: span fields + votes + annotators


@dataclass(frozen=True)
class StanceDecision:
    """The stance released for one (article, target) pair."""

    article_id: str
    target_id: str
    label: str | None  # None = not released (tie, no majority, conflicting ground truth)
    annotators: tuple[str, ...]
    rule: str
    votes: dict[str, int]


@dataclass(frozen=True)
class Adjudication:
    entities: dict[str, EntityDecision]  # by article_id
    stance: dict[tuple[str, str], StanceDecision]  # by (article_id, target_id)

    def counts(self) -> dict[str, dict[str, int]]:
        """How many items each branch of the rule decided, per layer."""
        return {
            "entities": dict(sorted(Counter(d.rule for d in self.entities.values()).items())),
            "stance": dict(sorted(Counter(d.rule for d in self.stance.values()).items())),
        }


def adjudicate(records: Iterable[dict[str, Any]]) -> Adjudication:
    """Decide the released labels from all annotation records (both layers, any order)."""
    entity_items, stance_items = votes_by_item(records)
    return Adjudication(
        entities={
            article_id: _decide_entities(article_id, votes) for article_id, votes in entity_items.items()
        },
        stance={key: _decide_stance(*key, votes) for key, votes in stance_items.items()},
    )


def votes_by_item(
    records: Iterable[dict[str, Any]],
) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[tuple[str, str], dict[str, dict[str, Any]]]]:
    """Entity items by article id and stance items by (article id, target id), sorted; each maps
    annotator -> that annotator's one record for the item (rule 1)."""
    entity_items: dict[str, list[dict[str, Any]]] = {}
    stance_items: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in records:
        layer = record.get("layer")
        if layer == "entities":
            entity_items.setdefault(record["article_id"], []).append(record)
        elif layer == "stance":
            stance_items.setdefault((record["article_id"], record["target_id"]), []).append(record)
        else:
            raise ValueError(f"annotation record {record.get('id')!r} has unknown layer {layer!r}")
    return (
        {key: one_per_annotator(entity_items[key]) for key in sorted(entity_items)},
        {key: one_per_annotator(stance_items[key]) for key in sorted(stance_items)},
    )


def _preference(record: dict[str, Any]) -> tuple[bool, str, str]:
    provenance = record.get("provenance") or {}
    updated = provenance.get("updated_at") or provenance.get("created_at") or ""
    return bool(record.get("ground_truth")), updated, str(record.get("id", ""))


def one_per_annotator(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each annotator's one record for an item (rule 1), by annotator name in sorted order."""
    chosen: dict[str, dict[str, Any]] = {}
    for record in records:
        current = chosen.get(record["annotator"])
        if current is None or _preference(record) > _preference(current):
            chosen[record["annotator"]] = record
    return dict(sorted(chosen.items()))


def _span(span: dict[str, Any]) -> dict[str, Any]:
    return {"start": span["start"], "end": span["end"], "label": span["label"], "text": span["text"]}


def span_keys(record: dict[str, Any]) -> dict[SpanKey, dict[str, Any]]:
    """The distinct spans of one entity annotation by (start, end, label): a span drawn twice counts once."""
    return {(span["start"], span["end"], span["label"]): _span(span) for span in record.get("spans") or ()}


def candidates(records: dict[str, dict[str, Any]]) -> dict[SpanKey, tuple[dict[str, Any], list[str]]]:
    """Every distinct span among the records, with the annotators who drew it."""
    found: dict[SpanKey, tuple[dict[str, Any], list[str]]] = {}
    for annotator, record in records.items():
        # as `span_keys`, but a span is copied only for the first annotator who drew it (the copy kept)
        drawn = {(span["start"], span["end"], span["label"]): span for span in record.get("spans") or ()}
        for key, span in drawn.items():
            if key in found:
                found[key][1].append(annotator)
            else:
                found[key] = (_span(span), [annotator])
    return dict(sorted(found.items()))


def _with_votes(span: dict[str, Any], annotators: list[str]) -> dict[str, Any]:
    return {**span, "votes": len(annotators), "annotators": tuple(annotators)}


def _decide_entities(article_id: str, latest: dict[str, dict[str, Any]]) -> EntityDecision:
    annotators = tuple(latest)
    truths = {name: record for name, record in latest.items() if record.get("ground_truth")}
    if truths:
        if len({frozenset(span_keys(record)) for record in truths.values()}) == 1:
            spans = tuple(span for _, span in sorted(span_keys(next(iter(truths.values()))).items()))
            return EntityDecision(article_id, spans, annotators, GROUND_TRUTH, ())
        disputed = tuple(_with_votes(span, who) for span, who in candidates(truths).values())
        return EntityDecision(article_id, None, annotators, GROUND_TRUTH_CONFLICT, disputed)
    if len(annotators) == 1:
        spans = tuple(span for _, span in sorted(span_keys(latest[annotators[0]]).items()))
        return EntityDecision(article_id, spans, annotators, SINGLE, ())
    kept: list[dict[str, Any]] = []
    disputed_spans: list[dict[str, Any]] = []
    for span, who in candidates(latest).values():
        if 2 * len(who) > len(annotators):
            kept.append(span)
        else:
            disputed_spans.append(_with_votes(span, who))
    if not kept and disputed_spans:
        return EntityDecision(article_id, None, annotators, NO_MAJORITY, tuple(disputed_spans))
    return EntityDecision(article_id, tuple(kept), annotators, MAJORITY, tuple(disputed_spans))


def _decide_stance(article_id: str, target_id: str, latest: dict[str, dict[str, Any]]) -> StanceDecision:
    annotators = tuple(latest)
    votes = dict(sorted(Counter(record["stance"] for record in latest.values()).items()))
    truths = {record["stance"] for record in latest.values() if record.get("ground_truth")}
    if truths:
        label = truths.pop() if len(truths) == 1 else None
        rule = GROUND_TRUTH if label is not None else GROUND_TRUTH_CONFLICT
        return StanceDecision(article_id, target_id, label, annotators, rule, votes)
    if len(annotators) == 1:
        return StanceDecision(
            article_id, target_id, latest[annotators[0]]["stance"], annotators, SINGLE, votes
        )
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    top_label, top = ranked[0]
    if 2 * top > len(annotators):
        return StanceDecision(article_id, target_id, top_label, annotators, MAJORITY, votes)
    rule = TIE if len(ranked) > 1 and ranked[1][1] == top else NO_MAJORITY
    return StanceDecision(article_id, target_id, None, annotators, rule, votes)
