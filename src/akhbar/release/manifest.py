"""The manifest of a release (data/manifest.json) and the history of every release (data/history/).

A manifest holds the version, the date, the corpus it was built from (commit and sha256 of every input
file), the settings, rows per config and split, label counts, the sha256 of every data file, what was
left out and why, and the changes from the previous release. Everything in it but `date` and `corpus`'s
commit is rebuilt and compared by `akhbar verify`.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pyarrow.parquet as pq

from akhbar import __version__
from akhbar.errors import UsageError
from akhbar.release.parquet import sha256_file
from akhbar.release.settings import CONFIGS, SPLITS

if TYPE_CHECKING:
    from akhbar.release.build import Built
    from akhbar.release.settings import Settings

MANIFEST = "manifest.json"
HISTORY = "history"
NAME = "akhbar"
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
LISTED = 20  # article ids listed in a changelog entry; the counts are complete


def parse_version(version: str) -> tuple[int, int, int]:
    match = _SEMVER.match(version)
    if not match:
        raise UsageError(
            f"--version takes a semantic version MAJOR.MINOR.PATCH such as 1.2.0; got {version!r}"
        )
    return int(match[1]), int(match[2]), int(match[3])


def check_version(version: str, previous: str | None) -> None:
    new = parse_version(version)
    if previous is not None and new <= parse_version(previous):
        raise UsageError(f"version {version} is not after the current release {previous}")


def check_previous(data: Path, version: str) -> dict[str, Any] | None:
    """The current release in `data` (None before the first), checked whole before release `version` is
    diffed against it: its manifest, every file the manifest lists with the listed sha256, and its history
    entry. A damaged release is refused with what is wrong and the way out (a lost Parquet file would
    count every article in it as added); so is a version not after the newest released, the history
    included (a lost manifest lets no lower version through)."""
    parse_version(version)
    released = [path.stem for path in (data / HISTORY).glob("*.json") if _SEMVER.match(path.stem)]
    way_out = (
        f"restore {data.name}/ as that release left it (in a checkout: `git checkout -- {data.name}`), "
        "then release again"
    )
    current = read(data)
    if current is None:
        parquet = sorted(data.rglob("*.parquet")) if data.is_dir() else []
        if parquet or released:
            held = (
                f"{len(parquet)} Parquet files ({parquet[0].relative_to(data.parent).as_posix()}, ...)"
                if parquet
                else f"the history of release {max(released, key=parse_version)}"
            )
            raise UsageError(
                f"{data.name}/{MANIFEST} is missing but {data.name}/ holds {held}: the previous release is "
                f"damaged; {way_out}"
            )
        return None
    name = current.get("version")
    files = current.get("files")
    if not isinstance(name, str) or not _SEMVER.match(name) or not isinstance(files, dict):
        raise UsageError(f"{data.name}/{MANIFEST} has no valid version or file list; {way_out}")
    problems = []
    for relative, expected in sorted(files.items()):
        path = data / str(relative).removeprefix("data/")
        if not path.is_file():
            problems.append(f"{relative} is missing")
        elif sha256_file(path) != expected:
            problems.append(f"{relative} is not the file released (its sha256 differs from the manifest's)")
    if name not in released:
        problems.append(f"{data.name}/{HISTORY}/{name}.json is missing")
    if problems:
        more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise UsageError(
            f"the previous release {name} in {data.name}/ is damaged: {'; '.join(problems[:3])}{more}; "
            f"{way_out}"
        )
    check_version(version, max([name, *released], key=parse_version))
    return current


def dumps(manifest: dict[str, Any]) -> bytes:
    return orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def read(data: Path) -> dict[str, Any] | None:
    path = data / MANIFEST
    if not path.is_file():
        return None
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise UsageError(f"{path}: not valid JSON ({error})") from error


def compose(
    *,
    version: str,
    date: str,
    corpus: dict[str, Any],
    settings: Settings,
    built: Built,
    changes: dict[str, Any],
) -> dict[str, Any]:
    import datasets
    import pyarrow

    return {
        "name": NAME,
        "version": version,
        "date": date,
        "corpus": corpus,
        "settings": settings.to_dict(),
        "tools": {"akhbar": __version__, "pyarrow": pyarrow.__version__, "datasets": datasets.__version__},
        "rows": built.rows,
        "labels": built.labels,
        "files": built.files,
        "bytes": built.sizes,
        "report": built.report,
        "changes": changes,
    }


def _previous_ids(data: Path, previous: dict[str, Any], db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE previous (id TEXT PRIMARY KEY)")
    for path in sorted(previous["files"]):
        if path.startswith("data/articles/"):
            source = data / path.removeprefix("data/")
            if source.is_file():
                for batch in pq.ParquetFile(source).iter_batches(columns=["id"], batch_size=10_000):
                    db.executemany(
                        "INSERT OR IGNORE INTO previous VALUES (?)",
                        ((i,) for i in batch.column(0).to_pylist()),
                    )


def _listed(db: sqlite3.Connection, rows: str) -> tuple[int, list[str]]:
    """How many ids a query selects, and the first LISTED of them."""
    count = db.execute(f"SELECT COUNT(*) {rows}").fetchone()[0]
    return count, [row[0] for row in db.execute(f"SELECT id {rows} ORDER BY id LIMIT {LISTED}")]


def changes(data: Path, previous: dict[str, Any] | None, built: Built, work: Path) -> dict[str, Any]:
    """Articles added and removed and label counts changed, against the release in `data`."""
    if previous is None:
        return {
            "previous": None,
            "articles_added": built.article_ids,
            "articles_removed": 0,
            "added_ids": [],
            "removed_ids": [],
            "labels": _label_delta({}, built.labels),
        }
    db = sqlite3.connect(work / "changes.sqlite")
    try:
        _previous_ids(data, previous, db)
        db.execute("ATTACH DATABASE ? AS current", (str(work / "index.sqlite"),))
        added, added_ids = _listed(db, "FROM current.articles WHERE id NOT IN (SELECT id FROM previous)")
        removed, removed_ids = _listed(db, "FROM previous WHERE id NOT IN (SELECT id FROM current.articles)")
    finally:
        db.close()
        (work / "changes.sqlite").unlink(missing_ok=True)
    return {
        "previous": previous["version"],
        "articles_added": added,
        "articles_removed": removed,
        "added_ids": added_ids,
        "removed_ids": removed_ids,
        "labels": _label_delta(previous.get("labels", {}), built.labels),
    }


def _totals(labels: dict[str, dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for config, by_split in labels.items():
        for counts in by_split.values():
            for label, count in counts.items():
                totals.setdefault(config, {}).setdefault(label, 0)
                totals[config][label] += count
    return totals


def _label_delta(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, list[int]]]:
    """config -> label -> [before, after], for the labels whose total count changed."""
    before, after = _totals(old), _totals(new)
    delta: dict[str, dict[str, list[int]]] = {}
    for config in CONFIGS:
        names = sorted(set(before.get(config, {})) | set(after.get(config, {})))
        for name in names:
            was, now = before.get(config, {}).get(name, 0), after.get(config, {}).get(name, 0)
            if was != now:
                delta.setdefault(config, {})[name] = [was, now]
    return delta


def write(out: Path, manifest: dict[str, Any], data: Path) -> None:
    """manifest.json in the new data folder, with the history of earlier releases carried over."""
    (out / MANIFEST).write_bytes(dumps(manifest))
    history = out / HISTORY
    if (data / HISTORY).is_dir():
        shutil.copytree(data / HISTORY, history)
    history.mkdir(exist_ok=True)
    (history / f"{manifest['version']}.json").write_bytes(dumps(manifest))


def history(data: Path) -> list[dict[str, Any]]:
    """Every release's manifest, newest first."""
    found = [orjson.loads(path.read_bytes()) for path in (data / HISTORY).glob("*.json")]
    return sorted(found, key=lambda m: parse_version(m["version"]), reverse=True)


def summary_lines(manifest: dict[str, Any]) -> list[str]:
    report = manifest["report"]
    lines = [f"release {manifest['version']} ({manifest['date']}): {report['articles']} articles"]
    for config in CONFIGS:
        counts = ", ".join(f"{split} {manifest['rows'][config][split]}" for split in SPLITS)
        lines.append(f"  {config}: {counts}")
    lines.append(
        f"  entity decisions {report['entity_decisions'] or '{}'}; "
        f"stance decisions {report['stance_decisions'] or '{}'}"
    )
    lines.append(
        f"  not released: {report['entities_not_released']['count']} entity annotations, "
        f"{report['stance_not_released']['count']} stance pairs (annotators disagree)"
    )
    lines.append(
        f"  skipped: {report['stale_annotations']['count']} annotations made on another text, "
        f"{report['annotations_of_unknown_articles']['count']} of unknown articles"
    )
    lines.append(
        f"  ner: {report['tokens_split_at_span_edges']} tokens split at span edges, "
        f"{report['nested_spans_not_in_ner']} nested and "
        f"{report['crossing_spans_not_in_ner']} crossing spans "
        "kept in articles only"
    )
    splits = report["splits"]
    placed = splits["assigned_now"] - splits["assigned_before"] + splits["dropped_for_removed_articles"]
    lines.append(
        f"  splits: {splits['assigned_before']} kept, {placed} newly "
        f"assigned; {splits['groups_of_two_or_more']} leakage groups of 2+ articles; "
        f"{splits['conflict_count']} conflicts"
    )
    return lines
