"""`akhbar verify`: passes on a fresh release, fails on a tampered file or a corpus that changed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from release_corpus import sample

from akhbar import jsonl
from akhbar.cli.main import main
from akhbar.paths import Project
from akhbar.release.parquet import sha256_file
from akhbar.release.publish import release
from akhbar.release.settings import Settings
from akhbar.release.verify import verify


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    project, _ = sample(tmp_path / "project")
    release(project, version="0.1.0", settings=Settings(ratios=(1.0, 0.0, 0.0)), allow_synthetic=True)
    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    return project


def test_fresh_release_verifies(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "rebuilt from the corpus byte for byte; ok (0 findings)" in out


def test_verify_says_how_long_each_step_took(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    match = re.fullmatch(
        r"verified release 0\.1\.0 in (\d+\.\d) s \(validation (\d+\.\d) s, "
        r"hashes and documents (\d+\.\d) s, rebuild (\d+\.\d) s\)",
        last,
    )
    assert match, last
    total, *steps = (float(group) for group in match.groups())
    report = verify(project)
    assert report.seconds["rebuild"] > 0  # unrounded: the rebuild writes a release, never instantaneous
    assert abs(total - sum(steps)) <= 0.15  # the total is the sum of the steps, each rounded
    report = verify(project, rebuild=False)  # without the rebuild, no rebuild time; a failure says "took"
    assert list(report.seconds) == ["hashes and documents"]
    report.findings.append("x")
    assert report.lines()[-1].startswith("verify took ")


def test_tampered_parquet_fails_with_file_and_both_hashes(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.data / "articles" / "train-00000-of-00001.parquet"
    before = sha256_file(path)
    table = pq.read_table(path)
    texts = table.column("text").to_pylist()
    texts[0] = texts[0] + " "
    pq.write_table(table.set_column(table.schema.get_field_index("text"), "text", pa.array(texts)), path)
    after = sha256_file(path)
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert f"data/articles/train-00000-of-00001.parquet: sha256 {after}, manifest says {before}" in out
    assert "FAILED" in out


def test_stray_parquet_file_fails(project: Project) -> None:
    shutil.copy(
        project.data / "articles" / "train-00000-of-00001.parquet",
        project.data / "articles" / "train-extra.parquet",
    )
    report = verify(project, rebuild=False)
    assert report.exit_code == 1
    assert any("train-extra.parquet: not in the manifest" in finding for finding in report.findings)


def test_corpus_changed_after_release_fails_rebuild(project: Project) -> None:
    path = project.articles / "synthetic.jsonl"
    records = [record for _, record in jsonl.read(path)]
    records[-1]["text"] = records[-1]["text"] + " وأضاف المصدر تفاصيل أخرى."
    jsonl.write(path, records)
    report = verify(project)
    assert report.exit_code == 1
    assert (
        "corpus/articles/synthetic.jsonl: changed since release 0.1.0 (run `akhbar release`)"
        in report.findings
    )
    assert any(
        f.startswith("rebuild: data/articles/train-00000-of-00001.parquet is sha256") for f in report.findings
    )


def test_new_article_without_split_is_named(project: Project) -> None:
    path = project.articles / "synthetic.jsonl"
    records = [record for _, record in jsonl.read(path)]
    extra = dict(records[-1], id="a9", text="نص تجريبي جديد لم يصدر بعد في أي إصدار.")
    jsonl.write(path, [*records, extra])
    report = verify(project)
    assert "rebuild: article a9 has no split in assignment.jsonl (run `akhbar release`)" in report.findings


def test_edited_readme_card_fails(project: Project) -> None:
    readme = project.root / "README.md"
    readme.write_text(readme.read_text("utf-8").replace("version: 0.1.0", "version: 0.0.9", 1), "utf-8")
    report = verify(project, rebuild=False)
    assert "README.md: the YAML front matter is not the one this release generates" in report.findings


@pytest.mark.parametrize("name", ["croissant.json", "agreement.json"])
def test_edited_release_document_fails(
    project: Project, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project.data / name
    document = json.loads(path.read_bytes())
    document["edited"] = True
    path.write_text(json.dumps(document), "utf-8")
    assert main(["verify", "--no-rebuild"]) == 1
    assert f"data/{name}: not what the release and the corpus generate" in capsys.readouterr().out
    path.unlink()
    assert f"data/{name}: missing (run `akhbar release`)" in verify(project, rebuild=False).findings


def test_no_release_is_a_finding(tmp_path: Path) -> None:
    project, _ = sample(tmp_path / "empty")
    report = verify(project)
    assert report.exit_code == 1 and report.findings == ["data/manifest.json: no release to verify"]
