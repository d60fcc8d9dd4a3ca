"""Names made consistent within a document (akhbar.model.consistency)."""

from __future__ import annotations

from akhbar.model.consistency import consistent, consistent_by, spans


def test_a_name_tagged_once_is_tagged_where_it_stands_untagged() -> None:
    sentences = [["قال", "محمد", "علي", "امس"], ["وكان", "محمد", "علي", "هناك"]]
    tagged = [["O", "B-PERS", "I-PERS", "O"], ["O", "O", "O", "O"]]
    assert consistent(sentences, tagged) == [tagged[0], ["O", "B-PERS", "I-PERS", "O"]]


def test_a_tag_the_tagger_set_is_never_changed() -> None:
    sentences = [["محمد", "علي"], ["محمد", "علي"], ["محمد", "علي", "x"]]
    tagged = [["B-PERS", "I-PERS"], ["B-ORG", "I-ORG"], ["O", "B-LOC", "O"]]
    # the third sentence has the name partly tagged: none of its tags moves
    assert consistent(sentences, tagged) == tagged


def test_the_most_frequent_type_and_the_longest_name_win() -> None:
    sentences = [["الجزيرة"], ["الجزيرة"], ["الجزيرة"], ["قناة", "الجزيرة"], ["x", "قناة", "الجزيرة"]]
    tagged = [["B-ORG"], ["B-ORG"], ["B-LOC"], ["B-ORG", "I-ORG"], ["O", "O", "O"]]
    out = consistent(sentences, tagged)
    assert out[4] == ["O", "B-ORG", "I-ORG"]  # the two-word name, not the one-word one inside it
    assert out[:4] == tagged[:4]
    assert consistent([["الجزيرة"], ["الجزيرة"]], [["B-LOC"], ["O"]])[1] == ["B-LOC"]


def test_words_are_compared_normalised_and_without_edge_punctuation() -> None:
    out = consistent([["لادن"], ["لادن؛"]], [["B-PERS"], ["O"]])
    assert out[1] == ["B-PERS"]


def test_punctuation_tagged_as_a_name_does_not_spread() -> None:
    out = consistent([["،"], ["x", "،"]], [["B-ORG"], ["O", "O"]])
    assert out[1] == ["O", "O"]


def test_documents_do_not_share_names() -> None:
    sentences = [["سالا"], ["سالا"], ["سالا"]]
    tagged = [["B-PERS"], ["O"], ["O"]]
    assert consistent_by(["a", "a", "b"], sentences, tagged) == [["B-PERS"], ["B-PERS"], ["O"]]


def test_spans_reads_iob2() -> None:
    assert spans(["B-PERS", "I-PERS", "O", "B-ORG", "B-ORG", "I-LOC"]) == [
        (0, 2, "PERS"),
        (3, 4, "ORG"),
        (4, 5, "ORG"),
    ]
