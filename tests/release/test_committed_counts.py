"""The committed release against the source files it was made from: what `load_dataset` gives per
collection is recounted from ../shared/external (skipped without it), and the terms and leakage
promises hold on every row."""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from datasets import DatasetDict, load_dataset

from akhbar.corpus import fold

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # loads the committed release whole

CONFIGS = ("articles", "ner", "stance")
PARAGRAPH = 200


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DatasetDict]:
    cache = str(tmp_path_factory.mktemp("cache"))
    return {config: load_dataset(str(ROOT), config, cache_dir=cache) for config in CONFIGS}


def _tags(path: Path) -> tuple[int, Counter[str]]:
    """Tokens and B- tags of a `token TAG` file (blank lines between sentences)."""
    tokens, tags = 0, Counter()
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            tokens += 1
            if parts[1].startswith("B-"):
                tags[parts[1][2:]] += 1
    return tokens, tags


@pytest.mark.external
def test_anercorp_test_side_recounts_from_the_camel_test_file(
    loaded: dict[str, DatasetDict], need_shared: Callable[..., Path]
) -> None:
    tokens, tags = _tags(need_shared("external", "anercorp") / "ANERCorp_CamelLab_test.txt")
    rows = loaded["ner"]["test"].filter(lambda row: row["collection"] == "anercorp")
    assert sum(len(row["tokens"]) for row in rows) == tokens == 25_008
    native = Counter(tag[2:] for row in rows for tag in row["source_tags"] if tag.startswith("B-"))
    assert (native["PERS"], native["ORG"], native["LOC"]) == (tags["PERS"], tags["ORG"], tags["LOC"])
    assert (native["PERS"], native["ORG"], native["LOC"]) == (858, 450, 668)
    train_tokens = sum(len(row["tokens"]) for row in loaded["ner"]["train"])
    assert 124_000 < train_tokens < 126_000  # the original before the test begins, about 125,000


@pytest.mark.external
def test_ans_labels_recount_from_its_csv_files(
    loaded: dict[str, DatasetDict], need_shared: Callable[..., Path]
) -> None:
    source: Counter[tuple[str, str]] = Counter()
    for name, split in (("train", "train"), ("dev", "validation"), ("test", "test")):
        path = need_shared("external", "ans") / "data" / "stance" / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            source.update((split, row["stance"]) for row in csv.DictReader(handle))
    names = loaded["stance"]["train"].features["label"].names
    for split, rows in loaded["stance"].items():
        got = Counter(names[label] for label in rows["label"])
        assert got == Counter({"Agree": source[split, "agree"], "Disagree": source[split, "disagree"]})
    totals = Counter(label for (_, label) in source.elements())
    assert (totals["agree"], totals["disagree"], totals["other"]) == (1_301, 2_399, 86)


@pytest.mark.external
def test_every_saudinewsnet_article_ingest_accepts_is_released(
    loaded: dict[str, DatasetDict], need_shared: Callable[..., Path]
) -> None:
    """29,895 on today's files: 31,030 items less 354 empty bodies and 781 exact duplicates (after the
    documented repairs)."""
    items = 0
    for path in sorted((need_shared("external", "saudinewsnet") / "dataset").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            items += sum(len(orjson.loads(archive.read(name))) for name in archive.namelist())
    released = sum(
        sum(1 for c in rows["collection"] if c == "saudinewsnet") for rows in loaded["articles"].values()
    )
    assert items == 31_030 and released == 29_895


def test_every_row_carries_terms_that_never_widen(loaded: dict[str, DatasetDict]) -> None:
    needed = {"saudinewsnet": "NC-SA", "anercorp": "SA", "ans": "Apache-2.0"}
    for config, parts in loaded.items():
        for split, rows in parts.items():
            for collection, terms, attribution in zip(
                rows["collection"], rows["license"], rows["attribution"], strict=True
            ):
                assert terms and attribution, (config, split, collection)
                assert needed.get(collection, "") in terms, (config, split, collection, terms)


def test_no_long_paragraph_occurs_in_two_splits(loaded: dict[str, DatasetDict]) -> None:
    seen: dict[str, str] = {}
    for split, rows in loaded["articles"].items():
        for text in rows["text"]:
            for paragraph in text.split("\n"):
                folded = fold(paragraph)
                if len(folded) >= PARAGRAPH:
                    assert seen.setdefault(folded, split) == split, folded[:80]
