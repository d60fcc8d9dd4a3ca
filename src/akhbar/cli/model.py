"""`akhbar model train|predict|evaluate`: the project's own entity tagger and stance baseline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from akhbar.cli._options import output_file
from akhbar.paths import find_project


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "model",
        help="train, run and score the entity tagger and the stance baseline",
        description="The project's own models, trained on CPU from the current release's train split: an "
        "entity tagger (a BiLSTM-CRF over word vectors learned from the corpus's articles) and a stance "
        "baseline (TF-IDF and logistic regression). `train` writes the models under .akhbar/models/ (build "
        "artefacts, git-ignored), `predict` writes tags to standard output, `evaluate --record` writes "
        "data/baselines.json; a model's output is a suggestion, never a label.",
    )
    commands = parser.add_subparsers(dest="model_command", required=True, metavar="SUBCOMMAND")
    train = commands.add_parser(
        "train",
        help="train the entity tagger and the stance baseline",
        description="Train the entity tagger (and the stance baseline) on the current release's train "
        "split; writes them under .akhbar/models/ with their cards (replacing the models there only once "
        "training has finished).",
    )
    train.add_argument(
        "--extra-wojood",
        action="store_true",
        help="add the Wojood sample (../shared/external) as training data",
    )
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--quick", action="store_true", help="a small, fast model (for tests)")
    which = train.add_mutually_exclusive_group()
    which.add_argument("--stance", action="store_true", help="train only the stance baseline")
    which.add_argument("--entities", action="store_true", help="train only the entity tagger")
    train.set_defaults(run=run_train)
    predict = commands.add_parser(
        "predict",
        help="tag the sentences of a file, one JSON line per sentence",
        description="FILE: UTF-8, one sentence per line, tokens separated by single spaces. Writes one "
        'JSON line per input line to standard output: {"tokens": [...], "tags": [...]}, the tokens as '
        "given and one IOB2 tag of the scheme per token. The lines are read as one text: a name tagged "
        "in one line is tagged alike where the same words stand untagged in another (--each-line: each "
        "line alone).",
    )
    predict.add_argument("file", type=Path, metavar="FILE")
    predict.add_argument(
        "--each-line", action="store_true", help="tag each line alone, not as part of one text"
    )
    predict.set_defaults(run=run_predict)
    evaluate = commands.add_parser(
        "evaluate",
        help="score the models on every collection's test split",
        description="Strict and partial span scores (nervaluate) per collection's test split and per "
        "type; for ANERcorp also on its four native types and the three-type CAMeL figure (PERS, ORG, "
        "LOC against GPE/LOC/FAC; MISC left out). Stance: accuracy and macro F1 with the majority class "
        "beside them. Writes the figures to standard output; --json and --record also write them to files.",
    )
    evaluate.add_argument("--json", type=output_file, metavar="FILE", help="also write every figure here")
    evaluate.add_argument(
        "--record", action="store_true", help="write the scores of record to data/baselines.json"
    )
    evaluate.set_defaults(run=run_evaluate)


def run_train(args: argparse.Namespace) -> int:
    from akhbar.model import entities, stance

    project = find_project()
    if not args.stance:
        card = entities.train(project, extra_wojood=args.extra_wojood, seed=args.seed, quick=args.quick)
        print(
            f"entities: {card.version} from release {card.release} in {card.training_seconds:.1f} s, "
            f"peak memory {card.peak_rss_mb:.0f} MB ({entities.model_dir(project)})"
        )
    if not args.entities:
        card = stance.train_stance(project, seed=args.seed)
        print(
            f"stance: {card.version} from release {card.release} in {card.training_seconds:.1f} s "
            f"({entities.model_dir(project, 'stance')})"
        )
    return 0


def run_predict(args: argparse.Namespace) -> int:
    from akhbar.model import entities
    from akhbar.model.consistency import consistent
    from akhbar.model.sentences import read_sentences

    project = find_project()
    sentences = read_sentences(args.file)  # all of it first: a bad line stops before any output
    model = entities.load(project)
    tagged = model.tag(sentences)
    if not args.each_line:
        tagged = consistent(sentences, tagged)
    out = sys.stdout
    for tokens, tags in zip(sentences, tagged, strict=True):
        out.write(json.dumps({"tokens": tokens, "tags": tags}, ensure_ascii=False) + "\n")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from akhbar.model import baselines

    project = find_project()
    figures = baselines.measure(project)
    for line in baselines.lines(figures):
        print(line)
    if args.json:
        args.json.write_text(
            json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
        )
        print(f"wrote {args.json}")
    if args.record:
        path = baselines.record(project, figures)
        print(f"wrote {path.relative_to(project.root)}")
    return 0
