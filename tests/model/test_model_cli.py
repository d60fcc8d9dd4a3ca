"""`akhbar model train|predict|evaluate` as a user runs them: subprocesses on a tiny release."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_release import standard

from akhbar.paths import Project

AKHBAR = Path(sys.executable).parent / "akhbar"
REPO = Path(__file__).resolve().parents[2]


def run(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AKHBAR_ROOT": str(project.root)}
    return subprocess.run([str(AKHBAR), *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One tiny project trained once for the module (each command is a subprocess: seconds of imports)."""
    project = Project(tmp_path_factory.mktemp("trained") / "project")
    (project.root / "corpus").mkdir(parents=True)
    shutil.copytree(REPO / "schema", project.schema)
    standard(project)
    done = run(project, "model", "train", "--quick")
    assert done.returncode == 0, done.stderr
    assert "entities: akhbar-bilstm-crf-0.0.1-" in done.stdout
    assert "stance: akhbar-tfidf-lr-0.0.1-" in done.stdout
    return project


def test_predict_round_trip(trained: Project, tmp_path: Path) -> None:
    lines = [
        "قال نادر العلي في بيروت إن وزارة المالية ستفتح مكتبا .",
        "",
        "نص‌مع‌فاصل كلمة",  # zero-width non-joiners inside a token: kept as given
    ]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(lines) + "\r\n", "utf-8")  # a CR before the final newline is no token
    done = run(trained, "model", "predict", str(source))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [" ".join(item["tokens"]) for item in out] == lines
    assert all(len(item["tags"]) == len(item["tokens"]) for item in out)
    assert out[0]["tags"][1:3] == ["B-PERS", "I-PERS"]
    assert out[1] == {"tokens": [], "tags": []}


def test_predict_reads_the_file_as_one_text_unless_each_line(trained: Project, tmp_path: Path) -> None:
    first, second = "قال نادر العلي في بيروت إن وزارة المالية ستفتح مكتبا .", "نادر العلي"
    both, alone = tmp_path / "both.txt", tmp_path / "alone.txt"
    both.write_text(f"{first}\n{second}\n", "utf-8")
    alone.write_text(f"{second}\n", "utf-8")

    def tags(*args: str) -> list[list[str]]:
        done = run(trained, "model", "predict", *args)
        assert done.returncode == 0, done.stderr
        return [json.loads(line)["tags"] for line in done.stdout.splitlines()]

    one_text = tags(str(both))
    assert one_text[0][1:3] == ["B-PERS", "I-PERS"]
    assert one_text[1] == ["B-PERS", "I-PERS"]  # as in the first line
    each_line = tags(str(both), "--each-line")
    assert each_line[1] == tags(str(alone))[0]  # each line as if it were alone in its file


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("قال نادر\nقال  نادر\n".encode(), ":2: empty token at column 5"),
        (" قال\n".encode(), ":1: empty token at column 1"),
        ("قال\tنادر\n".encode(), ":1: character U+0009 at column 4"),
        ("قال\n".encode() + b"\xff\xfe\n", ":2: not UTF-8"),
    ],
)
def test_bad_input_names_file_and_line(trained: Project, tmp_path: Path, content: bytes, where: str) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(content)
    done = run(trained, "model", "predict", str(source))
    assert done.returncode == 1
    assert f"{source}{where}" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_predict_without_a_model_or_a_file(tmp_project: Project, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("قال نادر\n", "utf-8")
    done = run(tmp_project, "model", "predict", str(source))
    assert done.returncode == 2 and "no entity model: run `akhbar model train`" in done.stderr
    missing = run(tmp_project, "model", "predict", str(tmp_path / "nowhere.txt"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr


def test_evaluate_records_baselines(trained: Project, tmp_path: Path) -> None:
    done = run(trained, "model", "evaluate", "--json", str(tmp_path / "scores.json"), "--record")
    assert done.returncode == 0, done.stderr
    recorded = json.loads((trained.data / "baselines.json").read_text("utf-8"))
    assert recorded == json.loads((tmp_path / "scores.json").read_text("utf-8"))
    anercorp = recorded["entities"]["collections"]["anercorp"]
    assert anercorp["rows"] == 6 and anercorp["camel3"]["strict"]["possible"] == 18
    assert set(anercorp["scheme"]["types"]) == {"PERS", "ORG", "GPE"}
    assert recorded["stance"]["collections"]["ans"]["majority"]["label"] == "Agree"
    assert "camel3: strict P" in done.stdout


def test_the_baselines_block_shows_the_recorded_release_only(trained: Project) -> None:
    from akhbar.model import baselines

    done = run(trained, "model", "evaluate", "--record")
    assert done.returncode == 0, done.stderr
    recorded = baselines.read(trained.data)
    text = baselines.block(recorded, "0.0.1")
    assert "| anercorp | camel3 | all | 18 |" in text
    assert "| ans | 4 |" in text and "| Agree |" in text
    assert baselines.block(recorded, "0.0.2").startswith("No baseline is recorded for release 0.0.2")
    assert baselines.block(None, "0.0.1").startswith("No baseline is recorded for release 0.0.1")
