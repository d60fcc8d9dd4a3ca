"""Adapters turn an outside format into article records. They only read; they never guess metadata.

Each yields (origin, record or skip reason), where origin names the file and line or position, so
that every skipped input can be found again.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from akhbar import jsonl
from akhbar.registry import terms
from akhbar.validate.files import guess_encoding

Item = tuple[str, dict[str, Any] | str]
# A collection's record in corpus/collections/collections.jsonl (akhbar.registry.collection).
Collection = dict[str, Any]


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _provenance(adapter: str, source_file: Path, **extra: Any) -> dict[str, Any]:
    return {"adapter": adapter, "source_file": source_file.name, "ingested_at": now(), **extra}


def article(
    *,
    id: str,
    title: str | None,
    text: str,
    source: str | None,
    collection: Collection,
    provenance: dict[str, Any],
    url: str | None = None,
    published: str | None = None,
    author: str | None = None,
) -> dict[str, Any]:
    """A news article record of `collection`: its licence and attribution (with the outlet) come from the
    registry, never from the input."""
    return {
        "id": id,
        "kind": "article",
        **terms(collection, source),
        "title": title,
        "text": text,
        "source": source,
        "url": url,
        "published": published,
        "author": author,
        "language": "ar",
        "story_id": None,
        "synthetic": False,
        "provenance": provenance,
    }


def read_text_files(
    paths: list[Path], *, source: str | None, collection: Collection, encoding: str = "utf-8"
) -> Iterator[Item]:
    """The seed layout: first line the title, the other lines the body, id from the file name.

    The file's line ends (\\r\\n from Windows, \\r alone from old Macs) become \\n everywhere, title and
    body: they are a file-format detail, not text. The text is otherwise as given.
    """
    for path in paths:
        try:
            with jsonl.open_regular(path, streams=True) as handle:
                raw = handle.read()
        except OSError as error:
            yield str(path), f"unreadable: {error.strerror or error}"
            continue
        try:
            content = raw.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
        except UnicodeDecodeError:
            yield str(path), f"file-encoding: not UTF-8, looks like {guess_encoding(path)}; pass --encoding"
            continue
        title, _, body = content.replace("\r\n", "\n").replace("\r", "\n").partition("\n")
        yield (
            str(path),
            article(
                id=path.stem,
                title=title or None,
                text=body.rstrip("\n"),
                source=source,
                collection=collection,
                provenance=_provenance("text", path),
            ),
        )


def read_jsonl(paths: list[Path], *, source: str | None, collection: Collection) -> Iterator[Item]:
    """Records already in the corpus format; provenance, collection, licence and attribution are set anew
    (from the registry: an input never chooses its own terms), a missing kind is "article", everything
    else kept."""
    for path in paths:
        try:
            for number, record in jsonl.records(path, streams=True):
                origin = f"{path}:{number}"
                if isinstance(record, jsonl.LineError):
                    yield origin, f"{record.rule}: {record.message}"
                    continue
                record["provenance"] = _provenance("jsonl", path)
                if source and not record.get("source"):
                    record["source"] = source
                record.setdefault("kind", "article")
                source_id = record.get("source")
                record.update(terms(collection, source_id if isinstance(source_id, str) else None))
                yield origin, record
        except OSError as error:
            yield str(path), f"unreadable: {error.strerror or error}"


def _snn_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.rglob("*.zip")) + sorted(path.rglob("*.json"))
        else:
            found.append(path)
    return found


def _snn_arrays(path: Path) -> Iterator[tuple[str, Any]]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith(".json"):
                    yield f"{path}!{name}", orjson.loads(archive.read(name))
    else:
        yield str(path), orjson.loads(path.read_bytes())


def _known(value: Any) -> str | None:
    """A metadata value as given, or null when the source left it empty."""
    return value if isinstance(value, str) and value.strip() else None


def _field(value: Any) -> str | None:
    """A metadata field that is no text (an author, a URL): outer white space is the crawler's, trimmed."""
    known = _known(value)
    return known.strip() if known else None


def read_saudinewsnet(paths: list[Path], *, collection: Collection) -> Iterator[Item]:
    """SaudiNewsNet daily files: a JSON array of {source, url, date_extracted, title, author, content}.

    date_extracted is the crawl time, not the publication date: it goes to provenance.crawled_at and
    `published` stays null. Empty titles and authors are unknown, so null. One day is in memory at a time.
    """
    for path in _snn_files(paths):
        try:
            arrays = list(_snn_arrays(path))
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            yield str(path), f"unreadable: {error}"
            continue
        for name, items in arrays:
            if not isinstance(items, list):
                yield name, "unreadable: not a JSON array of articles"
                continue
            for index, item in enumerate(items):
                origin = f"{name}[{index}]"
                if not isinstance(item, dict) or not isinstance(item.get("content"), str):
                    yield origin, "no-content: the item has no text"
                    continue
                source = str(item.get("source") or "").strip().lower() or None
                url = _field(item.get("url"))
                identity = url or item["content"]
                digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
                crawled = item.get("date_extracted")
                yield (
                    origin,
                    article(
                        id=f"snn-{source or 'unknown'}-{digest}",
                        title=_known(item.get("title")),
                        text=item["content"],
                        source=source,
                        url=url,
                        author=_field(item.get("author")),
                        collection=collection,
                        provenance=_provenance(
                            "saudinewsnet",
                            path,
                            crawled_at=crawled.replace(" ", "T") if isinstance(crawled, str) else None,
                        ),
                    ),
                )


ADAPTERS = ("text", "jsonl", "saudinewsnet")
