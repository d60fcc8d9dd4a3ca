"""Model suggestions for Label Studio: the entity and stance models' output as predictions, never labels.

`push --suggest` asks a `Suggester` for the tasks nobody has annotated. Each suggestion is a Label Studio
prediction carrying the model's `model_version` and a `score`, the model's confidence in [0, 1], so
that the project's "Uncertainty sampling" offers the least confident task first.

Entities: the task text is cut into paragraphs (on \\n) and tokens (akhbar.text.tokens, as the `ner`
rows are), the model tags each paragraph in IOB2 and every tagged run of tokens becomes a span from the
first token's start to the last token's end, code points into the very text the task shows. The task's
score is its least confident paragraph: a long article with one doubtful paragraph is a doubtful task.
Stance: the stance model's label for (claim, article text), scored by its probability.

A suggestion is held to the corpus's own span check before it is sent; one that fails is reported, not
sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from akhbar.errors import UsageError
from akhbar.labelstudio.config import STANCE_FROM, TEXT_TO
from akhbar.labelstudio.tasks import Key, describe, entity_region, span_problem, task_key
from akhbar.model.consistency import consistent_by
from akhbar.paths import Project
from akhbar.scheme import Scheme
from akhbar.text.tokens import Token, tokenize

SUGGESTED_LAYERS = ("entities", "stance")
DIGITS = 6  # scores are rounded so the same model sends the same payload on every machine


class EntityTagger(Protocol):
    version: str

    def tag_scored(self, sentences: list[list[str]]) -> list[tuple[list[str], float]]: ...


class StancePredictor(Protocol):
    version: str

    def predict(self, pairs: list[tuple[str, str]]) -> list[tuple[str, float]]: ...


@dataclass
class Suggester:
    """The trained models of the layers asked for; `suggest` turns task data into prediction payloads."""

    scheme: Scheme
    entities: EntityTagger | None = None
    stance: StancePredictor | None = None
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, project: Project, scheme: Scheme, layers: Sequence[str]) -> Suggester:
        """The models for `layers`; a clear UsageError (run `akhbar model train`) when one is missing."""
        found = cls(scheme)
        try:
            if "entities" in layers:
                from akhbar.model import entities as entity_model

                found.entities = entity_model.load(project)
            if "stance" in layers:
                from akhbar.model import stance as stance_model

                found.stance = stance_model.load_stance(project)
        except ImportError as error:
            raise UsageError(f"--suggest needs akhbar's model package, which cannot load: {error}") from None
        return found

    def version(self, layer: str) -> str | None:
        model = self.entities if layer == "entities" else self.stance if layer == "stance" else None
        return model.version if model is not None else None

    def suggest(self, layer: str, tasks: Sequence[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
        """Prediction payloads ({model_version, score, result}) by task key for the tasks' data."""
        keyed = [(key, data) for data in tasks if (key := task_key(layer, data)) is not None]
        if not keyed:
            return {}
        if layer == "entities" and self.entities is not None:
            return self._entities(self.entities, keyed)
        if layer == "stance" and self.stance is not None:
            return self._stance(self.stance, keyed)
        return {}

    def _entities(
        self, model: EntityTagger, keyed: list[tuple[Key, dict[str, Any]]]
    ) -> dict[Key, dict[str, Any]]:
        sentences: list[list[Token]] = []
        owner: list[int] = []  # the index in `keyed` of each sentence's task
        for index, (_, data) in enumerate(keyed):
            for tokens in paragraph_tokens(data["text"]):
                sentences.append(tokens)
                owner.append(index)
        words = [[token.text for token in tokens] for tokens in sentences]
        scored = model.tag_scored(words) if sentences else []
        # names made consistent within each article; the score stays the tagger's own
        tagged = consistent_by(list(owner), words, [tags for tags, _ in scored])
        spans: list[list[dict[str, Any]]] = [[] for _ in keyed]
        scores: list[float] = [1.0 for _ in keyed]  # an article with no token: nothing to doubt
        for tokens, tags, (_, score), index in zip(sentences, tagged, scored, owner, strict=True):
            text = keyed[index][1]["text"]
            spans[index] += tags_to_spans(text, tokens, tags)
            scores[index] = min(scores[index], float(score))
        out = {}
        for (key, data), found, score in zip(keyed, spans, scores, strict=True):
            result = []
            for span in found:
                problem = span_problem(span, data["text"], self.scheme)
                if problem:
                    self.problems.append(f"a suggested span of {describe(key)} was not sent: {problem}")
                    continue
                result.append(entity_region(f"s{len(result)}", span))
            out[key] = {"model_version": model.version, "score": round(score, DIGITS), "result": result}
        return out

    def _stance(
        self, model: StancePredictor, keyed: list[tuple[Key, dict[str, Any]]]
    ) -> dict[Key, dict[str, Any]]:
        predicted = model.predict([(data["claim"], data["text"]) for _, data in keyed])
        out = {}
        for (key, _), (label, score) in zip(keyed, predicted, strict=True):
            if label not in self.scheme.stance_names:
                self.problems.append(
                    f"the stance model said {label!r} for {describe(key)}: not a scheme label"
                )
                continue
            result = [
                {
                    "from_name": STANCE_FROM,
                    "to_name": TEXT_TO,
                    "type": "choices",
                    "value": {"choices": [label]},
                }
            ]
            out[key] = {
                "model_version": model.version,
                "score": round(float(score), DIGITS),
                "result": result,
            }
        return out


def paragraph_tokens(text: str) -> list[list[Token]]:
    """The tokens of each \\n-separated paragraph that has any, offsets into `text`."""
    found, start = [], 0
    for line in text.split("\n"):
        tokens, _ = tokenize(text, start, start + len(line))
        if tokens:
            found.append(tokens)
        start += len(line) + 1
    return found


def tags_to_spans(text: str, tokens: Sequence[Token], tags: Sequence[str]) -> list[dict[str, Any]]:
    """Spans {start, end, label, text} of IOB2 tags over tokens. An I- that does not continue a span of
    its type starts one (a model's tags need not be well formed)."""
    spans: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for token, tag in zip(tokens, tags, strict=True):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current["label"] == label:
            current["end"] = token.end
            continue
        if current is not None:
            spans.append(current)
            current = None
        if prefix in ("B", "I") and label:
            current = {"start": token.start, "end": token.end, "label": label}
    if current is not None:
        spans.append(current)
    return [{**span, "text": text[span["start"] : span["end"]]} for span in spans]
