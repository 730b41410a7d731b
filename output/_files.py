"""Writing report files safely: a file appears complete or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

DEFAULT_FILE_MODE = 0o666  # like open(): the umask decides the final permissions


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to `target`; on success it replaces `target` in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb") as done:
            os.fsync(done.fileno())
        os.chmod(tmp, DEFAULT_FILE_MODE & ~_current_umask())  # mkstemp made it owner-only
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_text(target: Path, newline: str | None = None) -> Iterator[IO[str]]:
    """Open a text file for writing that only becomes `target` once fully written."""
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as handle:
        yield handle


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula (= + - @, tab, CR) with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
