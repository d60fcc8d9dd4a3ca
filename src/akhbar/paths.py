"""Where a checkout keeps its parts. Every command works on one project root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The checkout this package was installed from (editable install), used when no root is given.
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
# The schemas shipped in the wheel (package data, see pyproject.toml); in a checkout, its schema/.
_PACKAGED_SCHEMA = Path(__file__).resolve().parent / "schema"


def packaged_schema() -> Path:
    """The schemas and label scheme this package was built with: used by a project without schema/."""
    return _PACKAGED_SCHEMA if _PACKAGED_SCHEMA.is_dir() else _PACKAGE_ROOT / "schema"


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def articles(self) -> Path:
        return self.corpus / "articles"

    @property
    def targets(self) -> Path:
        return self.corpus / "targets"

    @property
    def annotations(self) -> Path:
        return self.corpus / "annotations"

    @property
    def exports(self) -> Path:
        """Raw Label Studio exports, archived unchanged before any conversion."""
        return self.corpus / "exports"

    @property
    def schema(self) -> Path:
        """The project's schema/ folder. A project without one is read with the schemas the package carries
        (akhbar.scheme resolves it), so a corpus folder copied out of the checkout validates with an
        installed wheel alone."""
        return self.root / "schema"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def state(self) -> Path:
        """Machine-local, git-ignored state (server data, credentials)."""
        return self.root / ".akhbar"


def find_project(start: Path | None = None) -> Project:
    """$AKHBAR_ROOT, else the nearest folder holding corpus/ (its schema/ is optional: see
    akhbar.scheme), else the source checkout of an editable install, else the working folder."""
    env = os.environ.get("AKHBAR_ROOT")
    if env:
        return Project(Path(env).resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "corpus").is_dir():
            return Project(folder)
    if (_PACKAGE_ROOT / "corpus").is_dir() and (_PACKAGE_ROOT / "schema").is_dir():
        return Project(_PACKAGE_ROOT)
    return Project(here)
