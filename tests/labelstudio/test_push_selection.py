"""What push offers annotators, on the committed corpus (no server needed): every news article for
entities, no headline (it has no text) and nothing whose labels came with its source."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from akhbar.corpus import LAYERS, iter_articles, iter_targets
from akhbar.labelstudio.push import imported_gold, wanted_tasks
from akhbar.paths import Project

ROOT = Path(__file__).resolve().parents[2]


def test_push_offers_what_still_needs_people() -> None:
    project = Project(ROOT)
    articles = {article["id"]: article for article in iter_articles(project)}
    wanted, problems = wanted_tasks(project, articles, LAYERS)
    assert problems == []
    by_collection = Counter(articles[task["article_id"]]["collection"] for task in wanted["entities"])
    news = Counter(a["collection"] for a in articles.values() if a["kind"] == "article")
    assert by_collection == news and by_collection["saudinewsnet"] > 29_000
    gold = imported_gold(project)
    assert {layer for layer, _, _ in gold} == {"entities", "stance"}
    own_pairs = {
        (article_id, target["id"])
        for target in iter_targets(project)
        if target["collection"] == "akhbar"
        for article_id in target["article_ids"]
    }
    assert {(t["article_id"], t["target_id"]) for t in wanted["stance"]} == own_pairs
