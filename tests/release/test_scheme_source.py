"""Release, build and verify take the label scheme from the project they are given, not from the working
folder or the source checkout: a project whose scheme has a type of its own releases and verifies with
it, whatever folder the command runs in."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from release_corpus import sample

from akhbar.paths import Project, find_project
from akhbar.release.publish import release
from akhbar.release.settings import Settings
from akhbar.release.verify import verify

EXTRA = {
    "name": "EXTRA",
    "hotkey": "z",
    "description": "A type only this project's scheme has.",
    "description_ar": "نوع لا يعرفه إلا هذا المشروع.",
}


def _ner_tag_names(project: Project) -> list[str]:
    (path,) = sorted((project.data / "ner").glob("train-*.parquet"))
    info = json.loads(pq.read_schema(path).metadata[b"huggingface"])
    return info["info"]["features"]["ner_tags"]["feature"]["names"]


def test_release_and_verify_use_the_given_projects_scheme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _ = sample(tmp_path / "project")
    scheme_file = project.schema / "label-scheme.json"
    raw = json.loads(scheme_file.read_text("utf-8"))
    raw["entities"]["labels"].append(EXTRA)
    scheme_file.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    # Another project is the current one: the checkout, found from the working folder.
    monkeypatch.delenv("AKHBAR_ROOT", raising=False)
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    assert find_project().root != project.root

    release(project, version="0.1.0", settings=Settings(ratios=(1.0, 0.0, 0.0)), allow_synthetic=True)
    assert _ner_tag_names(project)[-2:] == ["B-EXTRA", "I-EXTRA"]
    report = verify(project)
    assert report.findings == []
    assert report.rebuilt
