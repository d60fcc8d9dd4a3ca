"""The leakage keys are those release 0.2.1 was built from, bit for bit: the split assignment kept in
corpus/splits/ and the committed release's report were made from them, and `akhbar verify` rebuilds the
release byte for byte only if they stay. The faster code (compiled loops, numeric keys in buckets) is
compared with the numpy code it replaced, kept in reference_keys.py."""

from __future__ import annotations

import random
import unicodedata
from itertools import islice
from pathlib import Path

import numpy as np
import pytest
import reference_keys as reference

from akhbar import jsonl
from akhbar.corpus import fold, visible
from akhbar.release import keys, minhash
from akhbar.release.splits import batch_keys, group_keys, long_paragraphs, window_keys

REPO = Path(__file__).resolve().parents[2]
WORDS = [
    "أعلنت",
    "الهيئة",
    "العامة",
    "للنقل",
    "عن",
    "خطة",
    "جديدة",
    "لتطوير",
    "شبكة",
    "الحافلات",
    "في",
    "المدينة",
    "خلال",
    "السنوات",
    "الخمس",
]


def _texts() -> list[str]:
    """Made-up texts of every length that matters: empty, shorter than one 5-gram, fewer 5-grams than the
    expansion target, just under and over a 300-character window, many paragraphs; with invisible
    controls, tatweel, decomposed letters (NFC composes them), white space of every kind."""
    rng = random.Random(11)
    texts = ["", " ", "a", "abcd", "abcde", "\u200f\u0640", "ـــــ", "x" * 700, "e\u0301" * 80]
    for length in (3, 5, 40, 120, 299, 300, 301, 549, 550, 2500):
        words = []
        while len(" ".join(words)) < length:
            words.append(rng.choice(WORDS))
        text = " ".join(words)[:length]
        texts.append(text)
        texts.append(text.replace(" ", rng.choice([" \n", "\n\n", "\t", "\u00a0", "  ", "\u200f "])))
    for _ in range(60):
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 80))) for _ in range(rng.randint(1, 6))
        ]
        text = rng.choice(["\n", "\n\n", " \n "]).join(paragraphs)
        if rng.random() < 0.3:
            text = text.replace("ا", "ا\u0640", 3)
        if rng.random() < 0.3:
            text = unicodedata.normalize("NFD", "é ") + text  # not NFC: fold composes it
        texts.append(text)
    return texts


def _records(texts: list[str]) -> list[dict]:
    return [
        {
            "id": f"t{index:04d}",
            "text": text,
            "title": "عنوان",
            "kind": "headline" if index % 17 == 0 else "article",
            "story_id": "s1" if index % 23 == 0 else None,
        }
        for index, text in enumerate(texts)
    ]


def test_every_key_is_the_reference_key_in_batches_of_any_size() -> None:
    records = _records(_texts())
    expected = reference.group_keys(records, near=True)
    for size in (1, 7, 64, len(records)):
        found = [
            key
            for start in range(0, len(records), size)
            for key in group_keys(records[start : start + size], near=True)
        ]
        assert found == expected, size
    assert group_keys(records, near=False) == reference.group_keys(records, near=False)
    assert sum(key.startswith("near:") for keys_ in expected for key in keys_) > 1000  # the test has teeth
    assert sum(key.startswith("win:") for keys_ in expected for key in keys_) > 100
    assert sum(key.startswith("para:") for keys_ in expected for key in keys_) > 10


def test_fold_paragraphs_windows_and_bands_match_the_reference() -> None:
    texts = _texts()
    for text in texts:
        assert fold(text) == reference.fold(text)
        assert " ".join(visible(text).split()) == reference.fold(text)
        assert long_paragraphs(text) == reference.long_paragraphs(text)
        assert window_keys(fold(text)) == reference.window_keys(reference.fold(text))
    folded = [fold(text) for text in texts]
    assert minhash.band_keys(folded) == reference.band_keys(folded)
    assert np.array_equal(minhash.signatures(folded), reference.signatures(folded))


def test_committed_corpus_keys_match_the_reference() -> None:
    """The real articles the committed release was built from (a slice of each file; the whole corpus is
    compared by scripts/bench_neardup.py)."""
    records = []
    for path in sorted((REPO / "corpus" / "articles").rglob("*.jsonl")):
        records += [record for _, record in islice(jsonl.read(path), 60)]
    assert len(records) > 500
    assert group_keys(records, near=True) == reference.group_keys(records, near=True)


def _brute_groups(numbers: np.ndarray, count: int) -> np.ndarray:
    """Union-find over (kind, hi, lo) keys, as the release joined text keys before."""
    parent = list(range(count))

    def find(item: int) -> int:
        while parent[item] != item:
            item = parent[item]
        return item

    first: dict[tuple[int, int, int], int] = {}
    for kind, hi, lo, article in numbers.tolist():
        key = (kind, hi, lo)
        if key in first:
            a, b = find(first[key]), find(article)
            parent[max(a, b)] = min(a, b)
        else:
            first[key] = article
    return np.array([find(item) for item in range(count)])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bucketed_components_equal_a_plain_union_find(tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    count, size = 500, 3000
    numbers = np.empty(size, dtype=keys.RECORD)
    numbers["kind"] = rng.integers(0, 18, size)
    numbers["hi"] = rng.integers(0, 2, size).astype(np.uint64)
    # few distinct values, so that keys recur, within a kind and across kinds and hi
    numbers["lo"] = rng.integers(0, 400, size).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    numbers["article"] = rng.integers(0, count, size)
    buckets = keys.KeyBuckets(tmp_path, 16 if seed == 1 else 64)
    for part in np.array_split(numbers, 7):
        buckets.add(part)
    buckets.close()
    edges = (keys.run_edges(run, article) for run, article, _ in keys.shared_runs(tmp_path))
    assert np.array_equal(keys.components(count, edges), _brute_groups(numbers, count))


def test_batch_keys_numbers_spell_the_text_keys() -> None:
    records = _records(_texts()[:40])
    found = batch_keys(records, near=True)
    assert found.ids == [record["id"] for record in records]
    assert len(found.numbers) == sum(
        1
        for keys_ in group_keys(records, near=True)
        for key in keys_
        if not key.startswith(("dup:", "story:"))
    )


def _split_articles() -> list[dict]:
    from release_corpus import article

    texts = _texts()
    found = [article(f"k{index:04d}", text) for index, text in enumerate(texts) if fold(text)]
    found += [article("k-copy", texts[-1]), article("k-near", texts[-2].replace(WORDS[0], WORDS[1], 1))]
    return found


@pytest.mark.slow
def test_worker_processes_build_the_same_index_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above PARALLEL_BYTES of articles the keys are computed by worker processes: the same groups,
    splits and leakage report as in one process (forced here on a small corpus)."""
    from release_corpus import write

    from akhbar.release import index
    from akhbar.release.publish import release

    def released(folder: str) -> tuple[list[str], dict]:
        project = write(tmp_path / folder, _split_articles())
        done = release(
            project, version="0.1.0", date="2026-01-01", allow_synthetic=True, agreement=False, validate=False
        )
        lines = (project.corpus / "splits" / "assignment.jsonl").read_text("utf-8").splitlines()
        return lines, done.manifest["report"]

    one = released("one")
    monkeypatch.setattr(index, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(index, "BATCH", 7)  # several batches in flight
    assert released("workers") == one
    assert one[1]["splits"]["groups_of_two_or_more"] >= 2


def test_a_bad_line_read_by_a_worker_names_file_and_line(tmp_path: Path) -> None:
    from akhbar.errors import DataError
    from akhbar.release.index import _parsed_keys

    with pytest.raises(DataError, match=r"a\.jsonl:3: error json-syntax"):
        _parsed_keys([("a.jsonl", 3, b'{"id": ')], True)
