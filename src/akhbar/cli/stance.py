"""`akhbar stance pairs [--seed N] [--per-reason ...]`: draw claim-article pairs for the claims
annotators wrote (akhbar.stance.pairs)."""

from __future__ import annotations

import argparse

from akhbar.paths import find_project
from akhbar.stance.pairs import DEFAULT_PER_REASON, draw_pairs, parse_per_reason
from akhbar.validate.gate import require_valid


def _per_reason(text: str) -> dict[str, int]:
    from akhbar.errors import UsageError

    try:
        return parse_per_reason(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "stance",
        help="stance at scale: draw claim-article pairs for the claims annotators wrote",
        description="Stance targets written in Label Studio (corpus/targets/akhbar-claims.jsonl); `pairs` "
        "writes the articles drawn for each claim into that file.",
    )
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    defaults = ",".join(f"{reason}={count}" for reason, count in DEFAULT_PER_REASON.items())
    pairs = commands.add_parser(
        "pairs",
        help="pair each claim without pairs with articles drawn from its story, outlet-week and split",
        description="Validate the corpus, then pair each claim of corpus/targets/akhbar-claims.jsonl that "
        "has no pairs yet with its own article, other articles of its story group, articles of the same "
        "outlet and ISO week from other groups and random articles, all in the split of the claim's "
        "article; each pair records its reason and the seed. Claims with pairs are left as they are, so "
        "running again adds nothing. Writes corpus/targets/akhbar-claims.jsonl (under the project lock).",
    )
    pairs.add_argument("--seed", type=int, default=0, help="seed of the draw (default 0)")
    pairs.add_argument(
        "--per-reason",
        type=_per_reason,
        default=dict(DEFAULT_PER_REASON),
        metavar="REASON=N,...",
        help=f"articles per claim for each reason besides the source article (default {defaults})",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = find_project()
    require_valid(project)
    report = draw_pairs(project, seed=args.seed, per_reason=args.per_reason)
    for line in report.lines():
        print(line)
    return 1 if report.problems else 0
