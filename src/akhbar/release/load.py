"""Load a release with `datasets.load_dataset`, as a researcher would, and summarize every split."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from datasets import load_dataset
from datasets.utils.logging import disable_progress_bar

from akhbar.document.card import declared_splits
from akhbar.release import manifest
from akhbar.release.features import class_label_paths
from akhbar.release.settings import CONFIGS, SPLITS


def _label_counts(rows: Any, config: str) -> Counter[str]:
    """Label names as `datasets` gives them back (ClassLabel int2str), counted."""
    counts: Counter[str] = Counter()
    feats = rows.features
    if config == "articles":
        names = feats["entities"].feature["label"]
        for row in rows:
            counts.update(f"entity:{names.int2str(span['label'])}" for span in row["entities"])
    elif config == "ner":
        names = feats["ner_tags"].feature
        for row in rows:
            counts.update(
                f"entity:{names.int2str(t)[2:]}" for t in row["ner_tags"] if names.int2str(t).startswith("B-")
            )
    else:
        names = feats["label"]
        counts.update(f"stance:{names.int2str(row['label'])}" for row in rows)
    return counts


def summarize(root: Path, *, cache_dir: Path | None = None) -> list[str]:
    """One line per config and split: rows, label counts and the ClassLabel names, as loaded, then its rows
    per collection with their licence terms.

    A split with no rows is not declared in the card (datasets 5.2 refuses to load it), unless its config
    has no rows at all: then every split is declared and loaded with streaming=True.
    The cache goes to a fresh folder (the datasets cache ignores file contents for a local folder).
    """
    disable_progress_bar()
    current = manifest.read(root / "data")
    if current is None:
        raise FileNotFoundError(f"no release in {root / 'data'}")
    lines = [f"release {current['version']} loaded with datasets.load_dataset from {root}"]
    with tempfile.TemporaryDirectory(prefix="akhbar-load-") as fresh:
        cache = str(cache_dir or fresh)
        for config in CONFIGS:
            declared = declared_splits(current["rows"][config])
            for split in SPLITS:
                if split not in declared:
                    lines.append(f"  {config}/{split}: 0 rows (not declared in the card: no rows)")
                    continue
                empty = current["rows"][config][split] == 0
                rows = load_dataset(str(root), config, split=split, cache_dir=cache, streaming=empty)
                count = sum(1 for _ in rows) if empty else len(rows)
                labels = list(class_label_paths(rows.features))
                summary = ", ".join(f"{k} {v}" for k, v in sorted(_label_counts(rows, config).items()))
                lines.append(
                    f"  {config}/{split}: {count} rows{' (streamed: empty)' if empty else ''}; "
                    f"ClassLabel {', '.join(labels)}; {summary or 'no labels'}"
                )
                if not empty:
                    per = Counter(zip(rows["collection"], rows["license"], strict=True))
                    lines += [
                        f"    {collection}: {n} rows ({terms})"
                        for (collection, terms), n in sorted(per.items())
                    ]
    return lines
