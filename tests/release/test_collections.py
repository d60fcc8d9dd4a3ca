"""Collections and licences in a release: every row's terms, never widened; imported gold released as
ground truth; a source split kept; shared long paragraphs grouped; a sentences document's own tokens.

A temporary project holds one record of each kind the importers write (made up here, marked synthetic):
an article of the non-commercial share-alike collection annotated by the project, a document of source
sentences with imported gold (one unmapped span), two headlines with imported stances (one whose source
label has no counterpart), and two articles of the project's own collection that share a long paragraph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from release_corpus import entities, span, stance, write

from akhbar import jsonl
from akhbar.corpus import fold, text_sha256
from akhbar.paths import Project
from akhbar.registry import read_registry, terms
from akhbar.release.publish import release
from akhbar.release.settings import CONFIGS, Settings
from akhbar.release.splits import PARAGRAPH, hash_split
from akhbar.scheme import load_scheme
from synthetic import synthetic_article

REGISTRY = read_registry(Path(__file__).resolve().parents[2] / "corpus" / "collections" / "collections.jsonl")
COMMIT = "0" * 40
RATIOS = (0.5, 0.25, 0.25)
SHARED = (
    "قال المتحدث باسم الهيئة العامة للنقل في مؤتمر صحفي عقده صباح اليوم إن الخطة الجديدة لتطوير شبكة "
    "الحافلات ستشمل إنشاء محطات حديثة وتوسيع الخطوط لتصل إلى الأحياء البعيدة خلال السنوات الخمس القادمة، "
    "وأكد أن التمويل مؤمن بالكامل."
)
LINES = ["قال مراسل أ.ف.ب إن سالم الحداد وصل إلى بغداد .", "وأعلنت وزارة الصحة في الموصل عن خطة جديدة ."]


def _article(article_id: str, text: str, collection: str, **fields: Any) -> dict[str, Any]:
    record = synthetic_article(article_id, text, made_by="tests", **{"title": "عنوان تجريبي", **fields})
    record.update(terms(REGISTRY[collection], record.get("source")))
    return record


def _imported(record: dict[str, Any], collection: str, labels: list[str], lines: list[int]) -> dict[str, Any]:
    """An annotation record as an importer writes it: imported gold, the source as annotator."""
    record.update(terms(REGISTRY[collection]))
    record.update(annotator=collection, ground_truth=True, annotated_labels=labels)
    record["provenance"] = {
        "tool": "import",
        "source_file": f"{collection}.txt",
        "source_commit": COMMIT,
        "source_lines": lines,
    }
    return record


def _pair_in_two_splits() -> tuple[str, str]:
    """Two ids whose own hashes fall in different splits: only grouping can put them together."""
    ids = [f"akh-{n:03d}" for n in range(100)]
    first = ids[0]
    second = next(key for key in ids if hash_split(key, RATIOS) != hash_split(first, RATIOS))
    return first, second


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("collections") / "project"
    snn = _article("snn-okaz-1", "وصل سالم الحداد إلى بغداد يوم الأحد.", "saudinewsnet", source="okaz")
    document = "\n".join(LINES)
    doc = _article("anercorp-0001", document, "anercorp", title=None, source=None, kind="sentences")
    doc["published"] = None
    headline = _article("ans-train-1", "", "ans", title="وصل الوفد إلى بغداد", kind="headline", source=None)
    other = _article("ans-train-2", "", "ans", title="افتتاح معرض الكتاب", kind="headline", source=None)
    first, second = _pair_in_two_splits()
    own = [
        _article(first, f"{SHARED}\nخبر أول عن المدينة وحدائقها العامة ومكتباتها الكثيرة.", "akhbar"),
        _article(second, f"تقرير مختلف تماما عن الطقس والأمطار في الشتاء.\n{SHARED}", "akhbar"),
    ]
    pers = {**span(document, "سالم الحداد", "PERS"), "source_label": "PERS"}
    gpe = {**span(document, "بغداد", "GPE"), "source_label": "LOC", "evidence": "newsfane:Population-Center"}
    unmapped = {**span(document, "الموصل", "LOC"), "source_label": "LOC"}
    del unmapped["label"]
    gold = _imported(
        entities(doc, "anercorp", [pers, gpe], unmapped_spans=[unmapped]),
        "anercorp",
        ["PERS", "NORP", "ORG", "GPE", "LOC", "FAC", "PRODUCT"],
        [1, 16],
    )
    agree = _imported(stance(headline, "ans", "ans-c1", "Agree"), "ans", ["Agree", "Disagree"], [2, 2])
    unlabelled = _imported(stance(other, "ans", "ans-c2", "Agree"), "ans", ["Agree", "Disagree"], [3, 3])
    unlabelled.update(stance=None, source_label="other")
    claims = [
        {
            "id": f"ans-c{n}",
            "claim": claim,
            "article_ids": [article_id],
            "origin": "written by ANS's annotators from the headline",
            **terms(REGISTRY["ans"]),
            "provenance": {
                "source_file": "data/stance/train.csv",
                "source_commit": COMMIT,
                "source_lines": [n + 1] * 2,
            },
        }
        for n, claim, article_id in (
            (1, "وصل وفد إلى العاصمة.", "ans-train-1"),
            (2, "أغلق المعرض.", "ans-train-2"),
        )
    ]
    snn_entities = entities(snn, "ann1", [span(snn["text"], "بغداد", "GPE")])
    project = write(root, [snn, doc, headline, other, *own], [gold, agree, unlabelled, snn_entities], claims)
    jsonl.write(
        project.corpus / "splits" / "anercorp.jsonl",
        [{"article_id": doc["id"], "group": "anercorp:test", "since": "source", "split": "test"}],
    )
    settings = Settings(ratios=RATIOS, near_duplicates=False)  # the shared paragraph alone must group them
    report = release(project, version="0.1.0", settings=settings, date="2025-02-01", allow_synthetic=True)
    return {"project": project, "manifest": report.manifest, "doc": doc, "own": (first, second)}


def _rows(project: Project, config: str) -> list[dict[str, Any]]:
    found = []
    for path in sorted((project.data / config).glob("*.parquet")):
        split = path.name.split("-", 1)[0]
        found += [{**row, "_split": split} for row in pq.read_table(path).to_pylist()]
    return found


def test_every_row_of_every_config_carries_its_collection_licence_and_attribution(released) -> None:
    project = released["project"]
    counted = 0
    for config in CONFIGS:
        rows = _rows(project, config)
        assert rows, config
        for row in rows:
            counted += 1
            assert row["collection"] in REGISTRY
            assert row["license"] and row["attribution"].strip()
            assert REGISTRY[row["collection"]]["license"] in row["license"].split(" AND ")
            if config == "articles":
                assert row["kind"] in ("article", "sentences", "headline")
            else:
                assert row["annotated_labels"]
    assert counted >= 10


def test_a_row_of_non_commercial_share_alike_text_keeps_those_terms(released) -> None:
    project = released["project"]
    (ner,) = [row for row in _rows(project, "ner") if row["article_id"] == "snn-okaz-1"]
    # text CC BY-NC-SA + the project's annotation CC BY: both, never the wider one alone
    assert ner["license"] == "CC-BY-4.0 AND CC-BY-NC-SA-4.0"
    assert "SaudiNewsNet" in ner["attribution"] and "article © okaz" in ner["attribution"]
    assert "akhbar maintainers" in ner["attribution"]
    (article,) = [row for row in _rows(project, "articles") if row["id"] == "snn-okaz-1"]
    assert article["license"] == "CC-BY-4.0 AND CC-BY-NC-SA-4.0" and article["kind"] == "article"
    (doc,) = [row for row in _rows(project, "ner") if row["article_id"] == "anercorp-0001"][:1]
    assert doc["license"] == "CC-BY-SA-4.0"  # share-alike text, share-alike gold: nothing else mixed in


def test_a_source_split_is_kept_and_not_written_to_the_assignment(released) -> None:
    project, doc = released["project"], released["doc"]
    assert {row["_split"] for row in _rows(project, "ner") if row["article_id"] == doc["id"]} == {"test"}
    assignment = {r["article_id"] for _, r in jsonl.read(project.corpus / "splits" / "assignment.jsonl")}
    assert doc["id"] not in assignment and "snn-okaz-1" in assignment
    assert released["manifest"]["report"]["splits"]["from_source_splits"] == 1
    source = project.corpus / "splits" / "anercorp.jsonl"
    assert next(r for _, r in jsonl.read(source))["since"] == "source"


def test_two_articles_sharing_a_long_paragraph_land_in_one_split(released) -> None:
    project, (first, second) = released["project"], released["own"]
    assert len(SHARED) >= PARAGRAPH
    split = {row["id"]: row["_split"] for row in _rows(project, "articles")}
    assert hash_split(first, RATIOS) != hash_split(second, RATIOS)
    assert split[first] == split[second]
    leakage = released["manifest"]["report"]["leakage"]
    assert leakage["paragraphs_in_two_or_more_splits"] == 0
    assert leakage["windows_in_two_or_more_splits"] == 0


def test_ner_rows_of_a_sentences_document_keep_the_source_tokens_exactly(released) -> None:
    project, doc = released["project"], released["doc"]
    rows = sorted(
        (row for row in _rows(project, "ner") if row["article_id"] == doc["id"]), key=lambda r: r["paragraph"]
    )
    assert [row["tokens"] for row in rows] == [line.split(" ") for line in LINES]
    assert "أ.ف.ب" in rows[0]["tokens"]  # the regular tokenizer would cut it at the dots
    for row in rows:
        assert [doc["text"][s:e] for s, e in zip(row["token_starts"], row["token_ends"], strict=True)] == row[
            "tokens"
        ]
    tags = load_scheme().iob2_tags
    tagged = dict(zip(rows[0]["tokens"], (tags[t] for t in rows[0]["ner_tags"]), strict=True))
    assert (tagged["سالم"], tagged["الحداد"], tagged["بغداد"]) == ("B-PERS", "I-PERS", "B-GPE")
    assert dict(zip(rows[1]["tokens"], (tags[t] for t in rows[1]["ner_tags"]), strict=True))["الموصل"] == "O"
    assert rows[0]["annotated_labels"] == ["PERS", "NORP", "ORG", "GPE", "LOC", "FAC", "PRODUCT"]
    # the source's own tags: its LOC for both places, the unmapped one too
    native = [dict(zip(row["tokens"], row["source_tags"], strict=True)) for row in rows]
    assert (native[0]["سالم"], native[0]["الحداد"], native[0]["بغداد"]) == ("B-PERS", "I-PERS", "B-LOC")
    assert native[1]["الموصل"] == "B-LOC" and native[1]["وزارة"] == "O"


def test_imported_gold_is_ground_truth_and_what_has_no_counterpart_is_counted_not_released(released) -> None:
    project, report = released["project"], released["manifest"]["report"]
    assert report["entity_decisions"]["ground-truth"] == 1
    stance_rows = _rows(project, "stance")
    assert [(row["article_id"], row["annotated_labels"]) for row in stance_rows] == [
        ("ans-train-1", ["Agree", "Disagree"])
    ]
    assert stance_rows[0]["license"] == "Apache-2.0"
    collections = report["collections"]
    assert collections["ans"]["stance_not_mapped"] == {"other": 1}
    assert collections["ans"]["stance"] == {"Agree": 1}
    assert collections["ans"]["records"] == {"headline": 2}
    assert collections["anercorp"]["unmapped_spans"] == {"LOC": 1}
    assert collections["anercorp"]["entities"] == {"GPE": 1, "PERS": 1}
    assert collections["anercorp"]["tokens"] == {"ner": sum(len(line.split(" ")) for line in LINES)}
    assert text_sha256(released["doc"]["text"])  # the document itself is released whole in `articles`


def test_what_still_crosses_splits_is_counted(tmp_path: Path) -> None:
    """Two documents a source split keeps apart share a long paragraph: counted, as paragraph and windows."""
    from akhbar.release import splits

    passage = f"{SHARED} {SHARED}"
    docs = [
        _article("ane-1", f"{passage}\nجملة أولى .", "anercorp", title=None, source=None, kind="sentences"),
        _article("ane-2", f"جملة ثانية .\n{passage}", "anercorp", title=None, source=None, kind="sentences"),
    ]
    project = write(tmp_path / "p", docs)
    jsonl.write(
        project.corpus / "splits" / "anercorp.jsonl",
        [
            {"article_id": "ane-1", "group": "anercorp:train", "since": "source", "split": "train"},
            {"article_id": "ane-2", "group": "anercorp:test", "since": "source", "split": "test"},
        ],
    )
    report = release(project, version="0.1.0", date="2025-02-01", allow_synthetic=True).manifest["report"]
    leakage = report["leakage"]
    assert leakage["paragraphs_in_two_or_more_splits"] == 1
    assert leakage["paragraph_examples"] == ["ane-1", "ane-2"]
    shared = set(splits.window_keys(fold(docs[0]["text"]))) & set(splits.window_keys(fold(docs[1]["text"])))
    assert leakage["windows_in_two_or_more_splits"] == len(shared) > 0
    assert report["splits"]["conflict_count"] == 1  # the source splits win; the conflict is reported


def test_headlines_group_by_their_title_not_by_their_empty_text() -> None:
    from akhbar.release.splits import group_keys

    def keys(title: str) -> list[str]:
        return group_keys([_article("h", "", "ans", title=title, kind="headline", source=None)], near=False)[
            0
        ]

    assert keys("وصل الوفد إلى بغداد") == keys("وصل الوفد  إلى بغداد ")  # the same after folding
    assert not set(keys("وصل الوفد إلى بغداد")) & set(keys("افتتاح معرض الكتاب"))


def test_a_passage_cut_into_paragraphs_differently_still_joins_its_articles(
    tmp_path: Path,
) -> None:
    """Agency text quoted by two outlets, one as a single paragraph, the other cut in three: no paragraph is
    shared, the 300-character windows are."""

    passage = f"{SHARED} {SHARED}"
    words = passage.split(" ")
    third = len(words) // 3
    cut = "\n".join(" ".join(part) for part in (words[:third], words[third : 2 * third], words[2 * third :]))
    assert all(len(line) < PARAGRAPH for line in cut.split("\n"))
    first, second = _pair_in_two_splits()
    project = write(
        tmp_path / "p",
        [
            _article(first, f"مقدمة أولى عن الخبر.\n{passage}", "akhbar"),
            _article(second, f"{cut}\nتعليق مختلف في آخر المقال.", "akhbar"),
        ],
    )
    settings = Settings(ratios=RATIOS, near_duplicates=False)
    report = release(project, version="0.1.0", settings=settings, date="2025-02-01", allow_synthetic=True)
    assignment = {r["article_id"]: r for _, r in jsonl.read(project.corpus / "splits" / "assignment.jsonl")}
    assert assignment[first]["split"] == assignment[second]["split"]
    assert assignment[first]["group"] == assignment[second]["group"] == min(first, second)
    assert report.manifest["report"]["leakage"]["windows_in_two_or_more_splits"] == 0
