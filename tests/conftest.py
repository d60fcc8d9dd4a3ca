"""Shared by every test folder: this folder is on sys.path (pytest's rootdir-relative import), so helper
modules beside this file, such as synthetic_project.py, import by name.

Fixtures here: `tmp_project` (an empty project in a temporary folder, made the current one), the
`synthetic_article` builder, `need_shared` (a path under ../shared, or skip the test when it is absent)
and `snapshot` (sha256 of every file under a folder).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from akhbar.paths import Project
from synthetic_project import SENTENCES
from synthetic_project import article as _article

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).parents[1].parent / "shared"

# The entity tagger's network compiles the same programs in many tests (and in the commands they run):
# one compilation cache for the whole session, removed at its end, spares most of that time.
_JAX_CACHE = tempfile.mkdtemp(prefix="akhbar-tests-jax-")
os.environ["JAX_COMPILATION_CACHE_DIR"] = _JAX_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_JAX_CACHE, ignore_errors=True)


def _need_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)}, which is not on this machine")
    return path


def _snapshot(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = f"-> {path.readlink()}"
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def need_shared() -> Callable[..., Path]:
    """`need_shared("external", "saudinewsnet")`: the path under ../shared, or skip the test without it."""
    return _need_shared


@pytest.fixture
def snapshot() -> Callable[[Path], dict[str, str]]:
    """`snapshot(folder)`: sha256 of every file under it (symlinks by target), to show nothing changed."""
    return _snapshot


@pytest.fixture
def tmp_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """An empty project (corpus/ with the checkout's collection registry, and a copy of schema/) in a
    temporary folder, made the current project."""
    root = tmp_path / "project"
    (root / "corpus" / "articles").mkdir(parents=True)
    (root / "corpus" / "collections").mkdir()
    shutil.copytree(REPO / "schema", root / "schema")
    shutil.copyfile(
        REPO / "corpus" / "collections" / "collections.jsonl",
        root / "corpus" / "collections" / "collections.jsonl",
    )
    monkeypatch.setenv("AKHBAR_ROOT", str(root))
    return Project(root)


@pytest.fixture
def synthetic_article() -> Callable[..., dict[str, Any]]:
    """Build a synthetic article (marked synthetic): `synthetic_article(index, text=..., **fields)`."""

    def build(index: int, text: str | None = None, **fields: Any) -> dict[str, Any]:
        record = _article(index, text if text is not None else " ".join(SENTENCES[: 1 + index % 3]))
        record.update(fields)
        return record

    return build
