"""Per-scan aggregates kept beside a finished scan, so a territory reads small rows, not results.

`record_scan_aggregates` runs inside `Store.finish_scan`'s transaction (a finished scan never
changes, so neither do these rows):
- `shop_levels`: each shop's measured level per step, as `output.diff` reads it (a level
  counts only when the step was measured), with its identity key, sector, planned position
  and its listed result (`listed_result`: what a list of shops reads of it, ~0.7 KB instead
  of the whole result);
- `scan_figures`: `output._stats.group_figures` of the commune section, for the whole commune
  (sector "") and for each sector.
The dashboard's change arrows compare `shop_levels` of two scans in SQL, and its commune page
lists the shops from `listed_json`, never parsing a whole result. The newest migration that
changes these tables refills them for the scans finished before it (`backfill`, which writes
today's columns): an older migration must not call it.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from core.steps import STEPS
from output import _stats
from output import _tables as t
from scoring.result_view import sector_of_result

ALL_SHOPS = ""  # scan_figures.sector of the whole commune
INSERT_BATCH = 500
LISTED_KEYS = ("id", "identity_key", "name", "website", "address", "postcode", "city",
               "sector", "lat", "lon")
LISTED_STEP_KEYS = ("status", "level", "score", "reason")


def measured_levels(result: dict[str, Any]) -> dict[str, int | None]:
    """{step: level} where the step was measured with an integer level, else None
    (the rule `output.diff` applies)."""
    steps = _stats.as_dict(result.get("steps"))
    levels: dict[str, int | None] = {}
    for step in STEPS:
        observed = _stats.as_dict(steps.get(step))
        level = observed.get("level")
        measured = observed.get("status") == "measured" and isinstance(level, int)
        levels[step] = int(level) if measured and isinstance(level, int) else None
    return levels


def listed_result(result: dict[str, Any]) -> dict[str, Any]:
    """The part of a shop result that a list of shops reads (`output.report_view.shop_row`
    and `ShopTally`, `scoring.aggregate.street_label`): name, address, place, each step's
    status, level, score and reason, the crawl and listing statuses, the kinds of errors.
    Those read the same from it as from the whole result; signals and evidence are left out."""
    listed = {key: result[key] for key in LISTED_KEYS if result.get(key) is not None}
    steps = result.get("steps")
    if isinstance(steps, dict):
        listed["steps"] = {step: {k: v for k, v in observed.items() if k in LISTED_STEP_KEYS}
                           if isinstance(observed, dict) else observed
                           for step, observed in steps.items()}
    for section in ("crawl", "places"):
        status = _stats.as_dict(result.get(section)).get("status")
        if status is not None:
            listed[section] = {"status": status}
    kinds = [{"kind": e.get("kind")} for e in _stats.as_list(result.get("errors"))
             if isinstance(e, dict)]
    if kinds:
        listed["errors"] = kinds
    return listed


def levels_row(scan_id: str, shop_id: str, identity_key: str, position: int,
               result: dict[str, Any]) -> dict[str, Any]:
    levels = measured_levels(result)
    row: dict[str, Any] = {"scan_id": scan_id, "shop_id": shop_id, "identity_key": identity_key,
                           "sector": sector_of_result(result), "position": position,
                           "listed_json": json.dumps(listed_result(result), ensure_ascii=False,
                                                     separators=(",", ":"))}
    row.update({column: levels[step] for column, step in zip(t.LEVEL_COLUMNS, STEPS,
                                                             strict=True)})
    return row


def figures_rows(scan_id: str, commune: dict[str, Any]) -> list[dict[str, Any]]:
    groups = {ALL_SHOPS: commune, **_stats.as_dict(commune.get("by_sector"))}
    return [{"scan_id": scan_id, "sector": sector,
             "figures_json": json.dumps(_stats.group_figures(group), separators=(",", ":"))}
            for sector, group in groups.items()]


def record_scan_aggregates(conn: sa.Connection, scan_id: str, commune: dict[str, Any]) -> None:
    """Write (or rewrite) the scan's shop levels and group figures."""
    for table in (t.shop_levels, t.scan_figures):
        conn.execute(sa.delete(table).where(table.c.scan_id == scan_id))
    query = (sa.select(t.shop_results.c.shop_id, t.shop_results.c.identity_key,
                       t.shop_results.c.position, t.shop_results.c.result_json)
             .where(t.shop_results.c.scan_id == scan_id))
    batch: list[dict[str, Any]] = []
    for shop_id, identity_key, position, text in conn.execute(query):
        batch.append(levels_row(scan_id, shop_id, identity_key, position, _loads(text)))
        if len(batch) >= INSERT_BATCH:
            conn.execute(sa.insert(t.shop_levels), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(t.shop_levels), batch)
    conn.execute(sa.insert(t.scan_figures), figures_rows(scan_id, commune))


def backfill(conn: sa.Connection) -> None:
    """Aggregates for every finished scan that has none (scans finished before the tables)."""
    done = sa.select(t.scan_figures.c.scan_id)
    query = sa.select(t.scans.c.id, t.scans.c.commune_json).where(
        t.scans.c.status == "finished", t.scans.c.id.not_in(done))
    for scan_id, commune_json in conn.execute(query).all():
        record_scan_aggregates(conn, scan_id, _loads(commune_json))


def _loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
