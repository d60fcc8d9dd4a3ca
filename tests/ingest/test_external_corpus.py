"""All of SaudiNewsNet (../shared/external/saudinewsnet, 31,030 real articles) into a temporary corpus.

The counts the report must reflect are counted here from the zip files, apart from the adapter.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from akhbar.corpus import iter_articles
from akhbar.ingest import ingest
from akhbar.ingest.adapters import read_saudinewsnet
from akhbar.paths import Project
from akhbar.registry import collection
from akhbar.validate import validate_paths

pytestmark = [pytest.mark.external, pytest.mark.slow]  # all of SaudiNewsNet


def test_all_of_saudinewsnet_is_ingested_once_with_a_report_and_validates(
    tmp_project: Project, need_shared: Callable[..., Path]
) -> None:
    folder = need_shared("external", "saudinewsnet")
    items, empty, seen, repeated_urls = 0, 0, set(), set()
    for path in sorted(folder.rglob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for item in json.loads(archive.read(name)):
                    items += 1
                    body = item["content"].strip()
                    if not body:
                        empty += 1
                    elif body in seen:
                        repeated_urls.add(item["url"])
                    else:
                        seen.add(body)
    # As its ABOUT.md counts them.
    assert (items, empty, len(repeated_urls)) == (31030, 354, 576)

    entry = collection(tmp_project, "saudinewsnet")
    first = ingest(read_saudinewsnet([folder], collection=entry), tmp_project)
    assert first.read == items
    assert set(first.outcomes) <= {"added", "duplicate", "skipped"}
    assert first.reasons["text-empty"] == empty
    assert first.outcomes["skipped"] == sum(first.reasons.values())
    assert first.outcomes["duplicate"] > 0
    assert all(len(first.examples[reason]) > 0 for reason in first.reasons)

    articles = list(iter_articles(tmp_project))
    assert len(articles) == first.outcomes["added"]
    # No body is stored twice; a repeat is stored only when the earlier copy was skipped (e.g. for its title).
    assert len({article["text"].strip() for article in articles}) == len(articles)
    ids = {article["id"] for article in articles}
    assert all(example.rsplit("same text as ", 1)[1] in ids for example in first.examples["duplicate"])

    report = validate_paths(project=tmp_project)
    assert report.errors == 0, [
        finding.format() for finding in report.findings if finding.severity == "error"
    ]
    assert report.records == {"article": first.outcomes["added"], "collection": 5}
    assert all(a["license"] == "CC-BY-NC-SA-4.0" and "article ©" in a["attribution"] for a in articles)

    second = ingest(read_saudinewsnet([folder], collection=entry), tmp_project)
    assert second.outcomes["added"] == 0
    assert second.outcomes["unchanged"] == first.outcomes["added"]
    assert second.outcomes["duplicate"] == first.outcomes["duplicate"]
    assert second.reasons == first.reasons
