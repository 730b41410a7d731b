"""What the territory, shop and compare pages show, from the store (no HTML: templates escape).

Finished scans never change, so the change counts between two of them are kept in memory
(`ChangeCache`), and so are the rendered commune pages of finished scans (`PageCache`);
everything else is read on each request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import sqlalchemy as sa

from core.steps import STEPS
from output import _stats
from output._aggregates import ALL_SHOPS
from output._format import Formatter, safe_href
from output._shop_view import problems, shop_details
from output.dashboard import queries as q
from output.dashboard.bars import distribution_bar
from output.dashboard.commune_view import NotFound, scan_rubric
from output.diff import diff_scans
from output.i18n import Messages
from output.report_view import shop_row
from output.store import Store
from scoring.model import SECTORS
from scoring.result_view import PLACE_URL

CHANGE_CACHE_SIZE = 20_000  # scan pairs; each entry is a few small lists
# Rendered commune pages kept, in characters: ~300,000 a page of 300 shops, 2 bytes each in
# memory (the pages hold ↑ ↓, so Python stores them 2 bytes a character): ~64 MB, ~100 pages.
PAGE_CACHE_CHARS = 32_000_000
MAX_SIGNAL_CHANGES = 25  # per scan on the shop page


class ChangeCache:
    """Level changes between two finished scans (immutable, so cached for good)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], dict[str, q.Change]] = {}
        self._lock = threading.Lock()

    def get(self, conn: sa.Connection, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        with self._lock:
            missing = [pair for pair in pairs if pair not in self._known]
        found = q.level_changes(conn, missing)
        with self._lock:
            if len(self._known) + len(missing) > CHANGE_CACHE_SIZE:
                self._known.clear()
            for older, newer in missing:
                self._known[(older, newer)] = found.get(newer, {})
            return {newer: self._known.get((older, newer), {}) for older, newer in pairs}


class PageCache:
    """Rendered pages of finished scans, most recently used kept, `max_chars` in all.

    Plain strings: the garbage collector has nothing to walk in them (a cache of the pages'
    dicts would lengthen its full passes)."""

    def __init__(self, max_chars: int = PAGE_CACHE_CHARS) -> None:
        self.max_chars = max_chars
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable | None) -> str | None:
        if key is None:
            return None
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable | None, page: str) -> None:
        if key is None or len(page) > self.max_chars:
            return
        with self._lock:
            if key in self._pages:
                return
            self._pages[key] = page
            self._size += len(page)
            while self._size > self.max_chars:
                self._size -= len(self._pages.popitem(last=False)[1])


# -- territory ------------------------------------------------------------------------------
def territory(store: Store, changes: ChangeCache, sector: str, msg: Messages,
              fmt: Formatter) -> dict[str, Any]:
    sector = sector if sector in SECTORS else ALL_SHOPS
    with store.engine.connect() as conn:
        by_commune = q.finished_scans(conn)
        latest = {name: scans[-1] for name, scans in by_commune.items()}
        pairs = {name: (scans[-2]["id"], scans[-1]["id"])
                 for name, scans in by_commune.items() if len(scans) >= 2}
        figures = q.scan_figures(conn, [s["id"] for s in latest.values()], sector)
        moved = changes.get(conn, list(pairs.values()))
    rows: list[dict[str, Any]] = []
    for name, scans in by_commune.items():
        scan = latest[name]
        if scan["id"] not in figures:
            continue  # no shop of this sector in the commune
        change = (q.total_change(moved[scan["id"]], sector) if name in pairs else None)
        rows.append({"name": name, "scan": scan, "scans": len(scans),
                     "previous": pairs[name][0] if name in pairs else None,
                     "figures": figures[scan["id"]],
                     "cells": step_cells(figures[scan["id"]], change, msg, fmt)})
    rows.sort(key=lambda row: (str(row["name"]).casefold(), str(row["name"])))
    return {"rows": rows, "sector": sector, "sectors": SECTORS}


def step_cells(figures: dict[str, Any], change: q.Change | None, msg: Messages,
               fmt: Formatter) -> dict[str, dict[str, Any]]:
    """Per step: the distribution bar, share basic, coverage and change, ready to show
    (the territory has 5 of them per commune: prepared here, not in the template)."""
    cells = {}
    for step in STEPS:
        f = figures["steps"][step]
        up, down = change[step] if change else (None, None)
        cells[step] = {
            "bar": distribution_bar(f["levels"], f.get("in_scope") or 0, msg),
            "share": fmt.pct(f["share_basic"]),
            "coverage": msg("dash.coverage_short", share=fmt.pct(f["coverage"])),
            "up": up, "down": down,
            "up_title": msg("dash.improved", count=up), "down_title": msg("dash.regressed",
                                                                          count=down),
            "sort": f["share_basic"] if f["share_basic"] is not None else -1}
    return cells


# -- shop -----------------------------------------------------------------------------------
def shop(store: Store, identity_key: str, msg: Messages) -> dict[str, Any]:
    with store.engine.connect() as conn:
        timeline = q.shop_timeline(conn, identity_key)
    if not timeline:
        raise NotFound(identity_key)
    rubric = scan_rubric({})  # the built-in one: the timeline spans scans
    entries = []
    for index, item in enumerate(timeline):
        before = timeline[index - 1] if index else None
        changed = _level_changes(before, item)
        entries.append({"scan": item["scan"], "row": shop_row(item["result"]),
                        "details": shop_details(item["result"], rubric, msg),
                        "problems": problems(item["result"], msg),
                        "first": before is None,
                        "level_changes": changed,
                        "moves": {c["step"]: c["move"] for c in changed},
                        "signal_changes": _signal_changes(before, item, msg)})
    latest = timeline[-1]["result"]
    place_id = _stats.as_dict(latest.get("places")).get("place_id") or latest.get("place_id")
    return {"entries": entries, "latest": shop_row(latest), "identity_key": identity_key,
            "commune": timeline[-1]["scan"]["commune"],
            "website_href": safe_href(latest.get("website")),
            "google_href": PLACE_URL.format(place_id=place_id) if place_id else None}


def _level_changes(before: dict[str, Any] | None, item: dict[str, Any]) -> list[dict[str, Any]]:
    if before is None:
        return []
    rows = []
    for step in STEPS:
        was, now = before["levels"][step], item["levels"][step]
        if was is not None and now is not None and was != now:
            rows.append({"step": step, "before": was, "after": now,
                         "move": "up" if now > was else "down"})
    return rows


def _signal_changes(before: dict[str, Any] | None, item: dict[str, Any],
                    msg: Messages) -> list[dict[str, str]]:
    if before is None:
        return []
    old = _stats.as_dict(before["result"].get("signals"))
    new = _stats.as_dict(item["result"].get("signals"))
    rows = []
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) != new.get(name):
            label = msg(f"signals.{name}") if msg.has(f"signals.{name}") else name
            rows.append({"signal": label, "before": _shown(old.get(name), msg),
                         "after": _shown(new.get(name), msg)})
    return rows[:MAX_SIGNAL_CHANGES]


def _shown(value: Any, msg: Messages) -> str:
    if isinstance(value, bool):
        return msg("dash.yes") if value else msg("dash.no")
    if value is None or value == []:
        return msg("dash.none")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# -- compare --------------------------------------------------------------------------------
def compare(store: Store, name: str, scan_a: str | None, scan_b: str | None) -> dict[str, Any]:
    with store.engine.connect() as conn:
        scans = q.finished_scans(conn).get(name)
    if not scans:
        raise NotFound(name)
    if len(scans) < 2:
        return {"name": name, "scans": scans, "diff": None, "a": None, "b": None}
    ids = [s["id"] for s in scans]
    a, b = scan_a or ids[-2], scan_b or ids[-1]
    if a not in ids or b not in ids:
        raise NotFound(a if a not in ids else b)
    return {"name": name, "scans": scans, "a": a, "b": b, "diff": diff_scans(store, a, b)}
