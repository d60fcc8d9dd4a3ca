"""The real model, trained from the committed release, scores what data/baselines.json records; and the
recorded score against the issue's target. Trained in a temporary project whose corpus/, data/ and
schema/ are the checkout's (symlinked, read only), so nothing is written into the checkout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from akhbar.model import baselines, entities, stance
from akhbar.paths import Project

REPO = Path(__file__).resolve().parents[2]
TARGET = 0.75


def _recorded() -> dict[str, Any]:
    recorded_path = REPO / "data" / baselines.FILE
    if not recorded_path.is_file():
        pytest.fail("data/baselines.json is missing: run `akhbar model evaluate --record`")
    return dict(json.loads(recorded_path.read_text("utf-8")))


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_a_fresh_training_scores_exactly_the_record(tmp_path: Path) -> None:
    recorded = _recorded()
    project = Project(tmp_path / "project")
    project.root.mkdir()
    for name in ("corpus", "data", "schema"):
        (project.root / name).symlink_to(REPO / name)
    entities.train(project, seed=0)
    stance.train_stance(project, seed=0)
    figures = json.loads(baselines.to_bytes(baselines.measure(project)))
    # A fresh training (word vectors learned anew) gives exactly the record.
    assert figures == recorded


# Issue 9's target is not reached yet (strict F1 0.711, benchmarks/model.md says what was tried): the gap is
# stated here rather than hidden, and a model that reaches the target makes this test fail until the mark
# goes (strict).
@pytest.mark.xfail(strict=True, reason="strict CAMeL F1 of the recorded model is below the 0.75 target")
def test_the_recorded_model_reaches_the_target() -> None:
    camel = _recorded()["entities"]["collections"]["anercorp"]["camel3"]["strict"]["f1"]
    assert camel >= TARGET
