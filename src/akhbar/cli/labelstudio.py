"""`akhbar labelstudio install|up|down|status|push|pull|review`: the annotation loop with Label Studio."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from akhbar.corpus import LAYERS, iter_articles
from akhbar.errors import UsageError
from akhbar.labelstudio import server as local
from akhbar.labelstudio.client import Connection, connect
from akhbar.labelstudio.projects import DEFAULT_OVERLAP, DEFAULT_PREFIX
from akhbar.labelstudio.pull import pull
from akhbar.labelstudio.push import BATCH_SIZE, push
from akhbar.labelstudio.review import REVIEW_PREFIX, push_review
from akhbar.labelstudio.tasks import TASK_LAYERS
from akhbar.paths import Project, find_project
from akhbar.stance.claims import choose_for_claims
from akhbar.validate.gate import require_valid


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "labelstudio",
        help="run a local Label Studio, push tasks to it, pull annotations back",
        description="LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY point push and pull at a server of your own. "
        "Only `pull` writes to the corpus (corpus/exports/ and corpus/annotations/); `install` and `up` "
        "write under .akhbar/labelstudio/; push and review write to the server, nothing in the project.",
    )
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    commands.add_parser(
        "install",
        help=f"install label-studio {local.VERSION} into .akhbar/ if missing",
        description=f"Install label-studio {local.VERSION} in its own virtual environment. Writes "
        ".akhbar/labelstudio/ (the environment); nothing else.",
    )
    start = commands.add_parser(
        "up",
        help="start the local server on 127.0.0.1 (installs it first if needed)",
        description="Start the local Label Studio on 127.0.0.1. Writes .akhbar/labelstudio/: the server's "
        "data, its log, its pid and address, and the admin credentials (owner-only).",
    )
    start.add_argument("--push", action="store_true", help="then push the corpus with the default options")
    start.set_defaults(
        prefix=DEFAULT_PREFIX,
        layers=list(LAYERS),
        predictions=None,
        guidelines_url=None,
        batch_size=BATCH_SIZE,
        overlap=DEFAULT_OVERLAP,
        suggest=False,
    )
    commands.add_parser(
        "down",
        help="stop the local server",
        description="Stop the local Label Studio. Writes nothing; removes its pid file, and its data stay "
        "in .akhbar/labelstudio/.",
    )
    commands.add_parser(
        "status",
        help="is the local server running, and where",
        description="Say whether the local Label Studio runs, where, and whether it answers. Writes nothing.",
    )
    layers = {"choices": TASK_LAYERS, "nargs": "+", "default": list(LAYERS), "metavar": "LAYER"}
    prefix_help = "projects are titled '<prefix> entities' and '<prefix> stance'"

    send = commands.add_parser(
        "push",
        help="create/reuse the projects and send tasks not there yet",
        description="Validate the corpus, then create (or reuse) one Label Studio project per layer and "
        "import the tasks that are not there yet. Writes to the server only, nothing in the project.",
    )
    send.add_argument("--layers", **layers, help="entities, stance, claims (default entities and stance)")  # type: ignore[arg-type]
    send.add_argument("--prefix", default=DEFAULT_PREFIX, help=prefix_help)
    send.add_argument("--predictions", type=Path, help="JSON Lines pre-annotations to send as predictions")
    send.add_argument("--guidelines-url", help="link shown in the projects' instructions")
    send.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="tasks per import request")
    send.add_argument(
        "--overlap",
        type=int,
        default=DEFAULT_OVERLAP,
        metavar="N",
        help=f"annotators each task needs (default {DEFAULT_OVERLAP}): written to the projects' maximum "
        "annotations on the server, for every entities and stance task (a claims task has one writer)",
    )
    send.add_argument(
        "--suggest",
        action="store_true",
        help="send the trained models' output (`akhbar model train`) as predictions, with their model "
        "version and confidence, for tasks nobody has annotated; sets the projects' model version and "
        "uncertainty sampling on the server (least confident first). Suggestions are never labels",
    )
    send.add_argument(
        "--claims-from",
        type=int,
        default=0,
        metavar="N",
        help="claims layer: ask claims for the first N news articles in a fixed shuffled order (N+k "
        "extends the N); implies --layers ... claims",
    )
    send.add_argument(
        "--claims-articles", nargs="+", default=[], metavar="ID", help="claims layer: these articles too"
    )

    fetch = commands.add_parser(
        "pull",
        help="export, archive and convert annotations into corpus/",
        description="Validate the corpus, export every layer's project, archive each raw export unchanged "
        "in corpus/exports/ and convert it into corpus/annotations/<layer>/. Writes those two folders.",
    )
    fetch.add_argument("--layers", **layers, help="entities, stance, claims (default entities and stance)")  # type: ignore[arg-type]
    fetch.add_argument("--prefix", default=DEFAULT_PREFIX, help=prefix_help)

    recheck = commands.add_parser(
        "review",
        help="send the items annotators disagree on to review projects, candidates as predictions",
        description="Validate the corpus, find the items annotators disagree on and send them to review "
        "projects on the server, with each annotator's answer as a prediction. Writes to the server "
        "only; pull the review projects with --prefix to bring the decisions into corpus/.",
    )
    recheck.add_argument("--layers", **{**layers, "choices": LAYERS}, help="entities, stance (default both)")  # type: ignore[arg-type]
    recheck.add_argument(
        "--prefix",
        default=REVIEW_PREFIX,
        help=f"review projects' prefix (default {REVIEW_PREFIX}); pull with it",
    )
    parser.set_defaults(run=run)


def _requested_port() -> int | None:
    """The port of LABEL_STUDIO_URL when it names this machine; `up` never starts a remote server."""
    url = os.environ.get("LABEL_STUDIO_URL", "").strip()
    if not url:
        return None
    if not local.is_loopback(url):
        raise UsageError(
            f"LABEL_STUDIO_URL is {url}, not this machine: `up` and `down` only run a local server"
        )
    return local.port_of(url)


def run(args: argparse.Namespace) -> int:
    project = find_project()
    server = local.Server.of(project)
    if args.action == "install":
        installed = local.install(server, quiet=False)
        print(f"label-studio {local.VERSION} {'installed in' if installed else 'already in'} {server.venv}")
        return 0
    if args.action == "up":
        port = _requested_port()
        if not server.executable.is_file():
            print(
                f"installing label-studio {local.VERSION} into {server.venv} (about a minute) ...", flush=True
            )
        started = local.up(server, port=port or local.DEFAULT_PORT, exact=port is not None)
        creds = local.credentials(server)
        print(f"Label Studio is up at {started.url} (pid {started.pid})")
        print(f"log in as {creds.username}; the password is in {server.credentials_file}")
        if not args.push:
            return 0
        require_valid(project)
        with Connection(url=started.url or "", api_key=creds.api_key) as connection:
            return _push(args, project, connection)
    if args.action == "down":
        print("stopped the local Label Studio" if local.down(server) else "no local Label Studio was running")
        return 0
    if args.action == "status":
        current = local.status(server)
        if not current.running:
            print("the local Label Studio is not running")
            return 1
        state = "healthy" if current.healthy else "not answering"
        print(f"the local Label Studio runs at {current.url} (pid {current.pid}), {state}")
        return 0 if current.healthy else 1
    # Bad data is refused with its findings before anything is sent or pulled.
    require_valid(project)
    with connect(project, server=server) as connection:
        if args.action == "push":
            return _push(args, project, connection)
        if args.action == "review":
            review = push_review(
                project=project, connection=connection, prefix=args.prefix, layers=args.layers
            )
            for line in review.lines():
                print(line)
            return 0
        return _pull(args, project, connection)


def _push(args: argparse.Namespace, project: Project, connection: Connection) -> int:
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    if args.predictions is not None and not args.predictions.is_file():
        raise UsageError(f"no such file: {args.predictions}")
    if args.overlap < 1:
        raise UsageError("--overlap must be at least 1")
    layers, claim_articles = list(args.layers), []
    claims_from, claims_ids = getattr(args, "claims_from", 0), getattr(args, "claims_articles", [])
    if claims_from < 0:
        raise UsageError("--claims-from must be 0 or more")
    if claims_from or claims_ids:
        claim_articles, problems = choose_for_claims(
            iter_articles(project), first=claims_from, ids=claims_ids
        )
        for problem in problems:
            print(f"problem: {problem}")
        if problems:
            return 1
        layers += [] if "claims" in layers else ["claims"]
    report = push(
        project=project,
        connection=connection,
        prefix=args.prefix,
        layers=layers,
        predictions=args.predictions,
        guidelines_url=args.guidelines_url,
        batch_size=args.batch_size,
        claim_articles=claim_articles,
        overlap=args.overlap,
        suggest=args.suggest,
    )
    for line in report.lines():
        print(line)
    return 1 if report.problems or any(layer.changed for layer in report.layers) else 0


def _pull(args: argparse.Namespace, project: Project, connection: Connection) -> int:
    report = pull(project=project, connection=connection, prefix=args.prefix, layers=args.layers)
    for line in report.lines():
        print(line)
    return 1 if report.problems else 0
