"""`akhbar validate` and `akhbar ingest` end to end, as a user runs them: exit codes, messages, no traceback,
and no file changed by validation or by a refused command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from akhbar import jsonl
from akhbar.paths import Project

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "tests" / "fixtures" / "rules"
Snapshot = Callable[[Path], dict[str, str]]


def akhbar(*args: str, cwd: Path, root: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "AKHBAR_ROOT"}
    if root is not None:
        env["AKHBAR_ROOT"] = str(root)
    result = subprocess.run(
        [sys.executable, "-m", "akhbar.cli.main", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_the_committed_corpus_validates() -> None:
    result = akhbar("validate", cwd=REPO)
    assert result.returncode == 0, result.stdout
    assert " 0 errors" in result.stdout.splitlines()[-1]


def test_the_committed_corpus_holds_the_seed_exactly_as_given(need_shared: Callable[..., Path]) -> None:
    seed = need_shared("seed", "000_161695620a18e1a3.txt")
    title, _, body = seed.read_text("utf-8").partition("\n")
    articles = {
        record["id"]: record
        for _, record in jsonl.read(REPO / "corpus" / "articles" / "shafaqnews" / "shafaqnews.jsonl")
    }
    article = articles["000_161695620a18e1a3"]
    assert (article["title"], article["text"]) == (title, body)


# (rule fixture, file) -> the error a user must see; each fixture folder holds more cases than these.
CASES = {
    "windows-1256 file": (
        "file-encoding",
        "articles/windows-1256.jsonl:1: error file-encoding file is not UTF-8",
    ),
    "bad UTF-8": ("file-encoding", "articles/bad-utf8.jsonl:2: error file-encoding line is not valid UTF-8"),
    "duplicate ids across two files": (
        "duplicate-id",
        "articles/synthetic.jsonl:2: error duplicate-id article id",
    ),
    "unknown field": (
        "schema",
        "articles/synthetic.jsonl:2: error schema Additional properties are not allowed",
    ),
    "wrong type": ("schema", 'articles/synthetic.jsonl:3: error schema 5 is not of types "null", "string"'),
    "span text": ("span-text", "annotations/entities/test.jsonl:1: error span-text text[75:86] is"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_data_gives_a_clear_error_and_exit_1(case: str, snapshot: Snapshot) -> None:
    rule, line = CASES[case]
    folder = RULES / rule / "invalid"
    before = snapshot(folder)
    result = akhbar("validate", ".", cwd=folder)
    assert result.returncode == 1
    assert any(printed.startswith(line) for printed in result.stdout.splitlines()), result.stdout
    for expected in (folder / "expected.txt").read_text("utf-8").splitlines():
        assert expected in result.stdout.splitlines()
    assert snapshot(folder) == before


def test_a_truncated_file_names_its_last_line(
    tmp_project: Project, snapshot: Snapshot, synthetic_article: Callable[..., dict]
) -> None:
    whole = jsonl.dumps(synthetic_article(1))
    (tmp_project.articles / "synthetic.jsonl").write_bytes(jsonl.dumps(synthetic_article(0)) + whole[:40])
    before = snapshot(tmp_project.root)
    result = akhbar("validate", cwd=tmp_project.root, root=tmp_project.root)
    assert result.returncode == 1
    assert "corpus/articles/synthetic.jsonl:2: error json-syntax malformed JSON" in result.stdout
    assert "corpus/articles/synthetic.jsonl:2: error line-ending last line has no line end" in result.stdout
    assert result.stdout.splitlines()[-1].startswith(
        "checked 2 files (1 articles, 5 collections): 2 errors, 0 warnings"
    )
    assert snapshot(tmp_project.root) == before


def test_json_output_for_machines() -> None:
    folder = RULES / "text-tatweel" / "invalid"
    result = akhbar("validate", "--format", "json", ".", cwd=folder)
    assert result.returncode == 0  # warnings only
    report = json.loads(result.stdout)
    assert report["errors"] == 0
    assert report["by_rule"] == {"text-tatweel": 2}
    assert {finding["json_path"] for finding in report["findings"]} == {"$.text", "$.title"}


def test_max_findings_caps_the_lines_not_the_summary() -> None:
    result = akhbar("validate", "--max-findings", "1", ".", cwd=RULES / "schema" / "invalid")
    lines = result.stdout.splitlines()
    assert lines[1] == "... and 9 more findings"
    assert lines[-1] == (
        "checked 4 files (3 annotations, 6 articles, 2 splits, 2 targets): 9 errors, 1 warnings"
        " [schema 9, sort-order 1]"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "no/such/file.jsonl"], "no such file or folder: no/such/file.jsonl"),
        (["validate", "--jobs", "0"], "--jobs must be at least 1"),
        (["ingest", "--format", "text", "missing.txt"], "no such file or folder: missing.txt"),
        (["ingest", "--format", "text", "--fix-rules", "text-nosuch", "."], "--fix-rules takes some of"),
    ],
)
def test_usage_problems_exit_2_with_a_message(args: list[str], message: str, tmp_project: Project) -> None:
    result = akhbar(*args, cwd=tmp_project.root, root=tmp_project.root)
    assert result.returncode == 2
    assert message in result.stderr


def test_an_unreadable_file_exits_2() -> None:
    result = akhbar("validate", ".", cwd=RULES / "file-io" / "invalid")
    assert result.returncode == 2
    assert "articles/missing.jsonl: error file-io cannot read: No such file or directory" in result.stdout


def test_broken_schemas_exit_2(tmp_project: Project) -> None:
    (tmp_project.schema / "article.schema.json").write_text("{", "utf-8")
    result = akhbar("validate", cwd=tmp_project.root, root=tmp_project.root)
    assert result.returncode == 2
    assert "cannot load the schemas and label scheme in" in result.stderr


def test_ingest_the_seed_twice_from_the_command_line(
    tmp_project: Project, tmp_path: Path, need_shared: Callable[..., Path], snapshot: Snapshot
) -> None:
    seed = need_shared("seed")
    args = ["ingest", "--format", "text", "--source", "shafaqnews", "--collection", "shafaqnews", str(seed)]
    report = tmp_path / "report.json"
    first = akhbar(*args, "--report", str(report), cwd=tmp_path, root=tmp_project.root)
    assert first.returncode == 0
    assert first.stdout.startswith("read 1 items: added 1, unchanged 0, duplicate 0, skipped 0")
    assert "wrote 1 new articles to corpus/articles/shafaqnews/shafaqnews.jsonl" in first.stdout
    assert json.loads(report.read_text("utf-8"))["outcomes"]["added"] == 1
    before = snapshot(tmp_project.corpus)
    second = akhbar(*args, cwd=tmp_path, root=tmp_project.root)
    assert second.stdout.startswith("read 1 items: added 0, unchanged 1, duplicate 0, skipped 0")
    assert snapshot(tmp_project.corpus) == before
    assert (tmp_project.articles / "shafaqnews" / "shafaqnews.jsonl").read_bytes() == (
        REPO / "corpus" / "articles" / "shafaqnews" / "shafaqnews.jsonl"
    ).read_bytes().replace(b'"ingested_at":"2026-11-30T02:38:40Z"', _ingested_at(tmp_project))
    assert akhbar("validate", cwd=tmp_path, root=tmp_project.root).returncode == 0


def _ingested_at(project: Project) -> bytes:
    record = json.loads((project.articles / "shafaqnews" / "shafaqnews.jsonl").read_bytes())
    return f'"ingested_at":"{record["provenance"]["ingested_at"]}"'.encode()


def test_ingest_names_the_encoding_of_a_file_it_cannot_read_and_dry_run_writes_nothing(
    tmp_project: Project, tmp_path: Path, snapshot: Snapshot
) -> None:
    text = tmp_path / "syn-0001.txt"
    text.write_bytes("عنوان تجريبي\nقال المتحدث باسم وزارة الصحة في بغداد إن الفريق وصل.".encode("cp1256"))
    before = snapshot(tmp_project.root)
    result = akhbar(
        "ingest", "--format", "text", "--collection", "akhbar", str(text), cwd=tmp_path, root=tmp_project.root
    )
    assert result.returncode == 0
    assert "skipped      1  file-encoding" in result.stdout
    assert "windows-1256" in result.stdout
    dry = akhbar(
        "ingest",
        "--format",
        "text",
        "--collection",
        "akhbar",
        "--encoding",
        "cp1256",
        "--dry-run",
        str(text),
        cwd=tmp_path,
    )
    assert "added 1" in dry.stdout and "dry run: nothing was written" in dry.stderr
    # .akhbar/ holds the writers' lock file: machine-local state, git-ignored, not the project's content
    after = snapshot(tmp_project.root)
    assert {name: digest for name, digest in after.items() if not name.startswith(".akhbar/")} == before


def test_validate_finds_the_project_from_the_working_folder(tmp_path: Path) -> None:
    project = tmp_path / "copy"
    shutil.copytree(REPO / "schema", project / "schema")
    shutil.copytree(
        RULES / "sort-order" / "invalid", project / "corpus", ignore=shutil.ignore_patterns("*.txt")
    )
    result = akhbar("validate", cwd=project / "corpus" / "articles")
    assert result.returncode == 0
    # The whole corpus of the project around the working folder, paths shown from where the user is.
    assert result.stdout.startswith(
        "synthetic.jsonl:2: warning sort-order id 'syn-0001' comes after 'syn-0002'"
    )
    assert (
        result.stdout.splitlines()[-1] == "checked 1 files (3 articles): 0 errors, 1 warnings [sort-order 1]"
    )
