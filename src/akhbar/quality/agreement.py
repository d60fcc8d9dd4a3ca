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
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import krippendorff
import numpy as np
from nervaluate import Evaluator
from sklearn.metrics import cohen_kappa_score

from akhbar import markdown
from akhbar.paths import Project
from akhbar.quality.adjudicate import span_keys, votes_by_item
from akhbar.quality.records import current_annotations
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
    stance = {
        key: {name: record["stance"] for name, record in votes.items()}
        for key, votes in stance_items.items()
        if len(votes) > 1
    }
    entities = {
        article_id: {name: sorted(span_keys(record)) for name, record in votes.items()}
        for article_id, votes in entity_items.items()
        if len(votes) > 1
    }
    return Agreement(_stance_agreement(stance, stance_labels), _entity_agreement(entities, entity_labels))


def corpus_agreement(*, project: Project) -> tuple[Agreement, int]:
    """Agreement over the project's annotation layers, and how many records were left out because
    they were made on an earlier text of their article (or on an article that is gone)."""
    current, stale = current_annotations(project)
    scheme = load_scheme(project.schema)
    figures = measure_agreement(current, stance_labels=scheme.stance_names, entity_labels=scheme.entity_names)
    return figures, stale


def _stance_agreement(items: dict[Any, dict[str, str]], labels: Sequence[str]) -> StanceAgreement:
    annotators = tuple(sorted({name for votes in items.values() for name in votes}))
    alpha = None
    used = {label for votes in items.values() for label in votes.values()}
    if len(used) > 1:
        # One row per item, one column per label: how many annotators chose it.
        counts = np.array(
            [[list(votes.values()).count(label) for label in labels] for votes in items.values()]
        )
        alpha = _round(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))
    pairs = []
    for first, second in itertools.combinations(annotators, 2):
        shared = [votes for votes in items.values() if first in votes and second in votes]
        if not shared:
            continue
        one, two = [votes[first] for votes in shared], [votes[second] for votes in shared]
        same = sum(a == b for a, b in zip(one, two, strict=True))
        kappa = None
        if len(set(one) | set(two)) > 1:
            kappa = _round(cohen_kappa_score(one, two, labels=list(labels)))
        pairs.append(KappaPair((first, second), len(shared), _round(same / len(shared)), kappa))
    return StanceAgreement(len(items), annotators, alpha, tuple(pairs))


Spans = list[tuple[int, int, str]]


def _entity_agreement(items: dict[str, dict[str, Spans]], labels: Sequence[str]) -> EntityAgreement:
    annotators = tuple(sorted({name for votes in items.values() for name in votes}))
    pairs = []
    pooled_true: list[Spans] = []
    pooled_pred: list[Spans] = []
    for first, second in itertools.combinations(annotators, 2):
        shared = [votes for votes in items.values() if first in votes and second in votes]
        if not shared:
            continue
        true, pred = [votes[first] for votes in shared], [votes[second] for votes in shared]
        pairs.append(_span_agreement((first, second), true, pred, labels))
        pooled_true += true
        pooled_pred += pred
    pooled = _span_agreement(None, pooled_true, pooled_pred, labels) if pairs else None
    return EntityAgreement(len(items), annotators, pooled, tuple(pairs))


def _span_agreement(
    annotators: tuple[str, str] | None, true: list[Spans], pred: list[Spans], labels: Sequence[str]
) -> SpanAgreement:
    # nervaluate's ends are inclusive; ours are exclusive (Python slices).
    results = Evaluator(_documents(true), _documents(pred), tags=list(labels), loader="dict").evaluate()
    by_label = {
        label: {"strict": _scores(found["strict"]), "partial": _scores(found["partial"])}
        for label in labels
        if (found := results["entities"].get(label))
    }
    overall = results["overall"]
    return SpanAgreement(
        annotators, len(true), _scores(overall["strict"]), _scores(overall["partial"]), by_label
    )


def _documents(documents: list[Spans]) -> list[list[dict[str, Any]]]:
    return [
        [{"start": start, "end": end - 1, "label": label} for start, end, label in spans]
        for spans in documents
    ]


def _scores(result: Any) -> Scores:
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
