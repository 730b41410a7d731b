"""Health checks for the store: engine-level (SQLite PRAGMA) and logical consistency."""

from __future__ import annotations

import json

import sqlalchemy as sa

from output import _tables as t


def find_problems(conn: sa.Connection, dialect: str, expected_revision: str) -> list[str]:
    problems: list[str] = []
    if dialect == "sqlite":
        rows = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems += [f"SQLite integrity_check: {row}" for row in rows]
    revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if revision != expected_revision:
        problems.append(f"Schema version {revision!r}, expected {expected_revision!r}")
    problems += _orphans(conn)
    problems += _finished_without_summary(conn)
    problems += _unreadable_results(conn)
    return problems


def _orphans(conn: sa.Connection) -> list[str]:
    known = sa.select(t.scans.c.id)
    orphans = conn.execute(sa.select(sa.func.count()).select_from(t.shop_results)
                           .where(t.shop_results.c.scan_id.not_in(known))).scalar()
    unlinked = conn.execute(sa.select(sa.func.count()).select_from(t.shop_results).where(
        t.shop_results.c.identity_key.not_in(sa.select(t.shop_identity.c.identity_key)))).scalar()
    problems = []
    if orphans:
        problems.append(f"{orphans} shop result(s) belong to no scan")
    if unlinked:
        problems.append(f"{unlinked} shop result(s) point to an unknown shop identity")
    return problems


def _finished_without_summary(conn: sa.Connection) -> list[str]:
    rows = conn.execute(sa.select(t.scans.c.id).where(
        t.scans.c.status == "finished", t.scans.c.commune_json.is_(None)))
    return [f"Finished scan {row[0]} has no commune summary" for row in rows]


def _unreadable_results(conn: sa.Connection) -> list[str]:
    problems = []
    rows = conn.execution_options(stream_results=True, yield_per=500).execute(
        sa.select(t.shop_results.c.scan_id, t.shop_results.c.shop_id, t.shop_results.c.result_json))
    for scan_id, shop_id, text in rows:
        try:
            data = json.loads(text)
        except ValueError:
            problems.append(f"Result of shop {shop_id} in scan {scan_id} is not valid JSON")
            continue
        if not isinstance(data, dict) or data.get("id") != shop_id:
            problems.append(f"Result of shop {shop_id} in scan {scan_id} has a wrong id")
    return problems
