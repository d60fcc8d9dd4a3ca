"""Agreement streamed item by item from disk gives the figures the in-memory implementation gave."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from agreement_corpus import write
from nervaluate import Evaluator

from akhbar.paths import Project, find_project
from akhbar.quality.agreement import corpus_agreement, measure_agreement
from akhbar.quality.records import current_annotations
from akhbar.quality.votes import ItemVotes
from akhbar.scheme import load_scheme

GOLDEN = Path(__file__).parent / "golden" / "agreement-400-seed7.json"


def built(root: Path, count: int, seed: int) -> Project:
    shutil.copytree(find_project().schema, root / "schema")
    write(root, count, seed)
    return Project(root)


def test_streamed_figures_equal_the_in_memory_ones(tmp_path: Path) -> None:
    # The golden file is what corpus_agreement wrote before it streamed (commit f34f6a9: every record
    # in memory, nervaluate's Evaluator over all documents at once) for this same seeded corpus.
    project = built(tmp_path, 400, 7)
    figures, stale = corpus_agreement(project=project)
    assert figures.to_json() == GOLDEN.read_bytes()
    assert stale == 34  # 34 records made on an earlier text, as the in-memory reading counted them
    golden = json.loads(GOLDEN.read_bytes())
    # The case exercises what it should: five annotators, pairs that disagree, per-type tables.
    assert len(golden["stance"]["pairs"]) == 10 and 0 < golden["stance"]["alpha"] < 1
    assert golden["entities"]["pooled"]["strict"]["f1"] < golden["entities"]["pooled"]["partial"]["f1"] < 1


def test_streamed_equals_measure_over_current_records(tmp_path: Path) -> None:
    project = built(tmp_path, 120, 3)
    current, stale = current_annotations(project)
    scheme = load_scheme(project.schema)
    in_memory = measure_agreement(
        current, stance_labels=scheme.stance_names, entity_labels=scheme.entity_names
    )
    streamed, streamed_stale = corpus_agreement(project=project)
    assert (streamed.to_json(), streamed_stale) == (in_memory.to_json(), stale)


def test_votes_follow_rule_one_and_leave_out_stale_and_ground_truth(tmp_path: Path) -> None:
    project = built(tmp_path, 200, 5)
    records, _ = current_annotations(project)
    repulled = {
        (r["article_id"], r["annotator"])
        for r in records
        if r["layer"] == "entities" and r["id"].endswith("-0")
    }
    assert repulled  # the seeded corpus has re-pulled records, so the choice below is tested
    with ItemVotes(project) as items:
        assert items.stale > 0
        entity_votes = list(items.entities())
        stance_votes = list(items.stance())
    assert "reviewer" not in {name for votes in entity_votes + stance_votes for name in votes}
    assert all(len(votes) > 1 and list(votes) == sorted(votes) for votes in entity_votes + stance_votes)
    # Each annotator's vote is their newest current record, never the older re-pulled one.
    newest = {
        (r["article_id"], r["annotator"]): sorted({(s["start"], s["end"], s["label"]) for s in r["spans"]})
        for r in sorted(records, key=lambda r: r["provenance"]["updated_at"])
        if r["layer"] == "entities" and not r.get("ground_truth")
    }
    articles = sorted({r["article_id"] for r in records if r["layer"] == "entities"})
    shared = [a for a in articles if sum(1 for key in newest if key[0] == a) > 1]
    assert len(shared) == len(entity_votes)
    for article_id, votes in zip(shared, entity_votes, strict=True):
        assert votes == {name: newest[(article_id, name)] for name in votes}


def test_identical_annotations_count_as_nervaluate_counts_them() -> None:
    # Both sides drew the same spans, two of them on one extent with different types, one overlapping:
    # the shortcut for identical sides must give the counts nervaluate's Evaluator gives.
    spans = [(0, 5, "ORG"), (0, 5, "PERS"), (3, 8, "GPE"), (20, 24, "GPE")]
    records = [
        {
            "id": f"en_{name}",
            "layer": "entities",
            "article_id": "d1",
            "annotator": name,
            "spans": [{"start": s, "end": e, "label": label, "text": "x" * (e - s)} for s, e, label in spans],
        }
        for name in ("a", "b")
    ]
    scheme = load_scheme()
    pair = measure_agreement(records, stance_labels=scheme.stance_names, entity_labels=scheme.entity_names)
    documents = [[{"start": s, "end": e - 1, "label": label} for s, e, label in spans]]
    found = Evaluator(documents, documents, tags=list(scheme.entity_names), loader="dict").evaluate()
    [result] = pair.entities.pairs
    for name, scores in (("strict", result.strict), ("partial", result.partial)):
        expected = found["overall"][name]
        assert (scores.correct, scores.incorrect, scores.partial, scores.missed, scores.spurious) == (
            expected.correct,
            expected.incorrect,
            expected.partial,
            expected.missed,
            expected.spurious,
        )
        assert scores.f1 == expected.f1 == 1.0
    assert {label: by["strict"].correct for label, by in result.labels.items()} == {
        label: found["entities"][label]["strict"].correct for label in ("PERS", "ORG", "GPE")
    }
