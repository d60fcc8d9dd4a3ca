"""The wheel works alone: built from this checkout, installed into a fresh virtual environment and run in a
folder holding only a copy of corpus/, `akhbar validate` finds the schemas and label scheme the wheel
carries as package data (akhbar/schema/), not the checkout's.

Quick enough for the default loop (a few seconds): the wheel is built without build isolation (hatchling
comes with the dev extras) and installed without dependencies; the fresh environment borrows this
environment's site-packages through a .pth file, so nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds the wheel and installs it into a fresh environment

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str | Path) -> str:
    done = subprocess.run(
        [str(arg) for arg in args], env=_environment(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _environment() -> dict[str, str]:
    """This environment without what would point the fresh one at the checkout."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("AKHBAR_ROOT", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }


def _validate_in(installed: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    """`akhbar validate` of the installed wheel, run in `folder`."""
    return subprocess.run(
        [str(installed / "akhbar"), "validate"],
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout; returns its bin/ folder."""
    try:
        import hatchling  # noqa: F401
    except ImportError:
        pytest.fail("hatchling is missing from this environment: run `bash scripts/setup.sh` (dev extras)")
    base = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", base, REPO)
    (wheel,) = base.glob("akhbar-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in sorted(p.name for p in (REPO / "schema").iterdir()):
        assert f"akhbar/schema/{name}" in names, f"the wheel lacks schema/{name}"
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    fresh_site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    # Dependencies from this environment; it also holds the editable akhbar, but its .pth is not read from
    # a path added this way, and the fresh site-packages comes first on sys.path.
    (fresh_site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel)
    where = _run(python, "-c", "import akhbar; print(akhbar.__file__)")
    assert Path(where.strip()).is_relative_to(fresh_site), where
    return venv / "bin"


@pytest.mark.timeout(60)
def test_installed_wheel_validates_a_corpus_copy_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere"
    shutil.copytree(REPO / "corpus", folder / "corpus")
    assert not (folder / "schema").exists()
    done = _validate_in(installed, folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 errors" in done.stdout
    assert "articles" in done.stdout  # the corpus copy was found and read, not an empty folder


@pytest.mark.timeout(60)
def test_installed_wheel_applies_its_schemas(installed: Path, tmp_path: Path) -> None:
    """A record the schemas refuse is a finding: the packaged schemas are really loaded and used."""
    folder = tmp_path / "elsewhere"
    (folder / "corpus" / "targets").mkdir(parents=True)
    (folder / "corpus" / "targets" / "bad.jsonl").write_text('{"id": "x"}\n', "utf-8")
    done = _validate_in(installed, folder)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bad.jsonl:1: error schema" in done.stdout, done.stdout
