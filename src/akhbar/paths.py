"""Where a checkout keeps its parts. Every command works on one project root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The checkout this package was installed from (editable install), used when no root is given.
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


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
        return self.root / "schema"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def state(self) -> Path:
        """Machine-local, git-ignored state (server data, credentials)."""
        return self.root / ".akhbar"


def find_project(start: Path | None = None) -> Project:
    """The nearest folder holding both corpus/ and schema/, else $AKHBAR_ROOT, else the source checkout."""
    env = os.environ.get("AKHBAR_ROOT")
    if env:
        return Project(Path(env).resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "schema").is_dir() and (folder / "corpus").is_dir():
            return Project(folder)
    return Project(_PACKAGE_ROOT)
