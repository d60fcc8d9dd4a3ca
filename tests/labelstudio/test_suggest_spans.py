"""Suggestions without a server: a model's IOB2 tags become exact code-point spans of the task text, the
task's score is its least confident paragraph, and what does not fit the scheme is reported, not sent;
pull notes the suggestion an annotation started from; `push --help` says what the options write."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from akhbar.cli.main import main
from akhbar.corpus import text_sha256
from akhbar.errors import UsageError
from akhbar.labelstudio.suggest import Suggester, paragraph_tokens, tags_to_spans
from akhbar.labelstudio.tasks import entity_tasks
from akhbar.paths import Project
from akhbar.scheme import load_scheme

SCHEME = load_scheme()
TEXT = "🇮🇶 قال 𝐀 إن سالم الحداد وصل بغداد.\n\nوأضاف أن الوفد من هيئة الموانئ."


@dataclass
class Tagger:
    """Tags by surface: every token in `names` gets its tag; `scores` per call, in paragraph order."""

    names: dict[str, str]
    scores: list[float]
    version: str = "fake-crf-1"
    seen: list[list[str]] = field(default_factory=list)

    def tag_scored(self, sentences: list[list[str]]) -> list[tuple[list[str], float]]:
        self.seen += sentences
        return [
            ([self.names.get(token, "O") for token in tokens], score)
            for tokens, score in zip(sentences, self.scores, strict=True)
        ]


def test_tags_become_code_point_spans_after_astral_characters() -> None:
    (first, second) = paragraph_tokens(TEXT)  # the empty line between them has no token
    assert [token.text for token in first][:4] == ["🇮", "🇶", "قال", "𝐀"]
    tags = ["O"] * len(first)
    tags[[token.text for token in first].index("سالم")] = "B-PERS"
    tags[[token.text for token in first].index("الحداد")] = "I-PERS"
    tags[[token.text for token in first].index("بغداد")] = "I-GPE"  # an I- opening a span
    spans = tags_to_spans(TEXT, first, tags)
    assert spans == [
        {"start": TEXT.index("سالم"), "end": TEXT.index("سالم") + 11, "label": "PERS", "text": "سالم الحداد"},
        {"start": TEXT.index("بغداد"), "end": TEXT.index("بغداد") + 5, "label": "GPE", "text": "بغداد"},
    ]
    assert all(TEXT[span["start"] : span["end"]] == span["text"] for span in spans)
    assert second[0].start == TEXT.index("وأضاف")


def test_adjacent_begins_and_a_span_at_the_end_stay_apart() -> None:
    text = "بغداد أربيل"
    tokens = paragraph_tokens(text)[0]
    assert tags_to_spans(text, tokens, ["B-GPE", "B-GPE"]) == [
        {"start": 0, "end": 5, "label": "GPE", "text": "بغداد"},
        {"start": 6, "end": 11, "label": "GPE", "text": "أربيل"},
    ]
    assert tags_to_spans(text, tokens, ["B-GPE", "I-ORG"]) == [
        {"start": 0, "end": 5, "label": "GPE", "text": "بغداد"},
        {"start": 6, "end": 11, "label": "ORG", "text": "أربيل"},
    ]


def test_entity_suggestions_carry_version_and_the_least_confident_paragraph_as_score() -> None:
    article = {"id": "a1", "text": TEXT, "title": "", "source": "synthetic"}
    (data,) = entity_tasks([article])
    tagger = Tagger({"سالم": "B-PERS", "الحداد": "I-PERS", "هيئة": "B-ORG", "الموانئ": "I-ORG"}, [0.9, 0.25])
    suggester = Suggester(SCHEME, entities=tagger)
    (payload,) = suggester.suggest("entities", [data]).values()
    assert payload["model_version"] == "fake-crf-1" and payload["score"] == 0.25
    values = [region["value"] for region in payload["result"]]
    assert [(value["text"], value["labels"]) for value in values] == [
        ("سالم الحداد", ["PERS"]),
        ("هيئة الموانئ", ["ORG"]),
    ]
    assert all(TEXT[value["start"] : value["end"]] == value["text"] for value in values)
    assert len(tagger.seen) == 2 and suggester.problems == []


def test_a_label_outside_the_scheme_is_reported_and_not_sent() -> None:
    (data,) = entity_tasks([{"id": "a1", "text": "وصل سالم.", "title": ""}])
    suggester = Suggester(SCHEME, entities=Tagger({"سالم": "B-PERSON"}, [0.5]))
    (payload,) = suggester.suggest("entities", [data]).values()
    assert payload["result"] == []
    assert len(suggester.problems) == 1 and "PERSON" in suggester.problems[0]


@dataclass
class Stance:
    answers: list[tuple[str, float]]
    version: str = "fake-lr-1"

    def predict(self, pairs: list[tuple[str, str]]) -> list[tuple[str, float]]:
        return self.answers[: len(pairs)]


def test_stance_suggestions_are_the_models_choice_and_probability() -> None:
    tasks = [
        {
            "article_id": f"a{n}",
            "target_id": "c1",
            "claim": "ادعاء",
            "text": "نص",
            "text_sha256": text_sha256("نص"),
        }
        for n in (1, 2)
    ]
    suggester = Suggester(SCHEME, stance=Stance([("Agree", 0.81), ("Maybe", 0.6)]))
    found = suggester.suggest("stance", tasks)
    assert found == {
        ("a1", "c1"): {
            "model_version": "fake-lr-1",
            "score": 0.81,
            "result": [
                {"from_name": "stance", "to_name": "text", "type": "choices", "value": {"choices": ["Agree"]}}
            ],
        }
    }
    assert "'Maybe'" in suggester.problems[0]
    assert suggester.suggest("claims", tasks) == {}  # no model suggests for other layers


def test_without_a_trained_model_load_says_what_to_run(tmp_project: Project) -> None:
    with pytest.raises(UsageError, match=r"no entity model: run `akhbar model train`"):
        Suggester.load(tmp_project, SCHEME, ["entities"])
    with pytest.raises(UsageError, match=r"no stance model: run `akhbar model train`"):
        Suggester.load(tmp_project, SCHEME, ["stance"])


def test_pull_notes_the_suggestion_an_annotation_started_from_and_reads_no_prediction_as_a_label() -> None:
    from akhbar.labelstudio.convert import convert

    text = "وصل سالم إلى بغداد."
    (data,) = entity_tasks([{"id": "a1", "text": text, "title": ""}])
    suggested = {
        "id": "s0",
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 4, "end": 8, "text": "سالم", "labels": ["PERS"]},
    }
    prediction = {"id": 7, "model_version": "fake-crf-1", "score": 0.4, "result": [suggested]}
    task = {
        "id": 3,
        "data": data,
        "predictions": [prediction],
        "annotations": [
            {
                "id": 11,
                "completed_by": {"id": 1, "email": "a@example.org"},
                # As the labeling page submits an accepted suggestion (seen on the real server).
                "result": [{**suggested, "origin": "prediction"}],
                "parent_prediction": 7,
                "prediction": prediction,
                "created_at": "2026-01-01T00:00:00Z",
            },
            {
                "id": 12,
                "completed_by": {"id": 2, "email": "b@example.org"},
                "result": [],
                "parent_prediction": 7,
                "prediction": prediction,
                "created_at": "2026-01-01T00:00:00Z",
            },
        ],
    }
    untouched = {"id": 4, "data": data, "predictions": [prediction], "annotations": []}
    out = convert(
        [task, untouched],
        layer="entities",
        project_id=1,
        articles={"a1": text},
        targets={},
        scheme=SCHEME,
        export_name="x",
    )
    assert out.problems == []
    accepted, deleted = out.records
    assert accepted["spans"] == [{"start": 4, "end": 8, "label": "PERS", "text": "سالم"}]
    assert accepted["provenance"]["suggestion"] == {
        "prediction_id": 7,
        "model_version": "fake-crf-1",
        "kept": 1,
        "changed": 0,
    }
    assert deleted["spans"] == [] and deleted["provenance"]["suggestion"]["kept"] == 0
    assert len(out.records) == 2  # the task with only a prediction gives no record


def test_push_help_says_what_overlap_and_suggest_write(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["labelstudio", "push", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--overlap N" in text and "maximum annotations on the server" in text
    assert "--suggest" in text and "uncertainty sampling on the server" in text
    assert "Suggestions are never labels" in text


def test_a_name_found_in_one_paragraph_is_suggested_in_the_others_of_its_article_only() -> None:
    text = "قال سالم إن الوفد وصل.\n\nوأضاف سالم أن الوفد غادر."
    articles = [
        {"id": "a1", "text": text, "title": "", "source": "synthetic"},
        {"id": "a2", "text": "وأضاف سالم أن الوفد غادر.", "title": "", "source": "synthetic"},
    ]

    class FirstOnly(Tagger):
        """Tags سالم only where قال stands before it, as a tagger reading one sentence might."""

        def tag_scored(self, sentences: list[list[str]]) -> list[tuple[list[str], float]]:
            return [
                (["B-PERS" if i and s[i - 1] == "قال" and t == "سالم" else "O" for i, t in enumerate(s)], 0.5)
                for s in sentences
            ]

    suggester = Suggester(SCHEME, entities=FirstOnly({}, []))
    payloads = suggester.suggest("entities", entity_tasks(articles))
    found = {
        key: [(r["value"]["start"], r["value"]["text"]) for r in payload["result"]]
        for key, payload in payloads.items()
    }
    first, second = (found[key] for key in sorted(found, key=str))
    assert first == [(text.index("سالم"), "سالم"), (text.rindex("سالم"), "سالم")]
    assert second == []
