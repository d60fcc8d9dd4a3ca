"""What the tagger's network reads: ids, padded batches, and the tags a token may have."""

from __future__ import annotations

import numpy as np

from akhbar.model import data
from akhbar.model.inputs import BUCKETS, MAX_CHARS, PAD, UNKNOWN, Vocabulary, bucket

TYPES = ("PERS", "ORG", "GPE", "LOC", "FAC")


def _row(tokens: list[str], tags: list[str], source: list[str]) -> data.NerRow:
    return data.NerRow("r", "anercorp", tokens, tags, frozenset(TYPES), source)


def test_ids_of_words_stems_and_characters() -> None:
    rows = [_row(["قال", "رياض", "رياض"], ["O", "B-GPE", "B-GPE"], [])]
    vocabulary = Vocabulary.build(rows, TYPES, pretrained=("رياض", "قال"))
    assert vocabulary.tags[:3] == ("O", "B-PERS", "I-PERS") and len(vocabulary.tags) == 11
    assert vocabulary.words == ("رياض",)  # seen twice; قال once
    encoded = vocabulary.encoder().tokens(["وبالرياض", "قال", "،", "x" * 40])
    assert list(encoded["word"]) == [UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]
    # The stem of وبالرياض is رياض, which has a pretrained vector (id 1); the word itself has none.
    assert encoded["vector"][0] == PAD and encoded["stem"][0] == 1 and encoded["vector"][1] == 2
    assert encoded["proclitic"][0] != PAD and encoded["proclitic"][1] == PAD
    assert len({int(value) for value in encoded["shape"]}) == 3  # Arabic, punctuation, Latin
    assert encoded["chars"].shape == (4, MAX_CHARS)
    assert (encoded["chars"][3] == UNKNOWN).all()  # x is not among the training characters


def test_a_name_the_import_could_not_type_is_unknown_not_o() -> None:
    rows = [
        _row(
            ["زار", "سامي", "دمشق", "في", "العيد"],
            ["O", "B-PERS", "O", "O", "O"],
            ["O", "B-PERS", "B-LOC", "O", "B-MISC"],
        )
    ]
    vocabulary = Vocabulary.build(rows, TYPES, pretrained=())
    allowed = vocabulary.encoder().allowed(rows[0], TYPES)
    tags = np.asarray(vocabulary.tags)
    assert list(tags[allowed[0]]) == ["O"]
    assert list(tags[allowed[1]]) == ["B-PERS"]
    assert list(tags[allowed[2]]) == ["B-GPE", "B-LOC", "B-FAC"]  # a location of some type, not O
    assert list(tags[allowed[4]]) == ["O", "B-PERS", "B-ORG", "B-GPE", "B-LOC", "B-FAC"]  # anything


def test_batches_pad_to_buckets_and_keep_positions() -> None:
    vocabulary = Vocabulary.build([], TYPES, pretrained=())
    sentences = [["ا"] * 20, [], ["ب"] * 3, ["ج"] * 40]
    batches = list(vocabulary.encoder().batches(sentences, 2))
    assert [positions for positions, _ in batches] == [[2, 0], [3]]  # by length; the empty one left out
    first, second = batches[0][1], batches[1][1]
    assert first["word"].shape == (2, 32) and list(first["length"]) == [3, 20]
    assert second["word"].shape == (2, 64) and list(second["length"]) == [40, 0]
    assert bucket(BUCKETS[-1]) == BUCKETS[-1]
