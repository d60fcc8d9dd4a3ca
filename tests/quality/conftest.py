"""A throwaway project in a temporary folder, made the current project for commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from akhbar.paths import Project
from synthetic_project import write_project


@pytest.fixture
def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Project]:
    """Write a project and make it the one commands work on."""

    def make(
        articles: list[dict[str, Any]], targets: list[dict[str, Any]], annotations: list[dict[str, Any]]
    ):
        project = write_project(tmp_path / "project", articles, targets, annotations)
        monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
        return project

    return make
