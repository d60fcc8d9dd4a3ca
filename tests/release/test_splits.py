"""Splits: leakage groups stay together, assignments never move, new articles go by hash."""

from __future__ import annotations

import random
from pathlib import Path

from release_corpus import article, write

from akhbar import jsonl
from akhbar.release.publish import release
from akhbar.release.settings import Settings
from akhbar.release.splits import hash_split

WORDS = [
    "اجتماع",
    "مدينة",
    "خطة",
    "ميزانية",
    "مدرسة",
    "مستشفى",
    "طريق",
    "جسر",
    "مطار",
    "ميناء",
    "سوق",
    "حديقة",
    "مصنع",
    "مزرعة",
    "جامعة",
    "مكتبة",
    "ملعب",
    "متحف",
    "شارع",
    "ساحة",
    "نهر",
    "بحر",
    "جبل",
    "صحراء",
    "قطار",
    "حافلة",
    "سفينة",
    "طائرة",
    "كهرباء",
    "ماء",
    "هاتف",
    "رسالة",
    "تقرير",
    "قرار",
]


def distinct(n: int) -> str:
    """A made-up text of its own: twelve words drawn for n, so no two are near duplicates."""
    rng = random.Random(n)
    return " ".join(rng.sample(WORDS, 12)) + "."


LONG = (
    "أعلنت الهيئة العامة للنقل عن خطة جديدة لتطوير شبكة الحافلات في المدينة خلال السنوات الخمس القادمة، "
    "وتشمل الخطة إنشاء محطات حديثة وتوسيع الخطوط لتصل إلى الأحياء البعيدة، وقال المتحدث إن التمويل مؤمن."
)


def _assignment(root: Path) -> dict[str, dict]:
    return {r["article_id"]: r for _, r in jsonl.read(root / "corpus" / "splits" / "assignment.jsonl")}


def test_groups_share_a_split_and_singletons_follow_their_hash(tmp_path: Path) -> None:
    articles = [article(f"s{n:03d}", distinct(n)) for n in range(60)]
    articles += [
        article("story-a", "خبر أول عن قصة واحدة في الصباح.", story_id="story-1"),
        article("story-b", "خبر ثان مختلف الكلمات عن القصة نفسها في المساء.", story_id="story-1"),
        article("dup-a", "نص مكرر حرفيا في مصدرين مختلفين."),
        article("dup-b", "نص  مكرر حرفيا في مصدرين مختلفين. "),  # same after folding white space
        article("near-a", LONG),
        article("near-b", LONG.replace("الخمس", "الست")),  # one word changed: a near duplicate
    ]
    project = write(tmp_path / "p", articles)
    ratios = (0.5, 0.25, 0.25)
    release(project, version="0.1.0", settings=Settings(ratios=ratios), allow_synthetic=True)
    assigned = _assignment(project.root)
    for a, b in (("story-a", "story-b"), ("dup-a", "dup-b"), ("near-a", "near-b")):
        assert assigned[a]["split"] == assigned[b]["split"]
        assert assigned[a]["group"] == assigned[b]["group"] == min(a, b)
    for n in range(60):
        key = f"s{n:03d}"
        assert assigned[key]["split"] == hash_split(key, ratios) and assigned[key]["group"] == key
    assert {r["split"] for r in assigned.values()} == {"train", "validation", "test"}
    assert all(r["since"] == "0.1.0" for r in assigned.values())


def test_assignments_are_kept_across_releases_even_against_new_ratios(tmp_path: Path) -> None:
    first = [article(f"s{n:03d}", distinct(n)) for n in range(40)]
    project = write(tmp_path / "p", first)
    release(project, version="0.1.0", settings=Settings(ratios=(0.6, 0.2, 0.2)), allow_synthetic=True)
    before = _assignment(project.root)
    in_test = [key for key, r in before.items() if r["split"] == "test"]
    assert in_test
    # next release: one article removed, new ones added (one joins the story of a test article), new ratios
    kept = [a for a in first if a["id"] != "s000"]
    joined = article("z-new", "خبر جديد عن القصة ذاتها.", story_id="story-x")
    old = next(a for a in kept if a["id"] == in_test[0])
    old["story_id"] = "story-x"
    new = [article(f"t{n:03d}", distinct(100 + n)) for n in range(10)]
    write(project.root, [*kept, joined, *new])
    report = release(
        project, version="0.2.0", settings=Settings(ratios=(1.0, 0.0, 0.0)), allow_synthetic=True
    )
    after = _assignment(project.root)
    for key, record in before.items():
        if key == "s000":
            continue
        assert after[key]["split"] == record["split"] and after[key]["since"] == "0.1.0"
    assert "s000" not in after  # the assignment covers the corpus as it is
    assert report.manifest["report"]["splits"]["dropped_for_removed_articles"] == 1
    assert after["z-new"]["split"] == "test" and after["z-new"]["since"] == "0.2.0"  # joins its group
    assert all(after[f"t{n:03d}"]["split"] == "train" for n in range(10))
    changes = report.manifest["changes"]
    assert (changes["articles_added"], changes["articles_removed"], changes["removed_ids"]) == (
        11,
        1,
        ["s000"],
    )


def test_group_split_across_splits_is_reported(tmp_path: Path) -> None:
    a = article("m-a", "خبر أول مستقل تماما عن غيره.")
    b = article("m-b", "خبر ثان مستقل تماما عن غيره أيضا.")
    project = write(tmp_path / "p", [a, b])
    (project.corpus / "splits").mkdir(parents=True)
    jsonl.write(
        project.corpus / "splits" / "assignment.jsonl",
        [
            {"article_id": "m-a", "group": "m-a", "since": "0.1.0", "split": "train"},
            {"article_id": "m-b", "group": "m-b", "since": "0.1.0", "split": "test"},
        ],
    )
    a["story_id"] = b["story_id"] = "same-story"  # later found to report the same story
    c = article("m-c", "خبر ثالث عن القصة نفسها.", story_id="same-story")
    write(project.root, [a, b, c])
    report = release(project, version="0.2.0", allow_synthetic=True)
    splits = report.manifest["report"]["splits"]
    assert splits["conflict_count"] == 1
    assert splits["conflicts"][0] == {
        "group": "m-a",
        "splits": {"m-a": "train", "m-b": "test"},
        "new_members_go_to": "train",
    }
    assert _assignment(project.root)["m-c"]["split"] == "train"
