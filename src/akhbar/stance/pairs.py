"""`akhbar stance pairs`: claim-article pairs drawn, not typed, for the claims annotators wrote.

For each claim of corpus/targets/akhbar-claims.jsonl that has no pairs yet, the articles it is paired
with are drawn, each with its reason (FNC-1 and AraStance built their pairs the same way, so that every
stance label occurs):

  source       the article the claim was written from (always; likely Agree)
  story        other articles of its story group: the release's leakage groups (story id, exact and
               near duplicates, shared paragraphs and passages: akhbar.release.splits); likely Agree,
               Disagree or Discuss
  outlet-week  articles of the same outlet and ISO week from other groups: same beat, other story
  random       any other article (likely Unrelated)

How many of each (`per_reason`, default DEFAULT_PER_REASON) is capped by what there is. Candidates are
news articles with text (kind "article"): a headline has no body, a document of source sentences no
outlet. The week is the ISO week of `published`, else of `provenance.crawled_at` (SaudiNewsNet gives no
publication date; it crawled each day's new articles, so the crawl day stands in for the week, only to
draw pairs); an article with neither has no outlet-week pairs.

Leakage stays out: a claim joins the split of its source article's story group, and a candidate in
another split is never drawn (the grouping is not extended). The splits are the ones the next release
makes from the corpus as it is: the kept assignment for released articles (which never move), the
release's own rule for new ones (akhbar.release.splits.assign, run in a scratch index, with the current
release's settings). Drawing pairs right before a release, with no ingest in between, keeps every pair
of a claim in one split; a release counts any pair that crosses all the same (its leakage figure
`claim_pairs_in_another_split`).

Reproducible: each claim's draw uses its own generator seeded with (seed, claim id, reason) over
candidates sorted by id, so the same seed and corpus give the same pairs whatever other claims exist.
Each pair records its reason and the seed. A claim that has pairs is left alone: running again adds
nothing (to draw a claim's pairs again, remove its `pairs`). The pairs are written into the claim's own
target record (`pairs`, and their articles appended to `article_ids`, which is what stance push, pull,
validation and the release read), through a Transaction under the project lock.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from akhbar import jsonl
from akhbar.commit import Transaction, project_lock
from akhbar.corpus import iter_articles
from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.stance.claims import CLAIMS_FILE

REASONS = ("source", "story", "outlet-week", "random")
DEFAULT_PER_REASON = {"story": 3, "outlet-week": 2, "random": 2}


@dataclass(frozen=True)
class Placement:
    split: str
    group: str


@dataclass(frozen=True)
class Candidate:
    id: str
    source: str | None
    week: str | None  # "2015-W30"
    drawable: bool  # a news article with text


@dataclass
class PairsReport:
    seed: int
    per_reason: dict[str, int]
    claims: int = 0  # claims of the file
    drawn: int = 0  # claims drawn now
    already: int = 0  # claims that had pairs
    pairs: dict[str, int] = field(default_factory=dict)  # reason -> pairs drawn now
    short: dict[str, int] = field(default_factory=dict)  # reason -> pairs fewer than asked (too few there)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        asked = ", ".join(f"{reason} {count}" for reason, count in self.per_reason.items())
        made = ", ".join(f"{reason} {self.pairs.get(reason, 0)}" for reason in REASONS)
        out = [
            f"stance pairs (seed {self.seed}; per claim: source 1, {asked}): {self.claims} claims, "
            f"{self.drawn} drawn now, {self.already} had pairs already",
            f"  pairs drawn now: {made}",
        ]
        if self.short:
            fewer = ", ".join(f"{reason} {count}" for reason, count in sorted(self.short.items()))
            out.append(f"  fewer candidates than asked (pairs not drawn): {fewer}")
        return out + [f"  problem: {problem}" for problem in self.problems]


def parse_per_reason(text: str) -> dict[str, int]:
    """`story=3,outlet-week=2,random=2` (reasons left out keep their default) -> counts per reason."""
    counts = dict(DEFAULT_PER_REASON)
    for part in filter(None, (item.strip() for item in text.split(","))):
        name, _, value = part.partition("=")
        if name not in DEFAULT_PER_REASON or not value.isdigit():
            raise UsageError(
                f"--per-reason takes REASON=COUNT,... with REASON one of {', '.join(DEFAULT_PER_REASON)}; "
                f"got {part!r}"
            )
        counts[name] = int(value)
    return counts


def week_of(article: Mapping[str, Any]) -> str | None:
    """The ISO week of the article's publication date, else of its crawl date; None without either."""
    provenance = article.get("provenance") or {}
    for value in (article.get("published"), provenance.get("crawled_at")):
        if isinstance(value, str) and len(value) >= 10:
            try:
                year, week, _ = dt.date.fromisoformat(value[:10]).isocalendar()
            except ValueError:
                continue
            return f"{year}-W{week:02d}"
    return None


def placements(project: Project) -> dict[str, Placement]:
    """Every article's split and leakage group as the next release would make them from the corpus as it
    is: the release's own index and `assign`, in a scratch folder, with the current release's settings."""
    from akhbar.release import manifest
    from akhbar.release.index import Tally, connect, index_articles
    from akhbar.release.settings import Settings
    from akhbar.release.splits import assign, load_kept

    current = manifest.read(project.data)
    settings = Settings.from_dict(current["settings"]) if current else Settings()
    work = project.state / "pairs-index"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        db = connect(work / "index.sqlite")
        try:
            index_articles(db, project, settings, Tally())
            load_kept(db, project.corpus / "splits")
            assign(db, version="pairs", ratios=settings.ratios, assign_new=True)
            return {
                article_id: Placement(split, group)
                for article_id, split, group in db.execute("SELECT article_id, split, grp FROM final")
            }
        finally:
            db.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def candidates(project: Project) -> dict[str, Candidate]:
    return {
        article["id"]: Candidate(
            article["id"],
            article.get("source"),
            week_of(article),
            article.get("kind") == "article" and bool((article.get("text") or "").strip()),
        )
        for article in iter_articles(project)
    }


@dataclass
class Pools:
    """The drawable articles indexed the three ways a draw needs, each list sorted by id."""

    by_group: dict[str, list[str]]
    by_outlet_week: dict[tuple[str, str, str], list[str]]  # (split, outlet, week)
    by_split: dict[str, list[str]]

    @classmethod
    def of(cls, found: dict[str, Candidate], placed: dict[str, Placement]) -> Pools:
        pools = cls({}, {}, {})
        for article_id in sorted(found):
            candidate, where = found[article_id], placed.get(article_id)
            if not candidate.drawable or where is None:
                continue
            pools.by_group.setdefault(where.group, []).append(article_id)
            pools.by_split.setdefault(where.split, []).append(article_id)
            if candidate.source and candidate.week:
                key = (where.split, candidate.source, candidate.week)
                pools.by_outlet_week.setdefault(key, []).append(article_id)
        return pools


def _sample(pool: list[str], count: int, taken: set[str], rng: random.Random) -> list[str]:
    """`count` articles of `pool` not in `taken`, drawn by `rng`, sorted (fewer when the pool is short)."""
    if count <= 0:
        return []
    # A sample of count + |taken| distinct items holds at least `count` untaken ones when there are that many.
    size = min(len(pool), count + len(taken))
    return sorted([item for item in rng.sample(pool, size) if item not in taken][:count])


def draw(
    claim_id: str,
    source: str,
    *,
    seed: int,
    per_reason: Mapping[str, int],
    found: dict[str, Candidate],
    placed: dict[str, Placement],
    pools: Pools,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The pairs of one claim written from article `source`, and how many fewer than asked per reason."""
    home = placed[source]
    pairs = [{"article_id": source, "reason": "source", "seed": seed}]
    taken = {source}
    short: dict[str, int] = {}
    outlet, week = found[source].source, found[source].week
    for reason in ("story", "outlet-week", "random"):
        if reason == "story":
            pool = pools.by_group.get(home.group, [])
        elif reason == "outlet-week":
            pool = pools.by_outlet_week.get((home.split, outlet or "", week or ""), [])
        else:
            pool = pools.by_split.get(home.split, [])
        if reason != "story":  # other groups only: the story's own articles are drawn as such
            group_members = set(pools.by_group.get(home.group, []))
            pool = [article for article in pool if article not in group_members]
        # never across splits (the story group is in one split already, but a source split may differ)
        pool = [article for article in pool if placed[article].split == home.split]
        rng = random.Random(f"{seed}:{claim_id}:{reason}")
        chosen = _sample(pool, per_reason.get(reason, 0), taken, rng)
        if len(chosen) < per_reason.get(reason, 0):
            short[reason] = per_reason.get(reason, 0) - len(chosen)
        taken.update(chosen)
        pairs += [{"article_id": article, "reason": reason, "seed": seed} for article in chosen]
    return pairs, short


def draw_pairs(
    project: Project, *, seed: int = 0, per_reason: Mapping[str, int] = DEFAULT_PER_REASON
) -> PairsReport:
    """Draw the pairs of every claim without pairs and write them (see the module doc)."""
    if seed < 0:
        raise UsageError("--seed must be 0 or more")
    report = PairsReport(seed, dict(per_reason))
    path = project.targets / CLAIMS_FILE
    with project_lock(project, command="stance pairs"):
        claims = [record for _, record in jsonl.read(path)] if path.is_file() else []
        report.claims = len(claims)
        waiting = [claim for claim in claims if not claim.get("pairs")]
        report.already = report.claims - len(waiting)
        if not waiting:
            return report
        found = candidates(project)
        placed = placements(project)
        pools = Pools.of(found, placed)
        for claim in waiting:
            source = claim["article_ids"][0]
            if source not in found or source not in placed:
                report.problems.append(f"claim {claim['id']}: its article {source} is not in the corpus")
                continue
            pairs, short = draw(
                claim["id"], source, seed=seed, per_reason=per_reason, found=found, placed=placed, pools=pools
            )
            claim["pairs"] = pairs
            claim["article_ids"] = list(
                dict.fromkeys([*claim["article_ids"], *(p["article_id"] for p in pairs)])
            )
            report.drawn += 1
            for pair in pairs:
                report.pairs[pair["reason"]] = report.pairs.get(pair["reason"], 0) + 1
            for reason, count in short.items():
                report.short[reason] = report.short.get(reason, 0) + count
        if report.drawn:
            with Transaction(project) as txn:
                with txn.stage_file(path).open("wb") as handle:
                    for record in claims:
                        handle.write(jsonl.dumps(record))
                txn.commit()
    return report


def pair_splits(project: Project) -> dict[str, dict[str, str]]:
    """claim id -> article id -> split, for every drawn pair (the splits as `placements` makes them)."""
    path = project.targets / CLAIMS_FILE
    claims = [record for _, record in jsonl.read(path)] if path.is_file() else []
    placed = placements(project)
    return {
        claim["id"]: {pair["article_id"]: placed[pair["article_id"]].split for pair in claim.get("pairs", ())}
        for claim in claims
    }
