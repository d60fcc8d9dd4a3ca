"""The figures that describe the current release, read from data/ (manifest and the articles config).

Texts are read one Parquet batch at a time and only their lengths are kept, so memory grows with the
number of articles, not with the size of their texts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.release import manifest as manifests
from akhbar.release.settings import SPLITS

_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}")
UNKNOWN = "unknown"
BATCH = 10_000


@dataclass(frozen=True)
class ReleaseStats:
    version: str
    date: str
    rows: dict[str, dict[str, int]]  # config -> split -> rows
    articles: int
    synthetic: int
    by_source_month: dict[str, dict[str, int]]  # source -> YYYY-MM (or "unknown") -> articles
    characters: tuple[int, ...]  # length of each article text in code points, sorted
    words: tuple[int, ...]  # whitespace-separated words of each article text, sorted
    entity_labels: dict[str, dict[str, int]]  # type -> split -> released spans (articles config)
    stance_labels: dict[str, dict[str, int]]  # label -> split -> released (article, claim) pairs
    report: dict[str, Any]  # the release's own account of what it left out and why

    @property
    def months(self) -> list[str]:
        found = {month for by_month in self.by_source_month.values() for month in by_month}
        return sorted(found - {UNKNOWN}) + ([UNKNOWN] if UNKNOWN in found else [])


def current_manifest(project: Project, data: Path | None = None) -> dict[str, Any]:
    """The manifest of the release in `data` (default: the project's data/)."""
    data = data or project.data
    found = manifests.read(data)
    if found is None:
        raise UsageError(f"no release in {data} (data/manifest.json); run `akhbar release` first")
    return found


def release_stats(
    project: Project,
    scheme_entities: tuple[str, ...],
    scheme_stance: tuple[str, ...],
    data: Path | None = None,
) -> ReleaseStats:
    """The figures of the release in `data` (default: the project's data/; a release stages its own
    elsewhere and documents it before moving it into place)."""
    data = data or project.data
    manifest = current_manifest(project, data)
    by_source_month: dict[str, Counter[str]] = {}
    characters: list[int] = []
    words: list[int] = []
    for relative in sorted(manifest["files"]):
        if not relative.startswith("data/articles/"):
            continue
        parquet = pq.ParquetFile(data / relative.removeprefix("data/"))  # manifest paths start with data/
        for batch in parquet.iter_batches(columns=["source", "published", "text"], batch_size=BATCH):
            sources, published = batch.column("source").to_pylist(), batch.column("published").to_pylist()
            for source, date in zip(sources, published, strict=True):
                month = date[:7] if date and _MONTH.match(date) else UNKNOWN
                by_source_month.setdefault(source or UNKNOWN, Counter())[month] += 1
            text = batch.column("text")
            characters += pc.utf8_length(text).to_pylist()
            words += pc.list_value_length(pc.utf8_split_whitespace(text)).to_pylist()
    labels = manifest["labels"].get("articles", {})

    def counts(prefix: str, names: tuple[str, ...]) -> dict[str, dict[str, int]]:
        return {
            name: {split: labels.get(split, {}).get(f"{prefix}:{name}", 0) for split in SPLITS}
            for name in names
        }

    return ReleaseStats(
        version=manifest["version"],
        date=manifest["date"],
        rows=manifest["rows"],
        articles=manifest["report"]["articles"],
        synthetic=manifest["report"]["synthetic_articles"],
        by_source_month={
            source: dict(sorted(months.items())) for source, months in sorted(by_source_month.items())
        },
        characters=tuple(sorted(characters)),
        words=tuple(sorted(words)),
        entity_labels=counts("entity", scheme_entities),
        stance_labels=counts("stance", scheme_stance),
        report=manifest["report"],
    )


def summary(values: tuple[int, ...]) -> dict[str, float] | None:
    """Minimum, quartiles, mean and maximum; None for no values."""
    if not values:
        return None
    array = np.array(values)
    return {
        "min": int(array.min()),
        "p25": float(np.percentile(array, 25)),
        "median": float(np.median(array)),
        "p75": float(np.percentile(array, 75)),
        "mean": float(array.mean()),
        "max": int(array.max()),
    }
