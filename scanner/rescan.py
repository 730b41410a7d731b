"""Rescan several communes from one TOML file: incremental, resumable, never twice at once.

    # rescan.toml (paths are relative to this file)
    db = "sqlite:///smartcommerce.db"      # optional; else --db / SMARTCOMMERCE_DB
    lock_file = "smartcommerce-rescan.lock"  # optional

    [defaults]                               # optional, applies to every commune
    places_budget = 200
    formats = ["html", "xlsx", "csv", "json"]

    [[communes]]
    name = "Marche-en-Famenne"
    shops = "marche.csv"                     # or: sources = ["osm"] to collect them
    places_budget = 150
    out = "rapports/marche"

Incremental: the pipeline reuses stored ETag/Last-Modified and place ids from the same
database. Resumable: an unfinished scan of the same commune and shops file is resumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from output.store import Store
from scanner.pipeline import ScanConfig, run_scan

DEFAULT_LOCK_NAME = "smartcommerce-rescan.lock"
COMMUNE_KEYS = {"name", "shops", "sources", "osm_file", "kbo", "places_budget", "no_places",
                "no_render", "out", "formats", "lang", "allow_private_addresses", "config"}
PATH_KEYS = {"shops": "shops_file", "osm_file": "osm_file", "kbo": "kbo_path", "out": "out_dir",
             "config": "config_file"}
PLAIN_KEYS = {"sources", "places_budget", "no_places", "no_render", "formats", "lang",
              "allow_private_addresses"}


class RescanError(Exception):
    """The rescan cannot start (bad config file, already running). One plain line."""


@dataclass(slots=True)
class CommunePlan:
    name: str
    options: dict[str, Any]  # ScanConfig field -> value


@dataclass(slots=True)
class RescanPlan:
    db_url: str | None
    lock_file: Path
    communes: list[CommunePlan]


@dataclass(slots=True)
class CommuneOutcome:
    name: str
    ok: bool
    scan_id: str | None = None
    resumed: bool = False
    shops_done: int = 0
    shops_total: int = 0
    errors: int = 0
    out_dir: str | None = None
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def load_plan(path: Path) -> RescanPlan:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RescanError(f"fichier de configuration introuvable : {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RescanError(f"{path} n'est pas un fichier TOML valide : {exc}") from None
    base = path.resolve().parent
    defaults = data.get("defaults") or {}
    raw = data.get("communes")
    if not isinstance(raw, list) or not raw:
        raise RescanError(f"{path} : aucune commune (ajoutez des blocs [[communes]]).")
    communes = [_commune(entry, defaults, base, path) for entry in raw]
    names = [c.name for c in communes]
    if len(set(names)) != len(names):
        raise RescanError(f"{path} : une commune est listée deux fois.")
    lock = Path(data.get("lock_file") or DEFAULT_LOCK_NAME)
    return RescanPlan(db_url=_db_relative_to(data.get("db"), base),
                      lock_file=lock if lock.is_absolute() else base / lock, communes=communes)


def _db_relative_to(url: str | None, base: Path) -> str | None:
    """A relative SQLite file in the config is relative to the config's folder, like paths."""
    prefix = "sqlite:///"
    if not url or not url.startswith(prefix) or url.startswith(prefix + "/"):
        return url
    name = url[len(prefix):]
    return url if name in ("", ":memory:") else f"{prefix}{base / name}"


def _commune(entry: Any, defaults: dict[str, Any], base: Path, path: Path) -> CommunePlan:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        raise RescanError(f"{path} : chaque [[communes]] doit avoir un « name ».")
    merged = {**defaults, **entry}
    unknown = sorted(set(merged) - COMMUNE_KEYS)
    if unknown:
        raise RescanError(f"{path}, commune {entry['name']} : réglage inconnu « {unknown[0]} » "
                          f"(réglages : {', '.join(sorted(COMMUNE_KEYS))}).")
    options: dict[str, Any] = {"commune": merged["name"]}
    for key, target in PATH_KEYS.items():
        if merged.get(key):
            value = Path(merged[key]).expanduser()
            options[target] = value if value.is_absolute() else base / value
    for key in PLAIN_KEYS & set(merged):
        value = merged[key]
        options[key] = tuple(value) if isinstance(value, list) else value
    return CommunePlan(name=merged["name"], options=options)


def _try_lock(handle: Any) -> bool:
    """Take an exclusive, non-blocking OS lock on an open file (POSIX flock, Windows msvcrt)."""
    if os.name == "nt":
        import msvcrt  # lazy: exists on Windows only

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl  # lazy: exists on POSIX only

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an OS lock on `path` (released even if the process dies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    try:
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise RescanError(f"une mise à jour est déjà en cours (verrou {path}, {holder}) ; "
                              "réessayez quand elle sera finie.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def unfinished_scan(store: Store, commune: CommunePlan) -> str | None:
    """The latest unfinished scan of the same commune and shops file, if any."""
    shops_file = commune.options.get("shops_file")
    for scan in reversed(store.list_scans(commune.name)):
        if scan["status"] == "finished":
            continue
        recorded = (scan.get("settings") or {}).get("shops_file")
        if (str(shops_file) if shops_file else None) == recorded:
            return str(scan["id"])
    return None


def run_plan(plan: RescanPlan, db_url: str, *, quiet: bool = True,
             on_done: Callable[[CommuneOutcome], None] | None = None) -> list[CommuneOutcome]:
    """Scan every commune in turn; one failing commune never stops the others."""
    outcomes = []
    with exclusive_lock(plan.lock_file):
        for commune in plan.communes:
            outcomes.append(_run_commune(commune, plan.db_url or db_url, quiet))
            if on_done:
                on_done(outcomes[-1])
    return outcomes


def _run_commune(commune: CommunePlan, db_url: str, quiet: bool) -> CommuneOutcome:
    try:
        with contextlib.closing(Store(db_url)) as store:
            resume_id = unfinished_scan(store, commune)
        config = ScanConfig(db_url=db_url, quiet=quiet, resume_scan_id=resume_id,
                            **commune.options)
        outcome = asyncio.run(run_scan(config))
    except Exception as exc:  # noqa: BLE001 - reported in the summary, next commune goes on
        return CommuneOutcome(name=commune.name, ok=False, message=_one_line(exc))
    complete = outcome.shops_done >= outcome.shops_total
    return CommuneOutcome(
        name=commune.name, ok=complete, scan_id=outcome.scan_id, resumed=resume_id is not None,
        shops_done=outcome.shops_done, shops_total=outcome.shops_total, errors=outcome.errors,
        out_dir=str(outcome.out_dir),
        message="" if complete else "analyse incomplète : relancez pour reprendre")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
