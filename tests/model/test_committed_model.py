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
    # A fresh training (word vectors learned anew) gives exactly the record on the machine that recorded
    # it. On another CPU, OpenBLAS and XLA take other code paths whose floats differ in the last bits: the
    # models' hashes (their versions) differ and the scores move a little (strict CAMeL F1 0.7109 and
    # 0.7072 from the same code and data on two hosts), so there scores and counts are held to a tolerance.
    found, expected = _leaves(figures), _leaves(recorded)
    versions = {("entities", "model"), ("stance", "model")}
    assert found.keys() == expected.keys()
    for path, value in expected.items():
        if path in versions:
            assert str(found[path]).rsplit("-", 1)[0] == str(value).rsplit("-", 1)[0], path
        elif isinstance(value, float):
            assert found[path] == pytest.approx(value, abs=0.015), path
        elif isinstance(value, int) and not isinstance(value, bool):
            assert found[path] == pytest.approx(value, rel=0.02, abs=2), path
        else:
            assert found[path] == value, path


def _leaves(figures: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Every value of nested figures by its path of keys (list items by position)."""
    if isinstance(figures, dict):
        items = figures.items()
    elif isinstance(figures, list):
        items = ((str(index), item) for index, item in enumerate(figures))
    else:
        return {path: figures}
    return {found: value for key, item in items for found, value in _leaves(item, (*path, key)).items()}


# Issue 9's target is not reached yet (strict F1 0.711, benchmarks/model.md says what was tried): the gap is
# stated here rather than hidden, and a model that reaches the target makes this test fail until the mark
# goes (strict).
@pytest.mark.xfail(strict=True, reason="strict CAMeL F1 of the recorded model is below the 0.75 target")
def test_the_recorded_model_reaches_the_target() -> None:
    camel = _recorded()["entities"]["collections"]["anercorp"]["camel3"]["strict"]["f1"]
    assert camel >= TARGET
