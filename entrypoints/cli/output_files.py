"""Files the CLI writes on request (``--out``): complete or absent, and a clear message.

A regular file is written to a temporary file in the same folder and renamed over the
target, so a failure half-way (a full disk) leaves nothing behind. A device or pipe
(``/dev/stdout``) is written through. Every OS error becomes a usage error (exit 2) that
names the option, the path and the reason.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from entrypoints.cli.errors import CliError


def _refusal(option: str, path: Path, reason: str) -> CliError:
    return CliError(f"cannot write {option} {path}: {reason}")


def _check_target(path: Path, option: str) -> None:
    if path.is_dir():
        raise _refusal(option, path, "it is a folder; give a file name")
    folder = path.parent
    if not folder.exists():
        raise _refusal(option, path, f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise _refusal(option, path, f"{folder} is not a folder")


@contextmanager
def output_file(path: Path, option: str = "--out") -> Iterator[IO[str]]:
    """A text stream to ``path`` (UTF-8); the file appears only if the block succeeds."""
    _check_target(path, option)
    try:
        if path.exists() and not path.is_file():
            with open(path, "w", encoding="utf-8", newline="") as stream:
                yield stream
            return
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
                yield stream
            os.replace(temporary, path)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
    except OSError as problem:
        raise _refusal(option, path, problem.strerror or str(problem)) from None


def write_text(path: Path, text: str, option: str = "--out") -> None:
    with output_file(path, option) as stream:
        stream.write(text)
