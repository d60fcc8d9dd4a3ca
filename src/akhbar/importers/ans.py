"""ANS, Arabic News Stance (Khouja 2020), into the corpus: headlines as items, claims as targets, the
annotators' stance labels as a gold stance layer, ANS's own train/dev/test kept as the source split.

Source: `data/stance/{train,dev,test}.csv` (see ../shared/external/ans/ABOUT.md), columns `s1` (a real
news headline), `s2` (a claim an annotator wrote from it) and `stance` (agree, disagree, other).

- One headline item (kind "headline": title = the headline, text = "") per distinct headline and split;
  a headline found in two ANS splits is two items, one in each, as ANS has it (counted, for the
  datasheet: the leak is the source's).
- One target per row: the claim, attached to its headline item.
- One stance record per row: agree -> Agree, disagree -> Disagree; `other` has no counterpart among the
  scheme's labels (it is neither Discuss nor Unrelated): stance null with source_label "other", kept,
  counted, never released.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from akhbar.corpus import fold, text_sha256
from akhbar.errors import DataError, UsageError
from akhbar.importers.common import ImportReport, item, repair, write_files
from akhbar.paths import Project
from akhbar.registry import collection, terms

COLLECTION = "ans"
COMMIT = "9c5f313ab225880b9f60f4e795e6afb4da3352c8"
SPLITS = {"train": "train", "dev": "validation", "test": "test"}  # ANS file -> our split
STANCE = {"agree": "Agree", "disagree": "Disagree", "other": None}
ANNOTATOR = "ANS annotators (Khouja 2020)"
ANNOTATED_LABELS = ["Agree", "Disagree"]
ORIGIN = "written by an ANS annotator (Khouja 2020) from the headline it is attached to"


@dataclass(frozen=True)
class Row:
    split: str  # ours: train, validation, test
    file: str  # data/stance/<name>.csv
    number: int  # data row, 1-based
    lines: tuple[int, int]  # physical lines of the file, 1-based
    headline: str
    claim: str
    stance: str
    fixes: tuple[str, ...]


def read(folder: Path) -> list[Row]:
    rows = []
    for name, split in SPLITS.items():
        path = folder / "data" / "stance" / f"{name}.csv"
        file = f"data/stance/{name}.csv"
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
        with handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header != ["s1", "s2", "stance"]:
                raise DataError(f"{file}:1: expected the columns s1,s2,stance, found {header}")
            first = reader.line_num + 1
            for number, fields in enumerate(reader, start=1):
                last = reader.line_num
                if (
                    len(fields) != 3
                    or fields[2] not in STANCE
                    or not fields[0].strip()
                    or not fields[1].strip()
                ):
                    raise DataError(
                        f"{file}:{first}: not a row `headline,claim,agree|disagree|other`: {fields}"
                    )
                headline, fixed_headline = repair(fields[0])
                claim, fixed_claim = repair(fields[1])
                rows.append(
                    Row(
                        split,
                        file,
                        number,
                        (first, last),
                        headline,
                        claim,
                        fields[2],
                        (*fixed_headline, *fixed_claim),
                    )
                )
                first = last + 1
    return rows


def headline_id(split: str, headline: str) -> str:
    """Stable under any reordering of the source rows: the split and a hash of the headline."""
    return f"ans-{split}-{hashlib.sha256(headline.encode('utf-8')).hexdigest()[:16]}"


def build(project: Project, folder: Path) -> tuple[dict[Path, list[dict[str, Any]]], ImportReport]:
    own = terms(collection(project, COLLECTION))
    rows = read(folder)
    report = ImportReport()
    by_headline: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_headline[headline_id(row.split, row.headline)].append(row)
    articles, targets, stances = [], [], []
    for item_id, group in by_headline.items():
        fixes = sorted({fix for row in group for fix in row.fixes if fix})
        articles.append(
            item(
                item_id,
                "headline",
                own,
                title=group[0].headline,
                text="",
                provenance={
                    "adapter": "ans",
                    "source_file": group[0].file,
                    "source_commit": COMMIT,
                    # the lines of the rows that hold this headline, first to last
                    "source_lines": [group[0].lines[0], group[-1].lines[1]],
                    **({"fixes": fixes} if fixes else {}),
                },
            )
        )
    for row in rows:
        item_id = headline_id(row.split, row.headline)
        target_id = f"ans-{row.split}-claim-{row.number:04d}"
        where = {"source_file": row.file, "source_commit": COMMIT, "source_lines": list(row.lines)}
        targets.append(
            {
                "id": target_id,
                **own,
                "claim": row.claim,
                "article_ids": [item_id],
                "origin": ORIGIN,
                "provenance": where,
            }
        )
        stances.append(
            {
                "id": f"{target_id}-stance",
                "layer": "stance",
                **own,
                "article_id": item_id,
                "text_sha256": text_sha256(""),  # the item's text: a headline item has none
                "annotator": ANNOTATOR,
                "annotated_labels": ANNOTATED_LABELS,
                "ground_truth": True,
                "target_id": target_id,
                "stance": STANCE[row.stance],
                "source_label": row.stance,
                "provenance": {"tool": "import", **where},
            }
        )
        report.counts[f"{row.split} pairs {STANCE[row.stance] or 'left out: ' + row.stance}"] += 1
        for fix in row.fixes:
            report.counts[f"{row.split} texts repaired: {fix}"] += 1
    for split in SPLITS.values():
        report.counts[f"{split} headline items"] = sum(
            1 for item in by_headline if item.startswith(f"ans-{split}-")
        )
    splits_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        splits_of[fold(row.headline)].add(row.split)
    report.counts["headlines in more than one ANS split"] = sum(
        1 for found in splits_of.values() if len(found) > 1
    )
    files = {
        project.articles / COLLECTION / "headlines.jsonl": sorted(articles, key=lambda r: r["id"]),
        project.targets / f"{COLLECTION}.jsonl": sorted(targets, key=lambda r: r["id"]),
        project.annotations / "stance" / f"{COLLECTION}.jsonl": sorted(stances, key=lambda r: r["id"]),
        project.corpus / "splits" / f"{COLLECTION}.jsonl": sorted(
            (
                {
                    "article_id": item["id"],
                    "split": item["id"].split("-")[1],
                    "group": f"{COLLECTION}:{item['id'].split('-')[1]}",
                    "since": "source",
                }
                for item in articles
            ),
            key=lambda r: r["article_id"],
        ),
    }
    return files, report


def import_ans(project: Project, folder: Path, *, dry_run: bool = False) -> ImportReport:
    files, report = build(project, folder)
    if not dry_run:
        write_files(project, files, "import ans", report)
    return report
