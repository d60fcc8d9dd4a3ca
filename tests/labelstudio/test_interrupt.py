"""The server dies in the middle of a push and of a pull; after a restart a rerun loses, doubles nothing."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from labelstudio_helpers import LiveServer, make_project, recombined

from akhbar.errors import UsageError
from akhbar.labelstudio.client import Connection
from akhbar.labelstudio.pull import pull
from akhbar.labelstudio.push import push

pytestmark = pytest.mark.labelstudio


def article_ids(connection: Connection, project_id: int) -> Counter[str]:
    return Counter(
        task.data["article_id"] for task in connection.sdk.tasks.list(project=project_id, page_size=500)
    )


def corpus_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()
    }


def test_a_push_cut_between_batches_resumes_where_it_stopped(
    live: LiveServer, connection: Connection, tmp_path: Path
) -> None:
    articles = recombined(60, prefix="cut")
    project = make_project(tmp_path, articles, seed=False)

    def crash(layer: str, stored: int) -> None:
        if stored == 20:
            live.kill()

    try:
        with pytest.raises(
            UsageError, match="20 of 60 new entities tasks were stored before it; run push again"
        ):
            push(
                project=project,
                connection=connection,
                prefix="cut",
                layers=["entities"],
                batch_size=10,
                progress=False,
                after_batch=crash,
            )
    finally:
        live.restart()
    again = push(project=project, connection=connection, prefix="cut", layers=["entities"], progress=False)
    (layer,) = again.layers
    assert (layer.unchanged, layer.imported) == (20, 40)
    assert article_ids(connection, layer.project_id) == Counter(article["id"] for article in articles)


def test_a_push_cut_during_an_import_request_leaves_each_task_once(
    live: LiveServer, connection: Connection, tmp_path: Path
) -> None:
    """Killed while the server writes one large batch: stored whole or not at all, never twice."""
    articles = recombined(1500, prefix="mid")
    project = make_project(tmp_path, articles, seed=False)
    import_sent = threading.Event()
    journal = live.server.data / "label_studio.sqlite3-journal"

    class Watching(Connection):
        def http(self) -> httpx.Client:
            client = super().http()
            client.event_hooks["request"].append(
                lambda request: import_sent.set() if request.url.path.endswith("/import") else None
            )
            return client

    def kill_during_the_import() -> None:
        # SQLite's rollback journal exists exactly while a write transaction is open.
        if import_sent.wait(60):
            deadline = time.monotonic() + 30
            while not journal.exists() and time.monotonic() < deadline:
                time.sleep(0.001)
            live.kill()

    killer = threading.Thread(target=kill_during_the_import)
    killer.start()
    try:
        with Watching(url=connection.url, api_key=connection.api_key) as watching, pytest.raises(UsageError):
            push(
                project=project,
                connection=watching,
                prefix="mid",
                layers=["entities"],
                batch_size=1500,
                progress=False,
            )
    finally:
        killer.join()
        live.restart()
    again = push(project=project, connection=connection, prefix="mid", layers=["entities"], progress=False)
    (layer,) = again.layers
    assert (layer.unchanged, layer.imported) in ((0, 1500), (1500, 0))
    assert article_ids(connection, layer.project_id) == Counter(article["id"] for article in articles)


@pytest.mark.parametrize("cut_at", ["create export", "download"])
def test_a_pull_cut_by_a_crash_writes_nothing_and_a_rerun_gets_everything(
    live: LiveServer, connection: Connection, tmp_path: Path, cut_at: str
) -> None:
    articles = recombined(4, prefix=f"pc{len(cut_at)}")
    project = make_project(tmp_path, articles, seed=False)
    prefix = f"pull-cut-{len(cut_at)}"
    (layer,) = push(
        project=project, connection=connection, prefix=prefix, layers=["entities"], progress=False
    ).layers
    ls = connection.sdk
    for task in list(ls.tasks.list(project=layer.project_id))[:2]:
        text = task.data["text"]
        start = text.index("داعش")
        value = {"start": start, "end": start + 4, "text": "داعش", "labels": ["ORG"]}
        ls.annotations.create(
            id=task.id,
            result=[{"from_name": "entities", "to_name": "text", "type": "labels", "value": value}],
        )
    before = corpus_files(project.corpus)

    def cut(response: httpx.Response) -> None:
        request = response.request
        if (
            cut_at == "create export" and request.method == "POST" and request.url.path.endswith("/exports/")
        ) or (cut_at == "download" and request.url.path.endswith("/download")):
            live.kill()

    class Cutting(Connection):
        def http(self) -> httpx.Client:
            client = super().http()
            client.event_hooks["response"].append(cut)
            return client

    try:
        with (
            Cutting(url=connection.url, api_key=connection.api_key) as cutting,
            pytest.raises(
                UsageError,
                # the server died: the next request cannot connect (or an open one stops answering)
                match=r"while exporting project .*nothing was written; run pull again",
            ),
        ):
            pull(project=project, connection=cutting, prefix=prefix, layers=["entities"])
    finally:
        live.restart()
    assert corpus_files(project.corpus) == before
    (pulled,) = pull(project=project, connection=connection, prefix=prefix, layers=["entities"]).layers
    assert (pulled.added, pulled.updated, pulled.problems) == (2, 0, [])
    assert len(list((project.corpus / "exports").iterdir())) == 1
