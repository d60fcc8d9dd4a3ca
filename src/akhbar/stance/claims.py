"""Claims the project's annotators write in Label Studio, stored as stance targets.

corpus/targets/akhbar-claims.jsonl holds them: one target per non-empty text area of an annotation of the
`<prefix> claims` project, in the project's own collection (`akhbar`), with its author, the article it
was written from (`article_ids`, and later the articles `akhbar stance pairs` draws for it, see
pairs.py) and where it was written (`provenance`).

Two claims are the same claim when their keys are equal: the text folded as duplicates are compared
everywhere in the corpus (`corpus.fold`: NFC, invisible controls and tatweel removed, white space
folded) and without the punctuation that ends a sentence. The validator's `duplicate-claim` rule and pull
use this one key.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Iterable, Sequence
from typing import Any

from akhbar.corpus import fold

CLAIMS_FILE = "akhbar-claims.jsonl"
# The text areas of the labeling page, in order: the first is required, the other two optional.
CLAIM_FIELDS = ("claim1", "claim2", "claim3")
# The checklist for a claim: in the instructions of the claims project and in the guidelines' claims
# section (a generated block of docs/guidelines.md and docs/guidelines.ar.md): (English, Arabic).
CLAIM_RULES = (
    (
        "Checkable: a fact one could confirm or refute from other reports (who did what, when, how many).",
        "قابل للتحقق: واقعة يمكن تأكيدها أو نفيها من مصادر أخرى (من فعل ماذا، ومتى، وكم).",
    ),
    (
        'One fact per claim: no "and" joining two events; split them into two claims.',
        "واقعة واحدة في كل ادعاء: لا تجمع حدثين بحرف العطف؛ اكتبهما ادعاءين.",
    ),
    (
        'No opinion words: no judgement or feeling ("excellent", "shameful", "unfortunately").',
        'بلا كلمات رأي: لا حكم ولا شعور ("ممتاز"، "مخزٍ"، "للأسف").',
    ),
    (
        "Short and whole: one sentence that can be read without the article; names instead of pronouns.",
        "قصير ومكتمل: جملة واحدة تُفهم دون المقال؛ الأسماء بدل الضمائر.",
    ),
    (
        "In your own words, in Arabic; a claim the article makes, not whether it is true.",
        "بكلماتك وبالعربية؛ ادعاء يطرحه المقال، لا حكم على صحته.",
    ),
)
_SENTENCE_END = re.compile(r"[\s.!?؟،؛…]+$")


def normalise(text: str) -> str:
    """The claim as stored: NFC, no invisible controls or tatweel, single spaces, trimmed (corpus.fold)."""
    return fold(text)


def claim_key(text: str) -> str:
    """What duplicates are compared on: the normalised claim without the punctuation that ends it."""
    return _SENTENCE_END.sub("", normalise(text))


def claim_id(project_id: int, task_id: int, annotation_id: int, field: str) -> str:
    """A claim's id from where it was written: the same annotation and text area give the same id."""
    return f"claim-ls-{project_id}-{task_id}-{annotation_id}-{field}"


def keys_of(targets: Iterable[dict[str, Any]]) -> dict[str, str]:
    """claim key -> id of the first target holding it."""
    found: dict[str, str] = {}
    for target in targets:
        claim = target.get("claim")
        if isinstance(claim, str) and isinstance(target.get("id"), str):
            found.setdefault(claim_key(claim), target["id"])
    return found


def choose_for_claims(
    articles: Iterable[dict[str, Any]], *, first: int = 0, ids: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    """The articles to ask claims for, and problems: the explicit `ids`, then the `first` news articles
    (kind "article", with text) in the order of the sha256 of their ids. That order is a fixed shuffle
    of the corpus: a spread of outlets and dates, the same on every run, and `first` N+k extends the N
    chosen before (push is then idempotent: the tasks already sent are found, the new ones added)."""
    chosen: list[str] = []
    problems: list[str] = []
    candidates: list[tuple[str, str]] = []
    known: dict[str, dict[str, Any]] = {}
    for article in articles:
        known[article["id"]] = article
        if first and article.get("kind") == "article" and (article.get("text") or "").strip():
            candidates.append((hashlib.sha256(article["id"].encode("utf-8")).hexdigest(), article["id"]))
    for article_id in ids:
        article = known.get(article_id)
        if article is None:
            problems.append(f"claims: article {article_id} is not in the corpus")
        elif not (article.get("text") or "").strip():
            problems.append(f"claims: article {article_id} has no text to write claims from")
        else:
            chosen.append(article_id)
    chosen += [article_id for _, article_id in heapq.nsmallest(first, candidates)] if first else []
    return list(dict.fromkeys(chosen)), problems
