"""The per-scan aggregates the dashboard reads: same rule as diff, backfilled, within indexes."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from core.steps import STEPS
from output import _tables as t
from output._aggregates import backfill, measured_levels
from output.dashboard import create_app
from output.diff import _compact, diff_scans
from output.store import Store
from tests.output.dashboard.conftest import build_territory
from tests.output.dashboard.test_pages import territory_moves
from tests.output.sample import COMMUNE

ODD_STEPS: list[Any] = [
    None, {}, {"status": "measured", "level": 3},
    {"status": "measured", "level": None, "score": None},
    {"status": "not_measured", "level": 2}, {"status": "error", "level": 1},
    {"status": "measured", "level": "3"}, {"status": "measured", "level": 0, "score": 0},
]


def test_levels_tolerate_a_broken_step() -> None:
    assert measured_levels({"steps": {"web_presence": "broken"}})["web_presence"] is None


@pytest.mark.parametrize("step", ODD_STEPS)
def test_levels_follow_the_diff_rule(step: Any) -> None:
    result = {"id": "s-1", "steps": {"web_presence": step, "reviews": step}}
    assert measured_levels(result) == _compact(result)["levels"]


def _rows(store: Store, table: sa.Table) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return sorted(tuple(row) for row in conn.execute(sa.select(table)))


def test_backfill_rebuilds_what_finish_scan_wrote(
        territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    store, scans = territory_store
    before = {table.name: _rows(store, table) for table in (t.shop_levels, t.scan_figures)}
    finished = sum(len(ids) for ids in scans.values())
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count(sa.distinct(t.scan_figures.c.scan_id)))
                            ).scalar() == finished  # not the running scan
    with store.engine.begin() as conn:  # a store migrated from before the aggregates
        conn.execute(sa.delete(t.shop_levels))
        conn.execute(sa.delete(t.scan_figures))
        backfill(conn)
    after = {table.name: _rows(store, table) for table in (t.shop_levels, t.scan_figures)}
    assert after == before and before["shop_levels"]


def test_page_queries_stay_within_indexes(
        client: TestClient, territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    """EXPLAIN every query the pages run: no full scan of a table that grows with shops."""
    store = territory_store[0]
    statements: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", remember)
    try:
        commune = client.get("/commune", params={"name": COMMUNE}).text
        shop = re.search(r'href="(/shop/[^"]+)"', commune)
        assert shop
        for url in ("/", "/?sector=horeca", shop.group(1), f"/compare?name={COMMUNE}"):
            assert client.get(url).status_code == 200
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", remember)
    growing = ("shop_results", "shop_levels", "scan_figures", "scan_planned_shops")
    with store.engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            for row in plan:
                detail = row[-1]
                full_scan = re.match(r"SCAN (\w+)(?: AS \w+)?$", detail)
                assert not (full_scan and full_scan.group(1) in growing), (detail, statement)


def test_pages_on_each_database(db_url: str) -> None:
    """SQLite and PostgreSQL (when SMARTCOMMERCE_TEST_PG_URL is set): same pages, same counts."""
    store = Store(db_url)
    try:
        scans = build_territory(store)
        with TestClient(create_app(store)) as client:
            moves = territory_moves(client.get("/").text)
            for commune, ids in scans.items():
                diff = diff_scans(store, ids[-2], ids[-1])
                assert moves[commune] == {step: (diff["counts"]["steps"][step]["improved"],
                                                 diff["counts"]["steps"][step]["regressed"])
                                          for step in STEPS}
            commune = client.get("/commune", params={"name": COMMUNE}).text
            shop = re.search(r'href="(/shop/[^"]+)"', commune)
            assert shop and client.get(shop.group(1)).status_code == 200
            assert client.get("/compare", params={"name": COMMUNE}).status_code == 200
            assert client.get("/", params={"sector": "horeca"}).status_code == 200
    finally:
        store.close()
