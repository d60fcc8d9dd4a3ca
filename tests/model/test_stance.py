"""The stance baseline on a tiny release."""

from __future__ import annotations

import pytest
from tiny_release import standard

from akhbar.errors import UsageError
from akhbar.model import stance
from akhbar.paths import Project


def test_train_load_predict(tmp_project: Project) -> None:
    standard(tmp_project)
    card = stance.train_stance(tmp_project, seed=1)
    model = stance.load_stance(tmp_project)
    assert model.version == card.version and card.training_data["majority"] == {"ans": "Agree"}
    found = model.predict(
        [("المطر يهطل في حلب", "لا أمطار في حلب اليوم"), ("افتتاح مكتب جديد", "افتتاح مكتب جديد للوزارة")]
    )
    assert [label for label, _ in found] == ["Disagree", "Agree"]
    assert all(0.5 <= p <= 1 for _, p in found)
    assert stance.train_stance(tmp_project, seed=1).version == card.version  # deterministic


def test_load_without_a_model(tmp_project: Project) -> None:
    with pytest.raises(UsageError, match="no stance model"):
        stance.load_stance(tmp_project)
