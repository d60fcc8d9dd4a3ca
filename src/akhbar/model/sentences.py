"""The input of `akhbar model predict`: UTF-8 text, one sentence per line, tokens separated by single
spaces. Anything else is refused with its file and line (a DataError), never guessed at: a token is given
back exactly as it was read, so an empty token (two spaces, a space at either end) or a tab has no
reading to keep. An empty line is an empty sentence; a final newline ends the last line, and a CR before a
newline (Windows line ends) is not part of the line."""

from __future__ import annotations

from pathlib import Path

import regex

from akhbar.errors import DataError, UsageError

_BAD = regex.compile(r"[\t\v\f\x00-\x08\x0e-\x1f\x7f\u0085\u2028\u2029]")


def read_sentences(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            f"{path}:{line}: not UTF-8 (byte {raw[error.start]:#04x} at offset {error.start})"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    sentences = []
    for number, line in enumerate(lines, start=1):
        if line.endswith("\r"):
            line = line[:-1]
        bad = _BAD.search(line) or regex.search(r"\r", line)
        if bad:
            raise DataError(
                f"{path}:{number}: character U+{ord(bad.group()):04X} at column {bad.start() + 1}; "
                "tokens are separated by single spaces"
            )
        if line == "":
            sentences.append([])
            continue
        tokens = line.split(" ")
        if "" in tokens:
            column = line.index("  ") + 2 if "  " in line else (1 if line.startswith(" ") else len(line))
            raise DataError(
                f"{path}:{number}: empty token at column {column} (two spaces, or a space at the start or "
                "end of the line); tokens are separated by single spaces"
            )
        sentences.append(tokens)
    return sentences
