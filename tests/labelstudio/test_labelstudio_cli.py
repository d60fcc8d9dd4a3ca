"""`akhbar labelstudio ...` as a user runs it: plain messages, exit codes, no secret in any output."""

from __future__ import annotations

from pathlib import Path

import pytest
from labelstudio_helpers import PROCLITIC, SCRIPT, LiveServer, make_project

from akhbar.cli.main import main
from akhbar.labelstudio.client import Connection


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["labelstudio", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.labelstudio
def test_the_loop_from_the_command_line_against_the_local_server(
    live: LiveServer,
    connection: Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = make_project(live.home.root, [PROCLITIC, SCRIPT])
    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    printed = []

    code, out = run(capsys, "status")
    printed.append(out)
    assert code == 0 and live.url in out and "healthy" in out
    # The one command of a fresh checkout: bring the server up (here: already up) and push the corpus.
    code, out = run(capsys, "up", "--push")
    printed.append(out)
    assert code == 0 and f"Label Studio is up at {live.url}" in out
    assert str(live.server.credentials_file) in out
    assert "entities: project" in out and "3 tasks in the corpus: 3 imported" in out
    ls = connection.sdk
    (project_id,) = [
        item.id for item in ls.projects.list(title="akhbar entities") if item.title == "akhbar entities"
    ]
    task = next(
        task for task in ls.tasks.list(project=project_id) if task.data["article_id"] == "syn-proclitic"
    )
    start = PROCLITIC["text"].index("بغداد")
    value = {"start": start, "end": start + 5, "text": "بغداد", "labels": ["GPE"]}
    ls.annotations.create(
        id=task.id, result=[{"from_name": "entities", "to_name": "text", "type": "labels", "value": value}]
    )
    code, out = run(capsys, "pull")
    printed.append(out)
    assert code == 0 and "records: 1 added" in out
    assert main(["validate"]) == 0
    capsys.readouterr()
    code, out = run(capsys, "pull")
    printed.append(out)
    assert code == 0 and "already archived" in out and "records: 0 added, 0 updated, 1 unchanged" in out

    try:
        code, out = run(capsys, "down")
        printed.append(out)
        assert code == 0 and "stopped" in out
        code, out = run(capsys, "status")
        assert code == 1 and "not running" in out
        code, out = run(capsys, "push")
        assert code == 2 and "akhbar labelstudio up" in out
    finally:
        live.restart()
    log = live.server.log.read_text("utf-8", "replace")  # every start of this session, appended
    assert log.count("Starting development server") >= 2
    for secret in (live.creds.password, live.creds.api_key):
        assert not any(secret in text for text in printed) and secret not in log


@pytest.mark.labelstudio
def test_a_wrong_api_key_is_a_plain_error(
    live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, [])
    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    monkeypatch.setenv("LABEL_STUDIO_URL", live.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "0" * 40)
    code, out = run(capsys, "push")
    assert code == 2 and f"{live.url} refused the API key" in out and "Traceback" not in out


def test_up_does_not_start_a_server_for_a_remote_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, [])
    monkeypatch.setenv("AKHBAR_ROOT", str(project.root))
    monkeypatch.setenv("LABEL_STUDIO_URL", "https://labels.example.org")
    code, out = run(capsys, "up")
    assert code == 2 and "not this machine" in out
    assert not (project.state / "labelstudio").exists()
    monkeypatch.delenv("LABEL_STUDIO_URL")
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    code, out = run(capsys, "pull")
    assert code == 2 and "akhbar labelstudio up" in out
