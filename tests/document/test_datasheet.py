"""DATASHEET.md's generated blocks and plots against a released synthetic project, and `--check`."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from released_project import CLAIM_ID, build_release

from akhbar.cli.main import main
from akhbar.corpus import iter_articles
from akhbar.document import plots
from akhbar.document.blocks import block
from akhbar.document.run import DATASHEET, document
from akhbar.paths import Project
from synthetic_project import SENTENCES, annotation


@pytest.fixture(scope="module")
def documented(released: Project) -> Project:
    # The release wrote the datasheet and plots already (a copy of the checkout's was stale for it).
    assert document(project=released, check=True).stale == []
    assert "Release **1.0.0**" in stats_block(released)
    return released


def stats_block(project: Project) -> str:
    return block((project.root / DATASHEET).read_text("utf-8"), "stats", where="DATASHEET.md")


def labeling_block(project: Project) -> str:
    return block((project.root / DATASHEET).read_text("utf-8"), "labeling", where="DATASHEET.md")


def test_all_seven_sections_are_there() -> None:
    text = (Path(__file__).resolve().parents[2] / DATASHEET).read_text("utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 1. Motivation",
        "## 2. Composition",
        "## 3. Collection process",
        "## 4. Preprocessing, cleaning and labeling",
        "## 5. Uses",
        "## 6. Distribution",
        "## 7. Maintenance",
    ]


def test_size_sources_and_months(documented: Project) -> None:
    stats = stats_block(documented)
    assert "Release **1.0.0** (2025-06-01): 3 articles, 3 of them synthetic." in stats
    # alpha has articles 0 and 1 (published 2025-01-15 and 2025-02-15), beta article 2 (2025-03-15).
    assert "| source | 2025-01 | 2025-02 | 2025-03 | total |" in stats
    assert "| alpha | 1 | 1 | 0 | 2 |" in stats
    assert "| beta | 0 | 0 | 1 | 1 |" in stats


def row(text: str, first: str) -> list[str]:
    """The cells of the Markdown table row that starts with `first`."""
    [line] = [line for line in text.splitlines() if line.startswith(f"| {first} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_lengths_are_those_of_the_texts(documented: Project) -> None:
    characters = sorted(len(text) for text in SENTENCES)
    words = sorted(len(text.split()) for text in SENTENCES)
    stats = stats_block(documented)
    # unit | min | p25 | median | p75 | mean | max; with three values the median is the middle one.
    cells = row(stats, "characters")
    assert (cells[1], cells[3], cells[6]) == (str(characters[0]), str(characters[1]), str(characters[2]))
    cells = row(stats, "words")
    assert (cells[1], cells[3], cells[6]) == (str(words[0]), str(words[1]), str(words[2]))


def test_released_labels_follow_the_adjudication(documented: Project) -> None:
    stats = stats_block(documented)
    totals = {
        (cells[0], cells[1]): int(cells[-1])
        for line in stats.splitlines()
        if line.startswith(("| entity |", "| stance |"))
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    # بغداد (both annotators) + عمّان and القاهرة (both): 3 GPE; سالم الحداد (one annotator): 1 PERS.
    # The ORG spans differ (وزارة vs وزارة الصحة): neither is released.
    assert (totals["entity", "GPE"], totals["entity", "PERS"], totals["entity", "ORG"]) == (3, 1, 0)
    # Stance: Agree (2 of 2), Unrelated (2 of 2); the Unrelated/Discuss tie is left out.
    assert (totals["stance", "Agree"], totals["stance", "Unrelated"], totals["stance", "Discuss"]) == (
        1,
        1,
        0,
    )
    labeling = labeling_block(documented)
    for line in ("| entities | majority | 2 |", "| entities | single | 1 |", "| stance | tie | 1 |"):
        assert line in labeling
    assert "0 articles' entity annotations and 1 stance pairs" in labeling


def test_agreement_figures_match_the_release(documented: Project) -> None:
    figures = json.loads((documented.data / "agreement.json").read_text("utf-8"))
    labeling = labeling_block(documented)
    # Worked by hand in tests/quality/test_agreement.py for the same votes: alpha 6/11, kappa 1/2.
    assert figures["stance"]["alpha"] == pytest.approx(6 / 11, abs=1e-6)
    assert f"| Krippendorff's alpha (nominal) | all | 3 |  | {6 / 11:.3f} |" in labeling
    assert "| Cohen's kappa | ali – huda | 3 | 0.667 | 0.500 |" in labeling
    assert "| all pairs | 2 | 8 | 0.750 | 0.875 |" in labeling


def test_plots_carry_the_digest_of_their_figures(documented: Project) -> None:
    for name in plots.FIGURES:
        png = (documented.root / "docs" / "figures" / name).read_bytes()
        assert png.startswith(b"\x89PNG")
        assert plots.stored_digest(png) is not None
    assert plots.stored_digest(b"not a png") is None
    data = {"characters": [1, 2], "words": [1, 1]}
    assert plots.render("article-length.png", data) == plots.render("article-length.png", data)


def test_check_passes_then_catches_an_edit(documented: Project, capsys) -> None:
    assert document(project=documented, check=True).exit_code == 0
    path = documented.root / DATASHEET
    original = path.read_text("utf-8")
    try:
        path.write_text(original.replace("3 articles, 3 of them synthetic", "4 articles"), "utf-8")
        report = document(project=documented, check=True)
        assert report.stale == ["DATASHEET.md"]
        assert path.read_text("utf-8") != original  # --check writes nothing
    finally:
        path.write_text(original, "utf-8")


def test_a_new_release_leaves_the_datasheet_and_plots_current(tmp_path: Path, monkeypatch) -> None:
    project = build_release(tmp_path / "project")
    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    assert main(["document", "--check"]) == 0
    labels_png = project.root / "docs" / "figures" / "labels.png"
    before = plots.stored_digest(labels_png.read_bytes())
    articles = {a["id"]: a for a in iter_articles(project)}
    late = annotation("stance", articles["syn_0001"], "sara", target_id=CLAIM_ID, stance="Discuss")
    with (project.annotations / "stance" / "late.jsonl").open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(late, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    assert main(["release", "--version", "1.1.0", "--date", "2025-07-01", "--allow-synthetic"]) == 0
    # Sara breaks the tie (Discuss 2 of 3): one more stance label, so the release rewrote the label plot and
    # the datasheet with it, and nothing is left for `akhbar document` to do.
    assert main(["document", "--check"]) == 0
    assert "| stance | majority | 3 |" in labeling_block(project)
    assert "Release **1.1.0** (2025-07-01)" in stats_block(project)
    assert plots.stored_digest(labels_png.read_bytes()) != before
    assert oct(labels_png.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_no_release_yet_skips_what_needs_one(tmp_path: Path, monkeypatch, capsys) -> None:
    root = tmp_path / "fresh"
    (root / "docs").mkdir(parents=True)
    src = Path(__file__).resolve().parents[2]
    (root / "docs" / "guidelines.md").write_bytes((src / "docs" / "guidelines.md").read_bytes())
    shutil.copytree(src / "schema", root / "schema")
    (root / "corpus").mkdir()
    monkeypatch.setenv("AKHBAR_ROOT", str(root))
    assert main(["document", "--check"]) == 0
    assert "no release in data/ yet: datasheet, release not generated" in capsys.readouterr().out
