"""Read-only queries of the dashboard, each one within an index (see migration 0002).

The territory reads `scans`, `scan_figures` and `shop_levels` only, never a shop result.
A commune is keyed by its name; scans stored without a commune are grouped under "".
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from core.steps import STEPS
from output import _stats
from output import _tables as t
from output._aggregates import ALL_SHOPS, measured_levels

NO_COMMUNE = ""
Change = dict[str, list[int]]  # {step: [improved, regressed]}


def commune_condition(name: str) -> Any:
    return t.scans.c.commune.is_(None) if name == NO_COMMUNE else t.scans.c.commune == name


def commune_scans(conn: sa.Connection, name: str) -> list[dict[str, Any]]:
    """Every scan of the commune (running ones too), oldest first, with shop counts."""
    query = (sa.select(t.scans.c.id, t.scans.c.label, t.scans.c.status, t.scans.c.started_at)
             .where(commune_condition(name)).order_by(t.scans.c.started_at, t.scans.c.id))
    scans = [dict(row._mapping) for row in conn.execute(query)]
    ids = [scan["id"] for scan in scans]
    done = _counts(conn, t.shop_results, ids)
    planned = _counts(conn, t.scan_planned_shops, ids)
    for scan in scans:
        scan["shops_done"], scan["shops_planned"] = done.get(scan["id"], 0), planned.get(
            scan["id"], 0)
    return scans


def _counts(conn: sa.Connection, table: sa.Table, scan_ids: list[str]) -> dict[str, int]:
    if not scan_ids:
        return {}
    query = (sa.select(table.c.scan_id, sa.func.count()).where(table.c.scan_id.in_(scan_ids))
             .group_by(table.c.scan_id))
    return {scan_id: int(n) for scan_id, n in conn.execute(query)}


def finished_scans(conn: sa.Connection) -> dict[str, list[dict[str, Any]]]:
    """{commune: [scan brief, ...]} oldest first, finished scans only."""
    query = (sa.select(t.scans.c.id, t.scans.c.label, t.scans.c.commune, t.scans.c.started_at)
             .where(t.scans.c.status == "finished")
             .order_by(t.scans.c.commune, t.scans.c.started_at, t.scans.c.id))
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(query):
        grouped[row.commune or NO_COMMUNE].append(
            {"id": row.id, "label": row.label, "started_at": row.started_at})
    return dict(grouped)


def scan_figures(conn: sa.Connection, scan_ids: list[str],
                 sector: str = ALL_SHOPS) -> dict[str, dict[str, Any]]:
    """{scan_id: group figures} of the whole commune or of one sector (absent: no shop)."""
    if not scan_ids:
        return {}
    query = sa.select(t.scan_figures.c.scan_id, t.scan_figures.c.figures_json).where(
        t.scan_figures.c.scan_id.in_(scan_ids), t.scan_figures.c.sector == sector)
    return {scan_id: json.loads(text) for scan_id, text in conn.execute(query)}


def level_changes(conn: sa.Connection,
                  pairs: list[tuple[str, str]]) -> dict[str, dict[str, Change]]:
    """{newer scan id: {sector: {step: [improved, regressed]}}} for (older, newer) scan pairs.

    The same shop (identity key) measured in both scans, level up or down: `output.diff`'s rule.
    """
    if not pairs:
        return {}
    pair_table = sa.values(sa.column("older", sa.String), sa.column("newer", sa.String),
                           name="pairs").data(pairs).cte("pairs")
    old, new = t.shop_levels.alias("old"), t.shop_levels.alias("new")
    counts = []
    for column in t.LEVEL_COLUMNS:
        counts.append(sa.func.sum(sa.case((new.c[column] > old.c[column], 1), else_=0)))
        counts.append(sa.func.sum(sa.case((new.c[column] < old.c[column], 1), else_=0)))
    query = (sa.select(new.c.scan_id, new.c.sector, *counts)
             .select_from(pair_table.join(new, new.c.scan_id == pair_table.c.newer).join(
                 old, sa.and_(old.c.scan_id == pair_table.c.older,
                              old.c.identity_key == new.c.identity_key)))
             .group_by(new.c.scan_id, new.c.sector))
    result: dict[str, dict[str, Change]] = defaultdict(dict)
    for row in conn.execute(query):
        values = [int(v or 0) for v in row[2:]]
        result[row[0]][row[1]] = {step: values[2 * i:2 * i + 2] for i, step in enumerate(STEPS)}
    return dict(result)


def total_change(by_sector: dict[str, Change], sector: str = ALL_SHOPS) -> Change:
    """Sum over sectors ("" = all), or one sector's counts."""
    total = {step: [0, 0] for step in STEPS}
    for name, change in by_sector.items():
        if sector in (ALL_SHOPS, name):
            for step in STEPS:
                total[step][0] += change[step][0]
                total[step][1] += change[step][1]
    return total


def levels_by_identity(conn: sa.Connection, scan_id: str) -> dict[str, dict[str, int | None]]:
    """{identity_key: {step: level|None}} of a finished scan."""
    table = t.shop_levels
    query = sa.select(table.c.identity_key, *(table.c[c] for c in t.LEVEL_COLUMNS)).where(
        table.c.scan_id == scan_id)
    return {row[0]: dict(zip(STEPS, row[1:], strict=True)) for row in conn.execute(query)}


def listed_results(conn: sa.Connection, scan_id: str) -> list[dict[str, Any]] | None:
    """What a list of shops reads of each result of a finished scan (see
    `output._aggregates.listed_result`), in planned order; None when a row lacks it."""
    table = t.shop_levels
    query = (sa.select(table.c.listed_json).where(table.c.scan_id == scan_id)
             .order_by(table.c.position, table.c.shop_id))
    texts = conn.execute(query).scalars().all()
    if not all(texts):
        return None
    return [json.loads(text) for text in texts]


def shop_timeline(conn: sa.Connection, identity_key: str) -> list[dict[str, Any]]:
    """Every stored result of one shop, oldest scan first, with its scan's brief."""
    query = (sa.select(t.scans.c.id, t.scans.c.label, t.scans.c.commune, t.scans.c.status,
                       t.scans.c.started_at, t.shop_results.c.result_json)
             .join(t.scans, t.scans.c.id == t.shop_results.c.scan_id)
             .where(t.shop_results.c.identity_key == identity_key)
             .order_by(t.scans.c.started_at, t.scans.c.id))
    rows = []
    for row in conn.execute(query):
        result = json.loads(row.result_json)
        rows.append({"scan": {"id": row.id, "label": row.label,
                              "commune": row.commune or NO_COMMUNE, "status": row.status,
                              "started_at": row.started_at},
                     "result": result, "levels": measured_levels(result)})
    return rows


def figures_or_empty(figures: dict[str, Any] | None) -> dict[str, Any]:
    return figures if figures else _stats.group_figures({})
