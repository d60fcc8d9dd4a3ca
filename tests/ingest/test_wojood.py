"""The Wojood sample is read for tests and models only: never imported into the corpus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from akhbar.importers import wojood
from akhbar.scheme import load_scheme


def test_segments_and_blank_lines_end_sentences_and_layers_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "sample.txt"
    path.write_text("للأمم B-ORG\nالمتحدة I-ORG\n\n$#$ O\nفي O\nبيروت B-GPE B-LOC\n", encoding="utf-8")
    sentences = wojood.read(path)
    assert [s.tokens for s in sentences] == [("للأمم", "المتحدة"), ("في", "بيروت")]
    assert sentences[1].tags == (("O",), ("B-GPE", "B-LOC"))
    assert wojood.entity_types(sentences) == {"ORG", "GPE", "LOC"}


@pytest.mark.external
def test_the_sample_has_every_scheme_type(need_shared: Callable[..., Path]) -> None:
    folder = need_shared("external", "wojood_sample", "data")
    sentences = [s for name in ("train", "val", "test") for s in wojood.read(folder / f"{name}.txt")]
    marks = sum(
        line.startswith(wojood.SEGMENT + " ")
        for name in ("train", "val", "test")
        for line in (folder / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    )
    # ABOUT.md's 26,974 "tokens" are its non-blank lines: the 523 segment marks are among them.
    assert (sum(len(s.tokens) for s in sentences), marks) == (26451, 523)
    assert wojood.entity_types(sentences) == set(load_scheme().entity_names)


def test_no_importer_writes_wojood_into_the_corpus() -> None:
    assert not hasattr(wojood, "import_wojood")
