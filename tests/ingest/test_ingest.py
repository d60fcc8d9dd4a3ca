"""Ingest into temporary projects: outcomes, reasons, repairs, idempotence, what an interruption leaves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from akhbar import jsonl
from akhbar.corpus import iter_articles
from akhbar.errors import UsageError
from akhbar.ingest import ingest
from akhbar.ingest.adapters import Item, read_jsonl, read_saudinewsnet, read_text_files
from akhbar.paths import Project
from akhbar.registry import read_registry
from akhbar.validate import validate_paths

Snapshot = Callable[[Path], dict[str, str]]
COLLECTIONS = read_registry(
    Path(__file__).resolve().parents[2] / "corpus" / "collections" / "collections.jsonl"
)
SEED, OWN, SNN = COLLECTIONS["shafaqnews"], COLLECTIONS["akhbar"], COLLECTIONS["saudinewsnet"]
TITLE = "عنوان تجريبي"
BODY = "قال المتحدث باسم وزارة الصحة في بغداد إن الفريق الطبي وصل يوم الأحد.\nوأضاف أن الرحلة تأخرت."


def stored(project: Project) -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in iter_articles(project)}


def write_text(folder: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_bytes(content.encode(encoding))
    return path


def test_the_seed_ingested_twice_is_added_once_exactly_as_given(
    tmp_project: Project, need_shared: Callable[..., Path], snapshot: Snapshot
) -> None:
    files = sorted(need_shared("seed").glob("*.txt"))
    first = ingest(read_text_files(files, source="shafaqnews", collection=SEED), tmp_project)
    assert first.outcomes == {"added": len(files)}
    for path in files:
        title, _, body = path.read_text("utf-8").partition("\n")
        article = stored(tmp_project)[path.stem]
        assert (article["title"], article["text"]) == (title, body)
        assert article["provenance"]["adapter"] == "text"
        assert article["provenance"]["source_file"] == path.name
        assert article["synthetic"] is False
    before = snapshot(tmp_project.corpus)
    second = ingest(read_text_files(files, source="shafaqnews", collection=SEED), tmp_project)
    assert second.outcomes == {"unchanged": len(files)}
    assert snapshot(tmp_project.corpus) == before
    assert validate_paths(project=tmp_project).errors == 0


def test_a_text_file_is_added_once_and_validates(
    tmp_project: Project, tmp_path: Path, snapshot: Snapshot
) -> None:
    path = write_text(tmp_path / "in", "syn-0001", f"{TITLE}\r\n{BODY}\n")
    report = ingest(read_text_files([path], source="synthetic", collection=OWN), tmp_project)
    assert report.outcomes == {"added": 1}
    assert report.files == {"corpus/articles/akhbar/synthetic.jsonl": 1}
    article = stored(tmp_project)["syn-0001"]
    assert (article["title"], article["text"], article["source"]) == (TITLE, BODY, "synthetic")
    assert (article["kind"], article["collection"], article["license"]) == ("article", "akhbar", "CC-BY-4.0")
    assert article["attribution"] == OWN["attribution"]  # the project's own collection names no outlet
    before = snapshot(tmp_project.corpus)
    assert ingest(read_text_files([path], source="synthetic", collection=OWN), tmp_project).outcomes == {
        "unchanged": 1
    }
    assert snapshot(tmp_project.corpus) == before
    assert validate_paths(project=tmp_project).findings == []


def test_a_windows_1256_text_file_is_skipped_with_its_encoding_named_unless_given(
    tmp_project: Project, tmp_path: Path
) -> None:
    path = write_text(tmp_path / "in", "syn-0002", f"{TITLE}\n{BODY}", encoding="cp1256")
    report = ingest(read_text_files([path], source="synthetic", collection=OWN), tmp_project)
    assert report.outcomes == {"skipped": 1}
    assert report.reasons == {"file-encoding": 1}
    assert "windows-1256" in report.examples["file-encoding"][0]
    report = ingest(
        read_text_files([path], source="synthetic", collection=OWN, encoding="cp1256"), tmp_project
    )
    assert report.outcomes == {"added": 1}
    assert stored(tmp_project)["syn-0002"]["text"] == BODY


def test_outcomes_and_reasons_are_counted_and_each_item_has_one(
    tmp_project: Project, tmp_path: Path, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    base = synthetic_article(1, source="synthetic")
    jsonl.write(tmp_project.articles / "synthetic.jsonl", [base])
    items = [
        synthetic_article(2, text="نص جديد تماما عن الطقس."),  # added
        synthetic_article(1, text=base["text"]),  # unchanged
        synthetic_article(3, text="  " + base["text"].replace("الطبي", "الطبـي") + "\n"),  # duplicate
        synthetic_article(1, text="نص آخر بالمعرف نفسه."),  # id-conflict
        synthetic_article(4, text=" "),  # text-empty
        synthetic_article(5, text="نص \ufed7\ufe8e\ufedd"),  # presentation form
        synthetic_article(6, text="عم\u0651\u064eان"),  # not NFC
        synthetic_article(7, id="../escape"),  # schema
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(jsonl.dumps(item) for item in items) + b"{not json\n[1]\n")
    report = ingest(read_jsonl([path], source=None, collection=OWN), tmp_project)
    assert report.outcomes == {"added": 1, "unchanged": 1, "duplicate": 1, "skipped": 7}
    assert report.read == 10
    assert report.reasons == {
        "id-conflict": 1,
        "text-empty": 1,
        "text-presentation-form": 1,
        "text-not-nfc": 1,
        "schema": 1,
        "json-syntax": 2,
    }
    assert report.examples["duplicate"] == [f"{path}:3: same text as syn_0001"]
    assert sorted(stored(tmp_project)) == ["syn_0001", "syn_0002"]
    assert stored(tmp_project)["syn_0001"]["text"] == base["text"]  # never rewritten
    assert stored(tmp_project)["syn_0002"]["provenance"]["adapter"] == "jsonl"
    lines = "\n".join(report.lines())
    assert lines.startswith("read 10 items: added 1, unchanged 1, duplicate 1, skipped 7")
    assert "skipped      2  json-syntax" in lines
    assert json.loads(json.dumps(report.to_dict()))["outcomes"]["skipped"] == 7


def test_repairs_apply_only_when_asked_and_are_recorded(
    tmp_project: Project, tmp_path: Path, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    broken = synthetic_article(1, text="قال \ufed7\ufe8e\ufedd حصـرا", title="\u200fعنوان")
    path = tmp_path / "in.jsonl"
    jsonl.write(path, [broken])
    assert ingest(read_jsonl([path], source=None, collection=OWN), tmp_project).reasons == {
        "text-presentation-form": 1
    }
    only_tatweel = ingest(
        read_jsonl([path], source=None, collection=OWN),
        tmp_project,
        fixes=frozenset({"text-tatweel"}),
        apply_fixes=True,
    )
    assert only_tatweel.reasons == {"text-presentation-form": 1}
    report = ingest(read_jsonl([path], source=None, collection=OWN), tmp_project, apply_fixes=True)
    assert report.outcomes == {"added": 1}
    assert report.fixes == {"text-presentation-form": 1, "text-tatweel": 1, "text-bidi-control": 1}
    article = stored(tmp_project)["syn_0001"]
    assert (article["title"], article["text"]) == ("عنوان", "قال قال حصرا")
    assert article["provenance"]["fixes"] == ["text-bidi-control", "text-presentation-form", "text-tatweel"]
    assert validate_paths(project=tmp_project).findings == []


def test_a_dry_run_writes_nothing(
    tmp_project: Project, tmp_path: Path, snapshot: Snapshot, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    path = tmp_path / "in.jsonl"
    jsonl.write(path, [synthetic_article(index) for index in range(3)])
    before = snapshot(tmp_project.root)
    report = ingest(read_jsonl([path], source=None, collection=OWN), tmp_project, dry_run=True)
    assert report.outcomes == {"added": 3}
    assert snapshot(tmp_project.root) == before


def test_new_articles_merge_in_id_order_even_after_a_last_line_without_its_end(
    tmp_project: Project, tmp_path: Path, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    existing = [synthetic_article(index, text=f"نص رقم {index} عن الطقس.") for index in (2, 5)]
    (tmp_project.articles / "akhbar").mkdir()
    (tmp_project.articles / "akhbar" / "synthetic.jsonl").write_bytes(
        b"".join(jsonl.dumps(a) for a in existing)[:-1]
    )
    path = tmp_path / "in.jsonl"
    jsonl.write(path, [synthetic_article(index, text=f"نص رقم {index} عن الطقس.") for index in (6, 1, 3)])
    assert ingest(read_jsonl([path], source=None, collection=OWN), tmp_project).outcomes == {"added": 3}
    lines = (tmp_project.articles / "akhbar" / "synthetic.jsonl").read_bytes().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [
        "syn_0001",
        "syn_0002",
        "syn_0003",
        "syn_0005",
        "syn_0006",
    ]
    assert validate_paths(project=tmp_project).findings == []


def test_a_broken_corpus_is_a_usage_error_and_stays_as_it_is(
    tmp_project: Project, tmp_path: Path, snapshot: Snapshot, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    (tmp_project.articles / "synthetic.jsonl").write_text('{"id": "x", "text": ', "utf-8")
    before = snapshot(tmp_project.corpus)
    path = tmp_path / "in.jsonl"
    jsonl.write(path, [synthetic_article(1)])
    with pytest.raises(UsageError, match=r"synthetic\.jsonl:1: error json-syntax malformed JSON"):
        ingest(read_jsonl([path], source=None, collection=OWN), tmp_project)
    assert snapshot(tmp_project.corpus) == before


def test_a_failure_midway_leaves_the_corpus_as_it_was(
    tmp_project: Project, snapshot: Snapshot, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    jsonl.write(tmp_project.articles / "synthetic.jsonl", [synthetic_article(0)])
    before = snapshot(tmp_project.corpus)

    def failing() -> Iterator[Item]:
        for index in range(1, 50):
            yield f"item {index}", synthetic_article(index, text=f"نص رقم {index} عن الطقس.")
        raise RuntimeError("the source went away")

    with pytest.raises(RuntimeError, match="went away"):
        ingest(failing(), tmp_project)
    assert snapshot(tmp_project.corpus) == before  # no staging folder left either


def test_staging_left_by_a_killed_ingest_is_removed_by_the_next(
    tmp_project: Project, tmp_path: Path, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    """Staging without a journal, found under the lock: its writer died before its commit point."""
    stale = tmp_project.state / "txn-4194304-abc" / "scratch" / "runs"
    stale.mkdir(parents=True)
    (stale / "synthetic.jsonl.0.run").write_bytes(b"half")
    path = tmp_path / "in.jsonl"
    jsonl.write(path, [synthetic_article(1)])
    ingest(read_jsonl([path], source=None, collection=OWN), tmp_project)
    assert not list(tmp_project.state.glob("txn-*"))


def test_progress_is_shown_when_asked(
    tmp_project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    synthetic_article: Callable[..., dict],
) -> None:
    path = tmp_path / "in.jsonl"
    jsonl.write(path, [synthetic_article(1)])
    ingest(read_jsonl([path], source=None, collection=OWN), tmp_project, progress=True)
    assert "ingest: " in capsys.readouterr().err


def _interruptible() -> None:
    """In the child: SIGINT back to its default. A shell starts a background job with SIGINT ignored (CI may
    run the suite so), a program started so keeps ignoring it (Python then installs no KeyboardInterrupt),
    and this test plays the user's Ctrl-C on a command in the foreground."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ingest_from_fifo(
    project: Project, tmp_path: Path, lines: list[bytes], stop: signal.Signals
) -> tuple[int, str]:
    """Start `akhbar ingest` on a named pipe, feed it lines, then stop it while it waits for more."""
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "akhbar.cli.main",
            "ingest",
            "--format",
            "jsonl",
            "--collection",
            "akhbar",
            str(fifo),
        ],
        env={**os.environ, "AKHBAR_ROOT": str(project.root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    with fifo.open("wb") as feed:
        feed.writelines(lines)
        feed.flush()
        deadline = time.monotonic() + 60
        while not list(project.state.glob("txn-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # let it read what was fed; the pipe stays open, so it waits for more
        assert process.poll() is None
        process.send_signal(stop)
        try:
            _, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            # Say what the process did with its signals and where it waited, and leave no process behind
            # for later tests (its open pipes would fail the next test).
            status = Path(f"/proc/{process.pid}/status").read_text()
            signals = [line for line in status.splitlines() if line.startswith(("State", "Threads", "Sig"))]
            waiting = Path(f"/proc/{process.pid}/wchan").read_text()
            process.kill()
            _, stderr = process.communicate()
            pytest.fail(f"ingest still running 60 s after {stop.name}: {signals}, wchan {waiting}; {stderr}")
    return process.returncode, stderr


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_an_interrupted_or_killed_ingest_leaves_every_corpus_file_as_it_was(
    stop: signal.Signals,
    tmp_project: Project,
    tmp_path: Path,
    snapshot: Snapshot,
    synthetic_article: Callable[..., dict[str, Any]],
) -> None:
    jsonl.write(tmp_project.articles / "synthetic.jsonl", [synthetic_article(0)])
    before = snapshot(tmp_project.corpus)
    lines = [
        jsonl.dumps(synthetic_article(index, text=f"نص رقم {index} عن الطقس.")) for index in range(1, 2000)
    ]
    code, stderr = _ingest_from_fifo(tmp_project, tmp_path, lines, stop)
    assert "Traceback" not in stderr
    assert snapshot(tmp_project.corpus) == before
    if stop is signal.SIGINT:
        assert code == 130
        assert "interrupted; nothing was half-written" in stderr
        assert not list(tmp_project.state.glob("txn-*"))
    else:
        assert code == -signal.SIGKILL
        assert list(tmp_project.state.glob("txn-*"))  # what the next writer removes


def _snn_zip(folder: Path, name: str, items: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}.json", json.dumps(items, ensure_ascii=False))
    return path


def test_the_saudinewsnet_layout_is_read_without_guessing(tmp_project: Project, tmp_path: Path) -> None:
    """A synthetic file in the SaudiNewsNet layout: crawl time is not a publication date, empty is unknown."""
    item = {
        "source": "Synthetic",
        "url": "http://example.invalid/أخبار/1",
        "date_extracted": "2015-07-21 05:18:17",
        "title": "",
        "author": " ",
        "content": BODY,
    }
    folder = tmp_path / "snn"
    _snn_zip(
        folder, "2015-07-21", [item, {**item, "url": "http://example.invalid/2"}, {"title": "no content"}]
    )
    _snn_zip(folder, "2015-07-22", {"not": "an array"})
    (folder / "2015-07-23.zip").write_bytes(b"not a zip")
    report = ingest(read_saudinewsnet([folder], collection=SNN), tmp_project)
    assert report.outcomes == {"added": 1, "duplicate": 1, "skipped": 3}
    assert report.reasons == {"no-content": 1, "unreadable": 2}
    (article,) = stored(tmp_project).values()
    assert article["id"].startswith("snn-synthetic-")
    assert (article["title"], article["author"], article["published"]) == (None, None, None)
    assert article["url"] == item["url"]
    assert article["text"] == BODY
    assert article["provenance"]["crawled_at"] == "2015-07-21T05:18:17"
    assert article["provenance"]["source_file"] == "2015-07-21.zip"
    assert (article["collection"], article["license"]) == ("saudinewsnet", "CC-BY-NC-SA-4.0")
    assert (
        article["attribution"] == "SaudiNewsNet (Mazen Abdulaziz, 2015), CC BY-NC-SA 4.0; article © synthetic"
    )
    assert report.files == {"corpus/articles/saudinewsnet/synthetic.jsonl": 1}
    assert validate_paths(project=tmp_project).findings == []
