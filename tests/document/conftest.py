"""The released synthetic project of `released_project`, built once per module."""

from __future__ import annotations

import pytest
from released_project import build_release

from akhbar.paths import Project


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_release(tmp_path_factory.mktemp("released") / "project")
