"""`akhbar COMMAND ...`: dispatch to one module per command."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import akhbar.cli
from akhbar import __version__
from akhbar.errors import UsageError


def _command_modules() -> list[str]:
    """Every module beside this one is a command with `add_parser(subparsers)` and `run(args) -> int`."""
    return sorted(info.name for info in pkgutil.iter_modules(akhbar.cli.__path__) if info.name != "main")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the one command `only` (each module is named as its command)."""
    parser = argparse.ArgumentParser(
        prog="akhbar",
        description="The akhbar Arabic news corpus: validate, ingest, annotate in Label Studio, release.",
    )
    parser.add_argument("--version", action="version", version=f"akhbar {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _command_modules():
        if only is None or name == only:
            importlib.import_module(f"akhbar.cli.{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Import only the command being run: the others may pull in heavy libraries, and startup time counts
    # (`akhbar validate` in a pre-commit hook, in CI, in the benchmark).
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    args = build_parser(command if command in _command_modules() else None).parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"akhbar {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"akhbar {args.command}: interrupted; nothing was half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`akhbar validate | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
