"""ANS into the corpus: headline items, claims as targets, the stance layer, ANS's own split.

On the committed slices (tests/fixtures/external/ans, Apache-2.0) and, marked `external`, on the real
files, whose counts are recounted here from the CSV files apart from the importer.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from akhbar import jsonl
from akhbar.cli.main import main
from akhbar.corpus import text_sha256
from akhbar.errors import DataError
from akhbar.importers.ans import import_ans
from akhbar.paths import Project
from akhbar.validate import validate_paths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "external" / "ans"
REPO = Path(__file__).resolve().parents[2]
OURS = {"train": "train", "dev": "validation", "test": "test"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _rows(folder: Path) -> list[tuple[str, str, str, str]]:
    """(our split, headline, claim, stance) of every row, read with the csv module alone."""
    found = []
    for name, split in OURS.items():
        with (folder / "data" / "stance" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            found += [(split, row["s1"], row["s2"], row["stance"]) for row in csv.DictReader(handle)]
    return found


def _check(project: Project, folder: Path) -> dict[str, int]:
    rows = _rows(folder)
    items = {r["id"]: r for _, r in jsonl.read(project.articles / "ans" / "headlines.jsonl")}
    targets = {r["id"]: r for _, r in jsonl.read(project.targets / "ans.jsonl")}
    stances = [r for _, r in jsonl.read(project.annotations / "stance" / "ans.jsonl")]
    splits = {r["article_id"]: r for _, r in jsonl.read(project.corpus / "splits" / "ans.jsonl")}

    assert len(items) == len({(split, headline) for split, headline, _, _ in rows})
    assert all(item["kind"] == "headline" and item["text"] == "" and item["title"] for item in items.values())
    assert len(targets) == len(stances) == len(rows)
    for record in stances:
        target = targets[record["target_id"]]
        item = items[record["article_id"]]
        assert target["article_ids"] == [record["article_id"]]
        assert splits[item["id"]]["split"] == record["target_id"].split("-")[1]
        assert record["text_sha256"] == text_sha256("")
        assert record["annotated_labels"] == ["Agree", "Disagree"]
        assert record["ground_truth"] is True
    # Each row's headline, claim and label are where the import put them.
    pairs = Counter(
        (items[r["article_id"]]["title"], targets[r["target_id"]]["claim"], r["source_label"])
        for r in stances
    )
    # as the source has them, but in NFC (the one repair their text needs: 6 rows in the real files)
    assert pairs == Counter((nfc(headline), nfc(claim), stance) for _, headline, claim, stance in rows)
    labels = Counter(r["stance"] for r in stances)
    assert labels == Counter(
        {"agree": "Agree", "disagree": "Disagree", "other": None}[row[3]] for row in rows
    )
    assert all(r["source_label"] == "other" for r in stances if r["stance"] is None)
    assert {(s["group"], s["since"]) for s in splits.values()} <= {
        ("ans:train", "source"),
        ("ans:validation", "source"),
        ("ans:test", "source"),
    }
    report = validate_paths(project=project)
    assert report.errors == 0, [f.format() for f in report.findings if f.severity == "error"]
    seen: dict[str, set[str]] = defaultdict(set)
    for split, headline, _, _ in rows:
        seen[headline.strip()].add(split)
    return {
        "Agree": labels["Agree"],
        "Disagree": labels["Disagree"],
        "other": labels[None],
        "cross": sum(1 for found in seen.values() if len(found) > 1),
    }


def test_the_slices_import_and_a_second_import_changes_nothing(
    tmp_project: Project, snapshot: Callable
) -> None:
    report = import_ans(tmp_project, FIXTURES)
    found = _check(tmp_project, FIXTURES)
    assert found == {"Agree": 2, "Disagree": 11, "other": 4, "cross": 1}
    assert report.counts["headlines in more than one ANS split"] == 1
    assert report.counts["train pairs left out: other"] == 2

    before = snapshot(tmp_project.root / "corpus")
    again = import_ans(tmp_project, FIXTURES)
    assert set(again.files.values()) == {"unchanged"}
    assert snapshot(tmp_project.root / "corpus") == before


def test_an_unknown_label_is_named_with_its_line(tmp_project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "ans"
    (folder / "data" / "stance").mkdir(parents=True)
    for name in OURS:
        source = (FIXTURES / "data" / "stance" / f"{name}.csv").read_text(encoding="utf-8")
        (folder / "data" / "stance" / f"{name}.csv").write_text(source, encoding="utf-8")
    (folder / "data" / "stance" / "dev.csv").write_text(
        "s1,s2,stance\nعنوان,ادعاء,discuss\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"data/stance/dev.csv:2: not a row"):
        import_ans(tmp_project, folder)
    assert not (tmp_project.articles / "ans").exists()


def test_the_command_imports_ans(tmp_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "ans", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "validation pairs left out: other" in out and "created   corpus/targets/ans.jsonl" in out
    assert main(["import", "ans", str(FIXTURES), "--newsfane", str(FIXTURES)]) == 2


@pytest.mark.external
def test_all_of_ans_recounted_from_the_csv_files(
    tmp_project: Project, need_shared: Callable[..., Path], snapshot: Callable
) -> None:
    folder = need_shared("external", "ans")
    rows = _rows(folder)
    assert len(rows) == 3786
    report = import_ans(tmp_project, folder)
    found = _check(tmp_project, folder)
    assert found == {"Agree": 1301, "Disagree": 2399, "other": 86, "cross": 43}
    assert report.counts["headlines in more than one ANS split"] == 43

    before = snapshot(tmp_project.root / "corpus")
    again = import_ans(tmp_project, folder)
    assert set(again.files.values()) == {"unchanged"}
    assert snapshot(tmp_project.root / "corpus") == before
    # what the checkout holds is exactly this import's output, not a copy made some other way
    committed = snapshot(REPO / "corpus")
    assert {name: committed.get(name) for name in before} == before
