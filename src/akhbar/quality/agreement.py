"""Inter-annotator agreement on the items that several annotators labelled.

Stance: Krippendorff's alpha (nominal, `krippendorff`) over every (article, claim) pair with two or
more annotators, and Cohen's kappa (`sklearn.metrics.cohen_kappa_score`) for each pair of annotators
on the items they share.
Entities: span F1 between each pair of annotators on the articles they share (`nervaluate`), strict
(same start, end and type) and partial (overlapping extent, type ignored; a partial match counts
half), overall and per type; "all pairs" pools the comparisons of every pair.

Each annotator votes once per item, with the record the adjudication rule would take for them.
Annotations marked ground truth are left out: they settle disagreements rather than measure them.
"""

from __future__ import annotations

import itertools
import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import krippendorff
import numpy as np
from nervaluate.entities import Entity, EvaluationResult
from nervaluate.strategies import EvaluationStrategy, PartialEvaluation, StrictEvaluation

from akhbar import markdown
from akhbar.paths import Project
from akhbar.quality.adjudicate import span_keys, votes_by_item
from akhbar.quality.votes import ItemVotes
from akhbar.scheme import load_scheme

DIGITS = 6  # figures are rounded so the JSON file is the same on every machine
AGREEMENT_FILE = "agreement.json"  # written into every release


@dataclass(frozen=True)
class KappaPair:
    annotators: tuple[str, str]
    items: int  # items both labelled
    observed: float  # share of those items with the same label
    kappa: float | None  # None when undefined: both used one and the same label throughout


@dataclass(frozen=True)
class StanceAgreement:
    items: int  # (article, target) pairs with two or more annotators
    annotators: tuple[str, ...]
    alpha: float | None  # None when undefined (no such item, or a single label used throughout)
    pairs: tuple[KappaPair, ...]


@dataclass(frozen=True)
class Scores:
    """nervaluate's counts and figures for one comparison."""

    correct: int
    incorrect: int
    partial: int
    missed: int
    spurious: int
    precision: float | None  # None when undefined: no span on that side
    recall: float | None
    f1: float | None  # None when neither side drew a span

    @property
    def spans(self) -> int:
        """Spans drawn on both sides of the comparison."""
        return 2 * (self.correct + self.incorrect + self.partial) + self.missed + self.spurious


@dataclass(frozen=True)
class SpanAgreement:
    annotators: tuple[str, str] | None  # None = every pair pooled
    articles: int  # article comparisons behind the figures
    strict: Scores
    partial: Scores
    labels: dict[str, dict[str, Scores]]  # type -> {"strict": ..., "partial": ...}, types that occur


@dataclass(frozen=True)
class EntityAgreement:
    articles: int  # articles with two or more annotators
    annotators: tuple[str, ...]
    pooled: SpanAgreement | None  # None when no article has two annotators
    pairs: tuple[SpanAgreement, ...]


@dataclass(frozen=True)
class Agreement:
    stance: StanceAgreement
    entities: EntityAgreement

    def to_dict(self) -> dict[str, Any]:
        return _tuples_to_lists(asdict(self))

    def to_json(self) -> bytes:
        """The bytes of agreement.json: the same figures always give the same bytes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def measure_agreement(
    records: Iterable[dict[str, Any]], *, stance_labels: Sequence[str], entity_labels: Sequence[str]
) -> Agreement:
    """Agreement figures for annotation records of both layers (any order, duplicates allowed).

    Records marked ground truth take no part: they are a reviewer's decision, not an independent label."""
    entity_items, stance_items = votes_by_item(record for record in records if not record.get("ground_truth"))
    stance = (
        {name: record["stance"] for name, record in votes.items()}
        for votes in stance_items.values()
        if len(votes) > 1
    )
    entities = (
        {name: sorted(span_keys(record)) for name, record in votes.items()}
        for votes in entity_items.values()
        if len(votes) > 1
    )
    return Agreement(_stance_agreement(stance, stance_labels), _entity_agreement(entities, entity_labels))


def corpus_agreement(*, project: Project) -> tuple[Agreement, int]:
    """Agreement over the project's annotation layers, and how many records were left out because
    they were made on an earlier text of their article (or on an article that is gone).

    The same figures as `measure_agreement` over `current_annotations`, streamed item by item from an
    on-disk sort (`quality.votes`), so memory does not grow with the corpus."""
    scheme = load_scheme(project.schema)
    with ItemVotes(project) as items:
        stance = _stance_agreement(items.stance(), scheme.stance_names)
        entities = _entity_agreement(items.entities(), scheme.entity_names)
        return Agreement(stance, entities), items.stale


class _KappaTally:
    """One pair of annotators' labels on the items they share, as small integer codes."""

    def __init__(self) -> None:
        self.one, self.two = array("H"), array("H")
        self.same = 0


def _stance_agreement(items: Iterable[dict[str, Any]], labels: Sequence[str]) -> StanceAgreement:
    """`items`: for each item two or more annotators labelled, annotator -> label, by annotator name."""
    # Labels become codes (those outside the scheme after its own): kappa's confusion matrix over codes
    # is the one over labels, so the figures are the same with two bytes per vote instead of a string.
    codes = {label: code for code, label in enumerate(labels)}
    counts = array("q")  # one row per item, one column per label: how many annotators chose it
    tallies: dict[tuple[str, str], _KappaTally] = {}
    names: set[str] = set()
    used: set[Any] = set()
    count = 0
    for votes in items:
        count += 1
        names.update(votes)
        values = list(votes.values())
        used.update(values)
        counts.extend(values.count(label) for label in labels)
        for (first, one), (second, two) in itertools.combinations(votes.items(), 2):
            tally = tallies.get((first, second)) or tallies.setdefault((first, second), _KappaTally())
            tally.one.append(codes.setdefault(one, len(codes)))
            tally.two.append(codes.setdefault(two, len(codes)))
            tally.same += one == two
    alpha = None
    if len(used) > 1:
        matrix = np.frombuffer(counts, dtype=np.int64).reshape(count, len(labels))
        alpha = _round(krippendorff.alpha(value_counts=matrix, level_of_measurement="nominal"))
    pairs = []
    for pair in sorted(tallies):
        tally = tallies.pop(pair)
        one, two = np.frombuffer(tally.one, dtype=np.uint16), np.frombuffer(tally.two, dtype=np.uint16)
        kappa = None
        if len(set(tally.one) | set(tally.two)) > 1:
            # scikit-learn takes seconds to import: only once there is a kappa to compute.
            from sklearn.metrics import cohen_kappa_score

            kappa = _round(cohen_kappa_score(one, two, labels=list(range(len(labels)))))
        pairs.append(KappaPair(pair, len(one), _round(tally.same / len(one)), kappa))
    return StanceAgreement(count, tuple(sorted(names)), alpha, tuple(pairs))


Spans = list[tuple[int, int, str]]
# nervaluate's strategies, as its Evaluator runs them (default minimum overlap); only these two are reported.
_STRATEGIES: dict[str, EvaluationStrategy] = {"strict": StrictEvaluation(), "partial": PartialEvaluation()}


class _SpanTally:
    """nervaluate's counts for one comparison, summed document by document as its Evaluator sums them.

    The Evaluator keeps every document and the index of every match until the end; summing as the
    documents go by gives the same counts, and the figures are computed from the totals the same way."""

    def __init__(self) -> None:
        self.articles = 0
        self.overall = {name: EvaluationResult() for name in _STRATEGIES}
        self.labels: dict[str, dict[str, EvaluationResult]] = {}

    def add(self, true: Spans, pred: Spans, labels: Sequence[str]) -> None:
        # Types outside the scheme take no part, as in the Evaluator.
        wanted = set(labels)
        true = [span for span in true if span[2] in wanted]
        pred = [span for span in pred if span[2] in wanted]
        self.articles += 1
        if true == pred:
            # The same distinct spans on both sides (the common case): each strategy matches every span
            # to itself, so all are correct; the counts nervaluate would give, without its pairwise loops.
            for name in _STRATEGIES:
                self.overall[name].correct += len(true)
        else:
            true_doc, pred_doc = _entities(true), _entities(pred)
            for name, strategy in _STRATEGIES.items():
                _add(self.overall[name], strategy.evaluate(true_doc, pred_doc, list(labels))[0])
        # Per type, as the Evaluator does it: the spans of that type only, on each side.
        true_by_label, pred_by_label = _by_label(true), _by_label(pred)
        for label in true_by_label.keys() | pred_by_label.keys():
            one, two = true_by_label.get(label, []), pred_by_label.get(label, [])
            results = self.labels.setdefault(label, {name: EvaluationResult() for name in _STRATEGIES})
            if one == two:
                for result in results.values():
                    result.correct += len(one)
                continue
            true_doc, pred_doc = _entities(one), _entities(two)
            for name, strategy in _STRATEGIES.items():
                _add(results[name], strategy.evaluate(true_doc, pred_doc, [label])[0])

    def merge(self, other: _SpanTally) -> None:
        self.articles += other.articles
        for name in _STRATEGIES:
            _add(self.overall[name], other.overall[name])
        for label, results in other.labels.items():
            mine = self.labels.setdefault(label, {name: EvaluationResult() for name in _STRATEGIES})
            for name, result in mine.items():
                _add(result, results[name])

    def agreement(self, annotators: tuple[str, str] | None, labels: Sequence[str]) -> SpanAgreement:
        by_label = {
            label: {name: _scores(found[name], name) for name in _STRATEGIES}
            for label in labels
            if (found := self.labels.get(label))
        }
        strict, partial = (_scores(self.overall[name], name) for name in _STRATEGIES)
        return SpanAgreement(annotators, self.articles, strict, partial, by_label)


def _entities(spans: Spans) -> list[Entity]:
    # nervaluate's ends are inclusive; ours are exclusive (Python slices).
    return [Entity(label, start, end - 1) for start, end, label in spans]


def _by_label(spans: Spans) -> dict[str, Spans]:
    found: dict[str, Spans] = {}
    for span in spans:
        found.setdefault(span[2], []).append(span)
    return found


def _add(total: EvaluationResult, result: EvaluationResult) -> None:
    """Add one document's counts; the figures come from the totals at the end (`_scores`), as from the
    totals nervaluate's Evaluator sums."""
    total.correct += result.correct
    total.incorrect += result.incorrect
    total.partial += result.partial
    total.missed += result.missed
    total.spurious += result.spurious


def _entity_agreement(items: Iterable[dict[str, Spans]], labels: Sequence[str]) -> EntityAgreement:
    """`items`: for each article two or more annotators labelled, annotator -> sorted distinct spans."""
    tallies: dict[tuple[str, str], _SpanTally] = {}
    names: set[str] = set()
    count = 0
    for votes in items:
        count += 1
        names.update(votes)
        for (first, true), (second, pred) in itertools.combinations(votes.items(), 2):
            tally = tallies.get((first, second)) or tallies.setdefault((first, second), _SpanTally())
            tally.add(true, pred, labels)
    pairs = []
    pooled = _SpanTally()  # every pair's comparisons: the sum of the pairs' counts
    for pair in sorted(tallies):
        pairs.append(tallies[pair].agreement(pair, labels))
        pooled.merge(tallies[pair])
    return EntityAgreement(
        count, tuple(sorted(names)), pooled.agreement(None, labels) if pairs else None, tuple(pairs)
    )


def _scores(result: EvaluationResult, strategy: str) -> Scores:
    # The figures from the counts, with nervaluate's formulas (a partial match counts half).
    result.compute_metrics(partial_or_type=strategy == "partial")
    # With no span on one side a figure is undefined (0/0), not zero: it is reported as None.
    precision = _round(result.precision) if result.actual else None
    recall = _round(result.recall) if result.possible else None
    f1 = _round(result.f1) if result.actual or result.possible else None
    counts = (result.correct, result.incorrect, result.partial, result.missed, result.spurious)
    return Scores(*counts, precision, recall, f1)


def _round(value: float) -> float:
    return round(float(value), DIGITS)


def _tuples_to_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _tuples_to_lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_tuples_to_lists(item) for item in value]
    return value


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def text(self) -> str:
        """Aligned columns for a terminal; numbers right-aligned."""
        cells = [self.header, *self.rows]
        widths = [max(len(row[column]) for row in cells) for column in range(len(self.header))]
        lines = [self.title]
        for row in cells:
            parts = [
                cell.ljust(width) if column == 0 else cell.rjust(width)
                for column, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  " + "  ".join(parts).rstrip())
        if not self.rows:
            lines.append("  (none)")
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"**{self.title}**", ""]
        if not self.rows:
            return "\n".join([*lines, "None yet."])
        lines += markdown.table(self.header, self.rows, markdown.numbers_after(self.header, 1))
        return "\n".join(lines)


def tables(agreement: Agreement) -> list[Table]:
    """The figures as tables of formatted cells: the terminal and the datasheet render the same ones."""
    stance, entities = agreement.stance, agreement.entities
    stance_rows = [("Krippendorff's alpha (nominal)", "all", str(stance.items), "", _cell(stance.alpha))]
    for pair in stance.pairs:
        names = " – ".join(pair.annotators)
        stance_rows.append(("Cohen's kappa", names, str(pair.items), _cell(pair.observed), _cell(pair.kappa)))
    span_rows = []
    for item in [entities.pooled, *entities.pairs] if entities.pooled else []:
        names = " – ".join(item.annotators) if item.annotators else "all pairs"
        strict, partial = item.strict, item.partial
        span_rows.append((names, str(item.articles), str(strict.spans), _cell(strict.f1), _cell(partial.f1)))
    label_rows = [
        (label, str(scores["strict"].spans), _cell(scores["strict"].f1), _cell(scores["partial"].f1))
        for label, scores in (entities.pooled.labels.items() if entities.pooled else [])
    ]
    return [
        Table(
            f"Stance: {stance.items} (article, claim) pairs labelled by two or more annotators",
            ("measure", "annotators", "items", "observed agreement", "value"),
            tuple(stance_rows),
        ),
        Table(
            f"Entities: {entities.articles} articles labelled by two or more annotators (span F1)",
            ("annotators", "articles", "spans", "strict F1", "partial F1"),
            tuple(span_rows),
        ),
        Table(
            "Entities per type (all pairs)", ("type", "spans", "strict F1", "partial F1"), tuple(label_rows)
        ),
    ]


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
