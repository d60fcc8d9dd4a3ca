"""Bad data and bad options, as a user meets them: every command answers with findings (file, line, rule)
and exit 1, or a usage message and exit 2; never a traceback, a hang or a half-written file.

Each command runs as a real subprocess on a small synthetic project that validates clean until a test
breaks one thing in it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from akhbar import jsonl
from akhbar.paths import Project
from synthetic_project import SENTENCES, article, two_annotators, write_project

Snapshot = Callable[[Path], dict[str, str]]
TIMEOUT = 120


def akhbar(
    *args: str, root: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "AKHBAR_ROOT": str(root), **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "akhbar.cli.main", *args],
        cwd=cwd or root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,  # a hang fails the test instead of blocking the run
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Three synthetic articles, one claim, two annotators: a corpus that validates clean."""
    articles = [article(index, SENTENCES[index]) for index in range(3)]
    claim, records = two_annotators(articles, "claim_0001", "tests")
    made = write_project(tmp_path / "project", articles, [claim], records)
    assert akhbar("validate", root=made.root).returncode == 0
    return made


def unchanged(snapshot: Snapshot, root: Path) -> dict[str, str]:
    """The project's files, without .akhbar/ (machine-local state such as the lock file)."""
    return {name: digest for name, digest in snapshot(root).items() if not name.startswith(".akhbar")}


def _one_file(folder: Path) -> Path:
    (path,) = sorted(folder.rglob("*.jsonl"))
    return path


def _append(path: Path, line: bytes) -> None:
    with path.open("ab") as handle:
        handle.write(line)


def _replace_first(path: Path, record: dict[str, object]) -> None:
    """Write `record` as the file's first line, as a person or another tool would: json.dumps, not ours."""
    rest = path.read_bytes().splitlines(keepends=True)[1:]
    path.write_bytes(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(rest))


def malformed_article(project: Project) -> tuple[str, str]:
    path = sorted(project.articles.rglob("*.jsonl"))[0]
    _append(path, b'{"id": "broken\n')
    number = len(path.read_bytes().splitlines())
    return f"{os.path.relpath(path, project.root)}:{number}", "json-syntax"


def decimal_offsets(project: Project) -> tuple[str, str]:
    path = _one_file(project.annotations / "entities")
    record = json.loads(path.read_bytes().splitlines()[0])
    span = record["spans"][0]
    span["start"], span["end"] = float(span["start"]), float(span["end"])
    _replace_first(path, record)
    return f"{os.path.relpath(path, project.root)}:1", "span-offsets"


def claim_missing(project: Project) -> tuple[str, str]:
    path = _one_file(project.targets)
    record = json.loads(path.read_bytes().splitlines()[0])
    del record["claim"]
    _replace_first(path, record)
    return f"{os.path.relpath(path, project.root)}:1", "schema"


def deeply_nested(project: Project) -> tuple[str, str]:
    path = sorted(project.articles.rglob("*.jsonl"))[0]
    record = json.loads(path.read_bytes().splitlines()[0])
    deep: object = "x"
    for _ in range(256):
        deep = {"a": deep}
    record["author"] = deep
    _replace_first(path, record)
    return f"{os.path.relpath(path, project.root)}:1", "json-depth"


# Nothing listens on this address: the commands must refuse the data before they try to connect.
NO_SERVER = {"LABEL_STUDIO_URL": "http://127.0.0.1:9", "LABEL_STUDIO_API_KEY": "unused"}
COMMANDS = {
    "validate": ["validate"],
    "verify": ["verify"],
    "document --check": ["document", "--check"],
    "agreement": ["agreement"],
    "release": ["release", "--version", "0.1.0", "--allow-synthetic", "--no-near-duplicates"],
    "labelstudio push": ["labelstudio", "push"],
    "labelstudio pull": ["labelstudio", "pull"],
    "labelstudio review": ["labelstudio", "review"],
}
BREAKAGES = {
    "malformed line": malformed_article,
    "offsets 5.0": decimal_offsets,
    "target without claim": claim_missing,
    "nested 256 deep": deeply_nested,
}
CASES = [(command, "malformed line") for command in COMMANDS] + [
    (command, breakage)
    for breakage in ("offsets 5.0", "target without claim", "nested 256 deep")
    for command in ("validate", "verify", "agreement", "release", "labelstudio push")
]


@pytest.mark.slow
@pytest.mark.parametrize(("command", "breakage"), CASES)
def test_bad_data_is_a_finding_and_exit_1_in_every_command(
    command: str, breakage: str, project: Project, snapshot: Snapshot
) -> None:
    where, rule = BREAKAGES[breakage](project)
    before = unchanged(snapshot, project.root)
    result = akhbar(*COMMANDS[command], root=project.root, env=NO_SERVER)
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert any(where in line and f"error {rule}" in line for line in output.splitlines()), output
    assert unchanged(snapshot, project.root) == before


def test_decimal_offsets_and_deep_values_are_findings_of_their_own(project: Project) -> None:
    decimal_offsets(project)
    deeply_nested(project)
    result = akhbar("validate", "--format", "json", root=project.root)
    rules = json.loads(result.stdout)["by_rule"]
    assert rules.get("span-offsets") == 2 and rules.get("json-depth") == 1, rules


def test_validate_json_holds_to_max_findings(project: Project) -> None:
    path = sorted(project.articles.rglob("*.jsonl"))[0]
    for index in range(6):
        _append(path, b'{"id": "broken' + str(index).encode() + b"\n")
    result = akhbar("validate", "--format", "json", "--max-findings", "2", root=project.root)
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert len(report["findings"]) == 2
    assert report["more_findings"] == report["errors"] + report["warnings"] - 2
    assert report["by_rule"]["json-syntax"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["release", "--version", "0.1.0", "--rows-per-file", "0"], "must be at least 1, not 0"),
        (["release", "--version", "0.1.0", "--rows-per-file", "-5"], "must be at least 1, not -5"),
        (
            ["release", "--version", "0.1.0", "--date", "garbage"],
            "'garbage' is not a date written YYYY-MM-DD",
        ),
        (["release", "--version", "0.1.0", "--date", "2025-02-30"], "is not a date written YYYY-MM-DD"),
        (["ingest", "--encoding", "nosuch", "x.txt"], "'nosuch' is not a text encoding"),
        (["ingest", "--encoding", "base64", "x.txt"], "'base64' is not a text encoding"),
        (["agreement", "--json", "no/such/folder/x.json"], "the folder no/such/folder does not exist"),
        (
            ["ingest", "--report", "no/such/folder/r.json", "x.txt"],
            "the folder no/such/folder does not exist",
        ),
        (["ingest", "--fix-rules", "text-nosuch", "x.txt"], "--fix-rules takes some of"),
        (["ingest", "x.zip"], "cannot tell the format of the input"),
    ],
)
def test_options_are_checked_before_any_work(
    args: list[str], message: str, project: Project, snapshot: Snapshot
) -> None:
    (project.root / "x.txt").write_text("عنوان\nنص", "utf-8")
    (project.root / "x.zip").write_bytes(b"")
    before = unchanged(snapshot, project.root)
    result = akhbar(*args, root=project.root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert unchanged(snapshot, project.root) == before
    assert not (project.root / "no").exists()


def test_a_fifo_named_jsonl_is_refused_not_opened(project: Project) -> None:
    fifo = project.articles / "akhbar" / "pipe.jsonl"
    os.mkfifo(fifo)
    result = akhbar("validate", root=project.root)
    assert result.returncode == 2
    assert "pipe.jsonl: error file-io cannot read: not a regular file (a FIFO)" in result.stdout
    text = project.root / "new.txt"
    text.write_text("عنوان\nقال المتحدث إن الفريق وصل.\n", "utf-8")
    ingested = akhbar(
        "ingest", "--collection", "akhbar", "--source", "synthetic", str(text), root=project.root
    )
    assert ingested.returncode == 2
    assert "not a regular file (a FIFO); not read" in ingested.stderr
    assert "pipe.jsonl" in ingested.stderr


def test_a_fifo_among_the_inputs_is_skipped_not_opened(project: Project, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    os.mkfifo(inputs / "feed.jsonl")
    result = akhbar("ingest", "--collection", "akhbar", str(inputs), "--dry-run", root=project.root)
    assert result.returncode == 0, result.stderr
    assert "not a regular file (a FIFO, a folder or a device)" in result.stdout


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_text_saved_on_windows_or_old_macs_is_ingested_with_plain_line_ends(
    line_end: str, project: Project, tmp_path: Path
) -> None:
    text = tmp_path / "windows_0001.txt"
    lines = ["عنوان تجريبي", SENTENCES[0], SENTENCES[1]]
    text.write_bytes(line_end.join(lines).encode("utf-8") + line_end.encode())
    result = akhbar(
        "ingest", "--collection", "akhbar", "--source", "synthetic", "--fix", str(text), root=project.root
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "added 1" in result.stdout, result.stdout
    records = {
        record["id"]: record for path in project.articles.rglob("*.jsonl") for _, record in jsonl.read(path)
    }
    added = records["windows_0001"]
    assert (added["title"], added["text"]) == (lines[0], "\n".join(lines[1:]))


def test_fix_is_a_flag_that_does_not_eat_the_path(project: Project, tmp_path: Path) -> None:
    text = tmp_path / "fixed_0001.txt"
    novel = SENTENCES[2] + " " + SENTENCES[0]
    text.write_text("عنوان\n" + novel.replace("سالم", "سـالم") + "\n", "utf-8")
    result = akhbar(
        "ingest",
        "--format",
        "text",
        "--source",
        "synthetic",
        "--collection",
        "akhbar",
        "--fix",
        str(text),
        root=project.root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "added 1" in result.stdout and "text-tatweel" in result.stdout
    only = akhbar(
        "ingest",
        "--source",
        "synthetic",
        "--collection",
        "akhbar",
        "--fix-rules",
        "text-not-nfc",
        str(text),
        "--dry-run",
        root=project.root,
    )
    assert only.returncode == 0, only.stderr


def test_the_format_is_inferred_where_the_paths_say_it(project: Project, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    jsonl.write(feed, [article(7, SENTENCES[1] + " " + SENTENCES[2])])
    result = akhbar("ingest", "--collection", "akhbar", str(feed), "--dry-run", root=project.root)
    assert result.returncode == 0, result.stderr
    assert "read 1 items" in result.stdout
    (tmp_path / "x.txt").write_text("عنوان\nنص\n", "utf-8")
    mixed = akhbar("ingest", "--collection", "akhbar", str(feed), str(tmp_path / "x.txt"), root=project.root)
    assert mixed.returncode == 2 and "give --format" in mixed.stderr


@pytest.mark.slow
def test_every_help_says_what_the_command_writes() -> None:
    from akhbar.cli.main import _command_modules

    subcommands = {
        "labelstudio": ["install", "up", "down", "status", "push", "pull", "review"],
        "model": ["train", "predict", "evaluate"],
        "stance": ["pairs"],
    }
    for command in _command_modules():
        for words in [[command]] + [[command, sub] for sub in subcommands.get(command, [])]:
            result = subprocess.run(
                [sys.executable, "-m", "akhbar.cli.main", *words, "--help"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=True,
            )
            text = " ".join(result.stdout.split()).lower()
            assert "writes" in text or "removes" in text, (words, result.stdout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_push_to_a_port_where_nothing_listens_says_it_cannot_connect(project: Project) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    result = akhbar(
        "labelstudio", "push", root=project.root, env={"LABEL_STUDIO_URL": url, "LABEL_STUDIO_API_KEY": "k"}
    )
    assert result.returncode == 2
    assert f"cannot connect to Label Studio at {url}" in result.stderr
    assert "stopped answering" not in result.stderr


FULL_DISK = {
    # ENOSPC from every fsync: how a full disk shows with delayed allocation, on the staged corpus files.
    "ingest": (
        ["trace=fsync,fdatasync", "inject=fsync,fdatasync:error=ENOSPC"],
        ["ingest", "--collection", "akhbar", "--source", "synthetic"],
    ),
    # ENOSPC from SQLite's writes (pwrite) after the first (the lock file's): the release index.
    "release": (
        ["trace=pwrite64", "inject=pwrite64:error=ENOSPC:when=2+"],
        ["release", "--version", "0.1.0", "--allow-synthetic", "--no-near-duplicates"],
    ),
}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace for fault injection")
@pytest.mark.parametrize("command", sorted(FULL_DISK))
def test_a_full_disk_is_a_message_not_a_traceback(
    command: str, project: Project, tmp_path: Path, snapshot: Snapshot
) -> None:
    """A full disk, injected by strace into the command's writes: exit 2, a message, the project as it was."""
    text = tmp_path / "full_0001.txt"
    text.write_text("عنوان\n" + SENTENCES[1] + "\n" + SENTENCES[2] + "\n", "utf-8")
    before = unchanged(snapshot, project.root)
    faults, args = FULL_DISK[command]
    strace = ["strace", "-f", "-qq", "-o", "/dev/null", *(word for fault in faults for word in ("-e", fault))]
    result = subprocess.run(
        [
            *strace,
            sys.executable,
            "-m",
            "akhbar.cli.main",
            *args,
            *([str(text)] if command == "ingest" else []),
        ],
        env={**os.environ, "AKHBAR_ROOT": str(project.root)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if result.returncode != 0 and "akhbar" not in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()}")
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert "No space left on device" in result.stderr or "disk is full" in result.stderr, result.stderr
    assert unchanged(snapshot, project.root) == before


def test_release_settings_refuse_a_row_count_below_1() -> None:
    from akhbar.errors import UsageError
    from akhbar.release.settings import Settings

    for rows in (0, -5):
        with pytest.raises(UsageError, match="at least 1"):
            Settings(rows_per_file=rows)


def test_ingest_skips_an_input_record_nested_too_deep(project: Project, tmp_path: Path) -> None:
    record = article(8, SENTENCES[0] + " " + SENTENCES[2])
    deep: object = "x"
    for _ in range(256):
        deep = {"a": deep}
    record["author"] = deep
    feed = tmp_path / "deep.jsonl"
    feed.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    result = akhbar("ingest", "--collection", "akhbar", str(feed), root=project.root)
    assert result.returncode == 0, result.stderr
    assert "skipped 1" in result.stdout and "json-depth" in result.stdout, result.stdout
