"""The outlet residue table: each entry removes its residue at its edge of the body and nothing else."""

from __future__ import annotations

import pytest

from akhbar.text.residue import RESIDUE, Residue, strip_residue

BODY = "قال المتحدث باسم وزارة الصحة إن الفريق الطبي وصل يوم الأحد.\nوأضاف أن الرحلة تأخرت."

# One real-looking example of each entry, as the crawler left it (white space included).
EXAMPLES = {
    ("3alyoum", "first"): " Next Previous \u00a0\nعين اليوم – الرياض\n",
    ("okaz", "first"): " شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك ",
    ("okaz", "last"): "\n\nsuraihi@gmail.com\n\nللتواصل أرسل SMS إلى 88548 الاتصالات ،636250 موبايلي،\n"
    " 738303 زين تبدأ بالرمز 165 مسافة ثم الرسالة\n ",
    ("almadina", "last"): "\n\naaljamili@yahoo.comللتواصل مع الكاتب ارسل رسالة SMS تبدأ بالرمز (3) ثم مسافة "
    "ثم نص الرسالة إلى 88591 - Stc 635031 - Mobily 737221 - Zain ",
    ("aawsat", "last"): "\n\n ...المزيد",
}
# What each example keeps of itself: bylines, datelines and e-mail signatures are the article's.
KEPT = {
    ("3alyoum", "first"): "عين اليوم – الرياض\n",
    ("okaz", "last"): "\n\nsuraihi@gmail.com",
    ("almadina", "last"): "\n\naaljamili@yahoo.com",
}


def test_every_entry_has_an_example_and_a_measured_count() -> None:
    assert {(entry.outlet, entry.edge) for entry in RESIDUE} == set(EXAMPLES)
    assert all(entry.measured > 20 for entry in RESIDUE)


@pytest.mark.parametrize("entry", RESIDUE, ids=lambda entry: f"{entry.outlet}-{entry.edge}")
def test_each_entry_removes_its_residue_at_its_edge(entry: Residue) -> None:
    residue = EXAMPLES[(entry.outlet, entry.edge)]
    kept = KEPT.get((entry.outlet, entry.edge), "")
    if entry.edge == "first":
        text, expected = residue + BODY, kept + BODY
    else:
        text, expected = BODY + residue, BODY + kept
    assert strip_residue(text, entry.outlet) == (expected, [entry])


@pytest.mark.parametrize("entry", RESIDUE, ids=lambda entry: f"{entry.outlet}-{entry.edge}")
def test_the_same_residue_inside_the_article_is_kept(entry: Residue) -> None:
    residue = EXAMPLES[(entry.outlet, entry.edge)]
    middle = BODY + "\n" + residue.strip() + "\n" + BODY
    assert strip_residue(middle, entry.outlet) == (middle, [])


@pytest.mark.parametrize("entry", RESIDUE, ids=lambda entry: f"{entry.outlet}-{entry.edge}")
def test_another_outlets_residue_and_an_unknown_outlet_are_left_alone(entry: Residue) -> None:
    residue = EXAMPLES[(entry.outlet, entry.edge)]
    text = residue + BODY if entry.edge == "first" else BODY + residue
    others = {other.outlet for other in RESIDUE} - {entry.outlet}
    for outlet in [*sorted(others), "alriyadh", None, ["okaz"]]:  # a source that is not even a name
        assert strip_residue(text, outlet) == (text, [])  # type: ignore[arg-type]


def test_residue_at_the_wrong_edge_is_kept() -> None:
    assert strip_residue(BODY + " Next Previous", "3alyoum") == (BODY + " Next Previous", [])
    share = "شارك من خلال تويتر فيسبوك جوجل بلس اكتب رأيك"
    assert strip_residue(BODY + "\n" + share, "okaz") == (BODY + "\n" + share, [])


def test_a_more_link_must_be_a_line_of_its_own_and_goes_when_repeated() -> None:
    (entry,) = (entry for entry in RESIDUE if entry.outlet == "aawsat")
    sentence = BODY + " نتمنى لكم المزيد..."  # the word "more" at the end of a sentence is text
    assert strip_residue(sentence, "aawsat") == (sentence, [])
    assert strip_residue(BODY + "\n\n ....المزيد\n\n ..المزيد\n\n \u00a0", "aawsat") == (BODY, [entry])
    assert strip_residue(BODY + "\n\n \n\n المزيد....", "aawsat") == (BODY, [entry])


def test_residue_that_is_the_whole_text_leaves_it_empty() -> None:
    assert strip_residue(" Next Previous ", "3alyoum")[0] == ""


def test_both_edges_of_one_article() -> None:
    text = EXAMPLES[("okaz", "first")] + BODY + EXAMPLES[("okaz", "last")]
    stripped, removed = strip_residue(text, "okaz")
    assert stripped == BODY + KEPT[("okaz", "last")]
    assert [(entry.outlet, entry.edge) for entry in removed] == [("okaz", "first"), ("okaz", "last")]
