"""The entity tagger on tiny releases: the API the suggestions use, determinism, and the annotated-types
mask."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tiny_release import ner_row, sentence, standard, write

from akhbar.errors import UsageError
from akhbar.model import data, entities, vectors
from akhbar.model.card import ModelCard
from akhbar.paths import Project
from akhbar.scheme import load_scheme


def test_train_quick_then_tag(tmp_project: Project) -> None:
    standard(tmp_project)
    card = entities.train(tmp_project, quick=True)
    model = entities.load(tmp_project)
    assert model.version == card.version
    assert model.version.startswith("akhbar-bilstm-crf-0.0.1-")
    assert (entities.model_dir(tmp_project) / "card.md").is_file()
    assert card.training_data["collections"]["anercorp"]["rows"] == 40
    assert card.peak_rss_mb > 0
    tokens = ["قال", "نادر", "العلي", "في", "بيروت", "إن", "وزارة", "المالية", "ستفتح", "مكتبا", "."]
    [(tags, score)] = model.tag_scored([tokens])
    assert tags == ["O", "B-PERS", "I-PERS", "O", "B-GPE", "O", "B-ORG", "I-ORG", "O", "O", "O"]
    assert 0.0 < score <= 1.0
    assert model.tag([tokens, []]) == [tags, []]
    assert set(tag for tag in tags) <= set(load_scheme(tmp_project.schema).iob2_tags)


def test_load_without_a_model(tmp_project: Project) -> None:
    with pytest.raises(UsageError, match="no entity model: run `akhbar model train`"):
        entities.load(tmp_project)


def test_train_without_a_release(tmp_project: Project) -> None:
    with pytest.raises(UsageError, match="no release"):
        entities.train(tmp_project, quick=True)


def test_two_trainings_give_the_same_model(tmp_project: Project) -> None:
    standard(tmp_project)
    words = vectors.unit(("حلب", "تونس"), np.arange(8, dtype=np.float32).reshape(2, 4) + 1)
    first = entities.train(tmp_project, quick=True, seed=3, vectors=words)
    model_bytes = (entities.model_dir(tmp_project) / entities.MODEL_FILE).read_bytes()
    second = entities.train(tmp_project, quick=True, seed=3, vectors=words)
    assert first.version == second.version
    assert (entities.model_dir(tmp_project) / entities.MODEL_FILE).read_bytes() == model_bytes


def test_a_training_that_fails_leaves_the_previous_model(
    tmp_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard(tmp_project)
    before = entities.train(tmp_project, quick=True)
    folder = entities.model_dir(tmp_project)
    kept = {path.name: path.read_bytes() for path in folder.iterdir()}

    def card_write_fails(card: ModelCard, staging: Path) -> None:  # the last step before the swap
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ModelCard, "write", card_write_fails)
    with pytest.raises(OSError):
        entities.train(tmp_project, quick=True, seed=5)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == kept
    assert [path.name for path in folder.parent.iterdir()] == [folder.name]  # no staging left behind
    assert entities.load(tmp_project).version == before.version


def test_iob2_repairs_an_inside_tag_that_opens_a_span() -> None:
    assert entities.iob2(["I-PERS", "I-PERS", "O", "I-ORG", "B-GPE", "I-ORG"]) == [
        "B-PERS",
        "I-PERS",
        "O",
        "B-ORG",
        "B-GPE",
        "B-ORG",
    ]


def test_learned_types_and_usable_rows() -> None:
    def row(annotated: tuple[str, ...], n: int) -> data.NerRow:
        return data.NerRow("r", "c", ["w"] * n, ["O"] * n, frozenset(annotated), [])

    scheme = load_scheme()
    big, small = row(("PERS", "GPE", "ORG"), 30), row(("PERS",), 10)
    # GPE and ORG were annotated over 30 of 40 tokens: learned; a type no row marked is not.
    assert data.learned_types([big, small], scheme) == ("PERS", "ORG", "GPE")
    assert data.usable(big, ("PERS", "ORG", "GPE")) and not data.usable(small, ("PERS", "ORG", "GPE"))
    # Marked over less than half of the tokens: not learned, and every row teaches PERS.
    assert data.learned_types([row(("PERS", "GPE"), 10), row(("PERS",), 30)], scheme) == ("PERS",)
    assert data.restrict(["B-PERS", "B-DATE", "I-DATE"], ("PERS",)) == ["B-PERS", "O", "O"]


PROBE = ["قال", "منى", "العلي", "في", "دمشق", "إن", "وزارة", "المالية", "ستفتح", "مكتبا", "."]
LETTERS = "بتثجحخدذرزسشصضطظعغفقكمن"


def varied(names: tuple[str, ...]) -> list[dict]:
    """40 rows of a collection that marked PERS, ORG and GPE, each with a different made-up place name, so
    that a place is learned from its context (after في)."""
    rows = []
    for i in range(40):
        tokens, tags = sentence(i)
        tokens[4] = "ا" + LETTERS[i % 22] + LETTERS[(i * 7 + 3) % 22] + "ان"
        rows.append(ner_row(i, tokens, tags, names=names))
    return rows


def test_a_type_a_collection_never_marked_is_not_learned_as_o_from_it(tmp_project: Project) -> None:
    """Collection `seed` marked only PERS: its place names stand as O, unknown rather than absent. Its
    rows are left out, so a place only it mentions (دمشق) is still tagged as a place from context."""
    names = load_scheme(tmp_project.schema).iob2_tags
    rows = varied(names)
    for i in range(20):
        tokens, tags = sentence(i)
        tokens[4] = "دمشق"
        tags = [tag if tag.endswith("PERS") else "O" for tag in tags]  # only PERS was marked
        rows.append(ner_row(i, tokens, tags, collection="seed", annotated=("PERS",), names=names))
    write(tmp_project, {"train": rows})
    card = entities.train(tmp_project, quick=True)
    assert card.training_data["collections"]["seed"] == {"rows": 20, "tokens": 220, "rows_left_out": 20}
    assert card.training_data["learned_types"] == ["PERS", "ORG", "GPE"]
    tags = entities.load(tmp_project).tag([PROBE])[0]
    assert tags[4] == "B-GPE"


def test_without_the_mask_the_same_data_would_teach_o(tmp_project: Project) -> None:
    """The control for the test above: the same seed rows claiming every type (so used) teach دمشق as O."""
    names = load_scheme(tmp_project.schema).iob2_tags
    rows = varied(names)
    for i in range(20):
        tokens, tags = sentence(i)
        tokens[4] = "دمشق"
        tags = [tag if tag.endswith("PERS") else "O" for tag in tags]
        rows.append(ner_row(i, tokens, tags, collection="seed", names=names))
    write(tmp_project, {"train": rows})
    entities.train(tmp_project, quick=True)
    assert entities.load(tmp_project).tag([PROBE])[0][4] == "O"


@pytest.mark.external
def test_extra_wojood_adds_its_sentences(tmp_project: Project, need_shared) -> None:  # type: ignore[no-untyped-def]
    need_shared("external", "wojood_sample", "data", "train.txt")
    standard(tmp_project)
    card = entities.train(tmp_project, quick=True, extra_wojood=True)
    wojood = card.training_data["collections"]["wojood"]
    assert wojood["rows"] > 1000 and wojood["rows_left_out"] == 0  # it marked every type
    # Here Wojood holds most tokens: every scheme type is learned, and the tiny release's rows, which
    # did not mark them all, are left out (in the real release ANERcorp holds most, and its 7 types win).
    assert len(card.training_data["learned_types"]) == 21
    assert card.training_data["collections"]["anercorp"]["rows_left_out"] == 40
    assert card.training_data["extra_wojood"] is True


def test_a_place_the_import_could_not_type_is_not_taught_as_o(tmp_project: Project) -> None:
    """The same rows as the control above, but the source marked دمشق as a location the import could not
    type (scheme O, source B-LOC): trained as a location of unknown type, it is tagged as a place."""
    names = load_scheme(tmp_project.schema).iob2_tags
    rows = varied(names)
    for i in range(20):
        tokens, tags = sentence(i)
        tokens[4] = "دمشق"
        source = [tag.replace("GPE", "LOC") for tag in tags]
        tags = [tag if not tag.endswith("GPE") else "O" for tag in tags]
        rows.append(ner_row(100 + i, tokens, tags, source_tags=source, names=names))
    write(tmp_project, {"train": rows})
    entities.train(tmp_project, quick=True)
    assert entities.load(tmp_project).tag([PROBE])[0][4] == "B-GPE"


def test_a_sentence_longer_than_the_longest_batch_is_tagged_in_pieces(tmp_project: Project) -> None:
    standard(tmp_project)
    entities.train(tmp_project, quick=True)
    tokens, _ = sentence(3)
    long = tokens * 60  # 660 tokens
    [(tags, score)] = entities.load(tmp_project).tag_scored([long])
    assert len(tags) == len(long) and 0.0 <= score <= 1.0
    assert (
        tags[:11]
        == tags[-11:]
        == ["O", "B-PERS", "I-PERS", "O", "B-GPE", "O", "B-ORG", "I-ORG", "O", "O", "O"]
    )
