"""Small corpora for the Label Studio tests: the real seed article and its claims, plus synthetic articles."""

from __future__ import annotations

import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from akhbar import jsonl
from akhbar.labelstudio import server as local
from akhbar.labelstudio.client import Connection
from akhbar.paths import Project
from akhbar.registry import OWN_TERMS
from synthetic import synthetic_article as make_synthetic_article
from synthetic_project import copy_registry

REPO = Project(Path(__file__).resolve().parents[2])
SEED_ID = "000_161695620a18e1a3"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    home: Project
    server: local.Server
    port: int
    url: str
    creds: local.Credentials

    def connection(self) -> Connection:
        return Connection(url=self.url, api_key=self.creds.api_key)

    def kill(self) -> None:
        """A crash, not a shutdown: SIGKILL to the server's process group."""
        local.down(self.server, force=True)

    def restart(self) -> None:
        started = local.up(self.server, port=self.port)
        assert started.url is not None
        self.url = started.url


def synthetic_article(article_id: str, text: str, title: str | None = None) -> dict[str, Any]:
    return make_synthetic_article(article_id, text, made_by="tests/labelstudio", title=title)


def make_project(
    root: Path,
    articles: list[dict[str, Any]],
    targets: list[dict[str, Any]] | None = None,
    *,
    seed: bool = True,
) -> Project:
    """A corpus in `root`: the real seed article and its claims (when `seed`), plus the given records."""
    project = Project(root)
    shutil.copytree(REPO.schema, project.schema)
    copy_registry(project)
    records = list(articles)
    claims = list(targets or [])
    if seed:
        records += [record for _, record in jsonl.read(REPO.articles / "shafaqnews" / "shafaqnews.jsonl")]
        claims += [record for _, record in jsonl.read(REPO.targets / "claims.jsonl")]
    by_source: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_source.setdefault(record["source"], []).append(record)
    for source, items in by_source.items():
        jsonl.write(project.articles / f"{source}.jsonl", sorted(items, key=lambda item: item["id"]))
    jsonl.write(project.targets / "claims.jsonl", sorted(claims, key=lambda item: item["id"]))
    for layer in ("entities", "stance"):
        (project.annotations / layer).mkdir(parents=True, exist_ok=True)
    return project


def seed_sentences() -> list[str]:
    (seed,) = [record["text"] for _, record in jsonl.read(REPO.articles / "shafaqnews" / "shafaqnews.jsonl")]
    return [line for line in seed.split("\n") if line.strip()]


def recombined(count: int, prefix: str = "syn") -> list[dict[str, Any]]:
    """Synthetic articles: the seed's paragraphs in rotated orders, numbered so that no two are equal."""
    lines = seed_sentences()
    articles = []
    for index in range(count):
        turn = index % len(lines)
        text = "\n".join([*lines[turn:], *lines[:turn], f"نص اصطناعي رقم {index}."])
        articles.append(synthetic_article(f"{prefix}-{index:04d}", text))
    return articles


# Crafted cases: names after astral characters (offsets are code points), a proclitic to leave out of a
# name, markup that must stay text.
EMOJI = synthetic_article("syn-emoji", "🇮🇶 قال 𝐀 إن وفدا من بغداد وصل صباح الخميس.", title="وفد 🇮🇶")
PROCLITIC = synthetic_article("syn-proclitic", "التقى الوزير بممثلين عن بغداد وأربيل في العاصمة.")
SCRIPT = synthetic_article(
    "syn-script",
    "<script>alert(1)</script> نص تجريبي فيه وسم برمجي يجب أن يظهر نصا.",
    title="<script>alert(1)</script>",
)
SYN_CLAIM = {
    "id": "syn-claim-1",
    "claim": "اتفقت بغداد وأربيل على خطة مشتركة.",
    "article_ids": ["syn-emoji", "syn-proclitic"],
    "origin": "synthetic claim written for the Label Studio tests",
    **OWN_TERMS,
}
