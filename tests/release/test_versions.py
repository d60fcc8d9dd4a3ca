"""Versions, changelog, card rewriting and atomic replacement of a release."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from datasets import load_dataset
from release_corpus import numbered

from akhbar.document import card
from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.release.parquet import sha256_file
from akhbar.release.publish import release
from akhbar.release.settings import Settings
from akhbar.release.verify import verify

TRAIN = Settings(ratios=(1.0, 0.0, 0.0))


def _front_matter(project: Project) -> dict:
    front, _ = card.split_readme((project.root / "README.md").read_text("utf-8"))
    assert front is not None
    return yaml.safe_load(front.strip("-\n"))


def test_second_release_bumps_versions_and_logs_the_difference(tmp_path: Path) -> None:
    project = numbered(tmp_path / "p", 3)
    (project.root / "README.md").write_text("# Human text\n\nWritten by the maintainers.\n", "utf-8")
    release(project, version="0.1.0", settings=TRAIN, date="2025-01-01", allow_synthetic=True)
    first = load_dataset(str(project.root), "ner", split="train", cache_dir=str(tmp_path / "cache"))
    assert first.info.version.version_str == "0.1.0" and len(first) == 3
    numbered(project.root, 5, skip=(0,))  # v000 removed, v003 and v004 added
    report = release(project, version="0.2.0", settings=TRAIN, date="2025-02-01", allow_synthetic=True)
    # same cache folder: the new config version makes datasets read the new files
    second = load_dataset(str(project.root), "ner", split="train", cache_dir=str(tmp_path / "cache"))
    assert second.info.version.version_str == "0.2.0" and len(second) == 4
    assert {c["version"] for c in _front_matter(project)["configs"]} == {"0.2.0"}
    changes = report.manifest["changes"]
    assert changes["previous"] == "0.1.0"
    assert (changes["added_ids"], changes["removed_ids"]) == (["v003", "v004"], ["v000"])
    assert changes["labels"]["ner"] == {"entity:GPE": [3, 4], "entity:PERS": [3, 4]}
    log = (project.root / "CHANGELOG.md").read_text("utf-8")
    assert log.index("## 0.2.0 (2025-02-01)") < log.index("## 0.1.0 (2025-01-01)")
    assert "  - added: `v003`, `v004`" in log and "  - removed: `v000`" in log
    assert "  - `ner` entity:PERS: 3 → 4" in log
    assert sorted(p.name for p in (project.data / "history").iterdir()) == ["0.1.0.json", "0.2.0.json"]
    readme = (project.root / "README.md").read_text("utf-8")
    assert "# Human text\n\nWritten by the maintainers.\n" in readme
    assert readme.count(card.BEGIN) == 1 and "**0.2.0**" in readme
    assert verify(project).exit_code == 0


@pytest.mark.parametrize(
    ("version", "message"), [("0.1.0", "not after"), ("0.0.9", "not after"), ("1.0", "semantic")]
)
def test_version_must_be_semantic_and_after_the_current(tmp_path: Path, version: str, message: str) -> None:
    project = numbered(tmp_path / "p", 1)
    release(project, version="0.1.0", settings=TRAIN, allow_synthetic=True)
    with pytest.raises(UsageError, match=message):
        release(project, version=version, settings=TRAIN, allow_synthetic=True)


def test_card_passes_the_offline_checks(tmp_path: Path) -> None:
    project = numbered(tmp_path / "p", 2)
    report = release(project, version="0.1.0", settings=TRAIN, allow_synthetic=True)
    from akhbar.scheme import load_scheme

    readme = (project.root / "README.md").read_text("utf-8")
    assert card.check(readme, report.manifest, load_scheme()) == []
    meta = _front_matter(project)
    assert meta["language"] == ["ar"] and meta["annotations_creators"] == ["expert-generated"]
    assert [c["config_name"] for c in meta["configs"]] == ["articles", "ner", "stance"]
    tags = next(i for i in meta["dataset_info"] if i["config_name"] == "ner")["features"][4]
    assert tags["name"] == "ner_tags" and tags["list"]["class_label"]["names"]["1"] == "B-PERS"


def _snapshot(project: Project) -> dict[str, str]:
    files = [*project.data.rglob("*"), project.root / "README.md", project.root / "CHANGELOG.md"]
    files.append(project.corpus / "splits" / "assignment.jsonl")
    return {str(p.relative_to(project.root)): sha256_file(p) for p in files if p.is_file()}


def test_failed_build_leaves_the_previous_release(tmp_path: Path) -> None:
    project = numbered(tmp_path / "p", 2)
    release(project, version="0.1.0", settings=TRAIN, allow_synthetic=True)
    before = _snapshot(project)
    numbered(project.root, 4)
    with pytest.raises(UsageError, match="synthetic"):  # found once the new build is complete, aside
        release(project, version="0.2.0", settings=TRAIN)
    assert _snapshot(project) == before
    assert not list(project.state.glob("txn-*"))


@pytest.mark.slow
def test_killed_build_leaves_the_previous_release(tmp_path: Path) -> None:
    project = numbered(tmp_path / "p", 2)
    release(project, version="0.1.0", settings=TRAIN, allow_synthetic=True)
    before = _snapshot(project)
    numbered(project.root, 3000)
    env = dict(os.environ, AKHBAR_ROOT=str(project.root))
    command = [sys.executable, "-m", "akhbar.cli.main", "release", "--version", "0.2.0", "--allow-synthetic"]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    parts: list[Path] = []
    while time.monotonic() < deadline and child.poll() is None and not parts:
        parts = list(project.state.glob("txn-*/**/*.parquet.part"))
        time.sleep(0.01)
    assert parts, "the build never started writing Parquet"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert _snapshot(project) == before
    assert verify(project).exit_code == 1  # the corpus moved on, the release did not
    assert json.loads((project.data / "manifest.json").read_text("utf-8"))["version"] == "0.1.0"
    # the next release clears the dead build's folder and succeeds
    release(project, version="0.2.0", settings=TRAIN, allow_synthetic=True)
    assert not list(project.state.glob("txn-*"))
    assert verify(project).exit_code == 0
