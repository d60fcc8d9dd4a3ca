"""A synthetic annotated corpus with everything agreement has to sort out: several annotators per item who
disagree on some spans and labels, re-pulled records (rule 1), ground truth, stale records.

Made-up sentences (no real news) recombined by a seeded generator; every article marked synthetic, every
annotation made by this script. Shared by tests/quality/test_agreement_stream.py (small, in memory) and
scripts/bench_agreement.py (up to 1,000,000 articles, streamed to disk).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from akhbar.corpus import text_sha256
from akhbar.registry import OWN_TERMS
from synthetic import synthetic_annotation_terms, synthetic_article

# Made-up sentences: {X} marks an entity slot of type X.
SENTENCES = (
    "قال {PERS} إن {ORG} ستعقد اجتماعا في {GPE} يوم {DATE}.",
    "وزار {PERS} مدينة {GPE} والتقى ممثلين عن {ORG}.",
    "وأعلنت {ORG} أن {CARDINAL} موظفا سينتقلون إلى {FAC}.",
    "وبحسب {ORG} فإن النمو بلغ {PERCENT} في {GPE}.",
    "وأشار {OCC} {PERS} إلى أن الأسعار ارتفعت بمقدار {MONEY}.",
)
FILLERS = {
    "PERS": ("سالم الحربي", "نادية الخطيب", "يوسف القاسم", "ليلى منصور"),
    "ORG": ("هيئة الموانئ", "شركة النور", "اتحاد المزارعين", "المجلس البلدي"),
    "GPE": ("الرياض", "عمّان", "تونس", "بغداد", "الرباط"),
    "DATE": ("الخميس الماضي", "مطلع الشهر"),
    "CARDINAL": ("120", "أربعين"),
    "PERCENT": ("4.5%", "12 بالمئة"),
    "MONEY": ("200 دينار", "15 مليون دولار"),
    "FAC": ("مركز المعارض", "القاعة الكبرى"),
    "OCC": ("الوزير", "المتحدث الرسمي"),
}
ANNOTATORS = ("ali", "huda", "omar", "sara", "yusuf")
STANCES = ("Agree", "Disagree", "Discuss", "Unrelated")
LABELS = tuple(FILLERS)
MADE_BY = "tests/quality/agreement_corpus.py"


def _text(rng: random.Random) -> tuple[str, list[dict[str, Any]]]:
    text, spans = "", []
    for _ in range(rng.randint(2, 3)):
        if text:
            text += " "
        pieces = rng.choice(SENTENCES).replace("}", "{").split("{")
        for index, piece in enumerate(pieces):
            if index % 2:
                surface = rng.choice(FILLERS[piece])
                spans.append({"start": len(text), "end": len(text) + len(surface), "label": piece})
                text += surface
            else:
                text += piece
    for span in spans:
        span["text"] = text[span["start"] : span["end"]]
    return text, spans


def _drawn(rng: random.Random, text: str, gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One annotator's spans: the gold ones, some missed, relabelled or cut short, and a spurious one."""
    spans = []
    for span in gold:
        roll = rng.random()
        if roll < 0.08:
            continue
        start, end, label = span["start"], span["end"], span["label"]
        if roll < 0.13:
            label = rng.choice(LABELS)
        elif roll < 0.18 and end - start > 2:
            end -= 1
        spans.append({"start": start, "end": end, "label": label, "text": text[start:end]})
    if rng.random() < 0.05:
        spans.append({"start": 0, "end": 3, "label": rng.choice(LABELS), "text": text[0:3]})
    if rng.random() < 0.03 and spans:
        spans.append(dict(spans[0]))  # drawn twice: counts once
    return spans


def records(
    number: int, rng: random.Random, entity_terms: dict[str, Any], stance_terms: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any] | None, list[dict[str, Any]]]:
    """Article `number`: its record, its claim (one article in two) and its annotation records."""
    text, gold = _text(rng)
    article = synthetic_article(f"agr-{number:08d}", text, made_by=MADE_BY)
    sha = text_sha256(text)
    claim = None
    annotations: list[dict[str, Any]] = []

    def record(layer: str, annotator: str, serial: int, day: int, **fields: Any) -> None:
        at = f"2026-01-{day:02d}T00:00:00Z"
        annotations.append(
            {
                "id": f"{layer[:3]}-{number:08d}-{annotator}-{serial}",
                "layer": layer,
                "article_id": article["id"],
                "text_sha256": sha,
                "annotator": annotator,
                "provenance": {"tool": "synthetic", "created_at": at, "updated_at": at},
                **(entity_terms if layer == "entities" else stance_terms),
                **fields,
            }
        )

    team = rng.sample(ANNOTATORS, rng.choice((1, 2, 2, 2, 3, 3, 4)))
    for annotator in team:
        record("entities", annotator, 1, rng.randint(2, 9), spans=_drawn(rng, text, gold))
        if rng.random() < 0.05:  # re-pulled: an older record of the same annotator, which rule 1 passes over
            record("entities", annotator, 0, 1, spans=_drawn(rng, text, gold))
        if rng.random() < 0.03:  # made on an earlier text: stale, left out
            record("entities", annotator, 2, 10, spans=_drawn(rng, text, gold))
            annotations[-1]["text_sha256"] = text_sha256(text + " ")
    if rng.random() < 0.03:
        record("entities", "reviewer", 1, 11, spans=gold, ground_truth=True)
    if number % 2 == 0:
        claim = {
            "id": f"agr-claim-{number:08d}",
            "claim": f"ستعقد الهيئة الاجتماع رقم {number} في الأسبوع المقبل.",
            "article_ids": [article["id"]],
            "origin": f"synthetic ({MADE_BY})",
            **OWN_TERMS,
        }
        truth = rng.choice(STANCES)
        for annotator in team:
            label = truth if rng.random() < 0.75 else rng.choice(STANCES)
            record("stance", annotator, 1, rng.randint(2, 9), target_id=claim["id"], stance=label)
            if rng.random() < 0.05:
                record("stance", annotator, 0, 1, target_id=claim["id"], stance=rng.choice(STANCES))
        if rng.random() < 0.03:
            record("stance", "reviewer", 1, 11, target_id=claim["id"], stance=truth, ground_truth=True)
    return article, claim, annotations


def generate(count: int, seed: int, schema: Path | None = None) -> Iterator[tuple[Any, ...]]:
    """(article, claim or None, annotation records) for articles 0 .. count - 1."""
    rng = random.Random(seed)
    entity_terms = synthetic_annotation_terms("entities", schema)
    stance_terms = synthetic_annotation_terms("stance", schema)
    for number in range(count):
        yield records(number, rng, entity_terms, stance_terms)


def write(root: Path, count: int, seed: int) -> None:
    """The corpus of `count` articles under root/corpus (the schema must be at root/schema), streamed."""
    corpus = root / "corpus"
    for folder in ("articles/akhbar", "targets", "annotations/entities", "annotations/stance"):
        (corpus / folder).mkdir(parents=True, exist_ok=True)
    handles: dict[str, BinaryIO] = {}
    try:
        for name, path in {
            "article": "articles/akhbar/synthetic.jsonl",
            "target": "targets/synthetic.jsonl",
            "entities": "annotations/entities/synthetic.jsonl",
            "stance": "annotations/stance/synthetic.jsonl",
        }.items():
            handles[name] = (corpus / path).open("wb")
        for article, claim, annotations in generate(count, seed, root / "schema"):
            handles["article"].write(_line(article))
            if claim:
                handles["target"].write(_line(claim))
            for annotation in annotations:
                handles[annotation["layer"]].write(_line(annotation))
    finally:
        for handle in handles.values():
            handle.close()


def _line(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"
