"""shops.csv: one row per shop with identity, each step's score/level/status, every signal.

Two streaming passes over the store: the first collects signal names (columns), the second
writes rows. Text a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.steps import STEPS
from output._files import atomic_text, neutralise_formula
from output.store import Store

IDENTITY_COLUMNS = ("id", "identity_key", "name", "website", "address", "postcode", "city",
                    "lat", "lon", "category", "sector", "osm_id", "kbo_number", "place_id",
                    "sources")
STEP_FIELDS = ("score", "level", "status", "reason")
STATUS_COLUMNS = ("crawl_status", "crawl_pages", "places_status", "errors")
LIST_SEPARATOR = "; "


def signal_names(store: Store, scan_id: str) -> list[str]:
    names: set[str] = set()
    for result in store.iter_shop_results(scan_id):
        names.update((result.get("signals") or {}).keys())
    return sorted(names, key=_signal_order)


def _signal_order(name: str) -> tuple[int, str]:
    step = name.split(".", 1)[0]
    return (STEPS.index(step) if step in STEPS else len(STEPS), name)


def header(signals: list[str]) -> list[str]:
    steps = [f"{step}.{field}" for step in STEPS for field in STEP_FIELDS]
    return [*IDENTITY_COLUMNS, *steps, *STATUS_COLUMNS, *(f"signal.{s}" for s in signals)]


def flat_row(result: dict[str, Any], signals: list[str]) -> list[Any]:
    """The shop as plain cell values, in `header(signals)` order (not yet neutralised)."""
    row: list[Any] = [plain(result.get(col)) for col in IDENTITY_COLUMNS]
    steps = result.get("steps") or {}
    for step in STEPS:
        observed = steps.get(step) or {}
        row += [plain(observed.get(field)) for field in STEP_FIELDS]
    crawl, places = result.get("crawl") or {}, result.get("places") or {}
    row += [crawl.get("status"), crawl.get("pages"), places.get("status"),
            len(result.get("errors") or [])]
    values = result.get("signals") or {}
    row += [plain(values.get(name)) for name in signals]
    return row


def plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict):
        return LIST_SEPARATOR.join(f"{k}={v}" for k, v in value.items())
    return value


def rows(store: Store, scan_id: str) -> Iterator[list[Any]]:
    signals = signal_names(store, scan_id)
    yield header(signals)
    for result in store.iter_shop_results(scan_id):
        yield flat_row(result, signals)


def write_shops_csv(store: Store, scan_id: str, path: Path) -> Path:
    with atomic_text(path, newline="") as out:
        out.write("\ufeff")  # BOM: Excel opens UTF-8 accents correctly
        writer = csv.writer(out)
        for row in rows(store, scan_id):
            writer.writerow(["" if v is None else neutralise_formula(v) for v in row])
    return path
