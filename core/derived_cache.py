"""A disk cache for what is slow to build and follows from its inputs alone.

Compiling the hyperscan databases of the probes takes 1-3 s of CPU and deriving the language
tables from langdetect's profiles about 1 s. A scan pays that in each of its probe workers,
and every short command (`inspect`, a small scan) pays it again. `cached` keeps the result as
bytes under a key that the caller derives from everything the result depends on (the inputs,
the library versions, the code that derives it: `key_of`), so a stale entry is never read: a
changed input is a new key.

The cache lives in ``$SMARTCOMMERCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/smart-commerce-scanner``,
else ``~/.cache/smart-commerce-scanner``; ``SMARTCOMMERCE_CACHE_DIR=off`` turns it off. A cache
that cannot be read or written is skipped: the result is built, as without a cache. Writes go
through a temporary file and ``os.replace``, so two processes starting together never read a
half-written entry; an entry the caller cannot load (truncated, from another platform) is
rebuilt and replaced. Writing an entry removes those of its kind older than STALE_DAYS (left
by earlier versions: an entry in use may go too, and is then rebuilt once).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from core.env import CACHE_DIR_ENV

log = logging.getLogger("smartcommerce.cache")

APP_DIR = "smart-commerce-scanner"
OFF = "off"
#: Entries older than this are removed when a new one is written beside them.
STALE_DAYS = 30
T = TypeVar("T")


def cache_root() -> Path | None:
    """Where derived data is cached, or None when caching is off."""
    chosen = os.environ.get(CACHE_DIR_ENV, "").strip()
    if chosen.lower() == OFF:
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory to be found
            return None
    return Path(base) / APP_DIR


def key_of(*parts: bytes | str) -> str:
    """A key naming everything a cached result depends on (sha256 of the parts)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def cached(kind: str, key: str, build: Callable[[], bytes], load: Callable[[bytes], T]) -> T:
    """`load(bytes)` of the entry `kind/key`; on a miss (or an entry `load` rejects with an
    exception), `build()` is stored there and loaded."""
    path = _entry(kind, key)
    if path is not None:
        try:
            return load(path.read_bytes())
        except FileNotFoundError:
            pass
        except Exception as exc:  # noqa: BLE001 - any unreadable entry is rebuilt
            log.debug("cache entry %s unreadable, rebuilt: %s", path, exc)
    data = build()
    if path is not None:
        _store(path, data)
        _prune(path.parent)
    return load(data)


def _entry(kind: str, key: str) -> Path | None:
    root = cache_root()
    return None if root is None else root / kind / key


def _prune(folder: Path) -> None:
    """Remove the entries of `folder` written more than STALE_DAYS ago: an entry is only ever
    written once, so an old one was most likely left by an earlier version."""
    limit = time.time() - STALE_DAYS * 86400
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < limit:
                    entry.unlink()


def _store(path: Path, data: bytes) -> None:
    part = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, part = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(part, path)
    except OSError as exc:  # read-only home, full disk: work without the cache
        log.debug("cache entry %s not written: %s", path, exc)
        if part is not None:
            with contextlib.suppress(OSError):
                os.unlink(part)
