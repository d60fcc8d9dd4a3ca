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
from akhbar.errors import DataError, UsageError


def _command_modules() -> list[str]:
    """Every module beside this one is a command with `add_parser(subparsers)` and `run(args) -> int`,
    except the helpers whose names start with an underscore."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(akhbar.cli.__path__)
        if info.name != "main" and not info.name.startswith("_")
    )


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
    except DataError as error:
        print(f"akhbar {args.command}: {error}", file=sys.stderr)
        return 1
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
    except Exception as error:
        message = io_problem(error)
        if message is None:
            raise
        print(f"akhbar {args.command}: {message}", file=sys.stderr)
        return 2


def io_problem(error: BaseException) -> str | None:
    """A plain message for an I/O failure (a full disk, a folder that is not writable), else None.

    Commands write through atomic renames, so a failed write leaves the old files in place: say so.
    """
    sqlite3 = sys.modules.get("sqlite3")  # only loaded by the commands that use it
    if sqlite3 is not None and isinstance(error, sqlite3.OperationalError):
        return f"a working database failed: {error} (a full disk?); nothing was half-written"
    if not isinstance(error, OSError):
        return None
    where = f" ({error.filename})" if error.filename else ""
    return f"{error.strerror or error}{where}; the command stopped, nothing was half-written"


if __name__ == "__main__":
    sys.exit(main())
