"""Option types shared by the commands: each checks its value when the command line is read, before any
work is done, so a bad value is a usage message (exit 2), never a crash or a hang halfway through."""

from __future__ import annotations

import argparse
import codecs
import datetime
import os
import re
from pathlib import Path

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def positive_int(text: str) -> int:
    """An integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def iso_date(text: str) -> str:
    """A real calendar date written YYYY-MM-DD."""
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def text_encoding(text: str) -> str:
    """The name of a codec that decodes bytes to text (cp1256, iso8859-6, utf-8; not base64)."""
    try:
        info = codecs.lookup(text)
    except LookupError:
        info = None
    # base64, rot13 and the like are codecs too, but from bytes to bytes: decoding with them is an error.
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a text encoding Python knows (e.g. utf-8, cp1256, iso8859-6)"
        )
    return info.name


def output_file(text: str) -> Path:
    """A file path that can be written: its folder exists and is writable, and it is not a folder itself.

    Checked before the command starts, so that the work is not done for nothing, and no folder is made.
    """
    path = Path(text)
    folder = path.parent
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file name")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"cannot write {text}: permission denied")
    return path
