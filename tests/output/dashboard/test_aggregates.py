"""The per-scan aggregates the dashboard reads: same rule as diff, backfilled, within indexes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from starlette.testclient import TestClient

from core.steps import STEPS
from output import _tables as t
from output._aggregates import backfill, listed_result, measured_levels
from output._db import MIGRATIONS_DIR, normalise_url
from output.dashboard import create_app
from output.diff import _compact, diff_scans
from output.report_view import ShopTally, shop_row
from output.store import Store
from scoring.aggregate import street_label
from tests.helpers.dashboard import build_territory
from tests.output.dashboard.test_pages import territory_moves
from tests.output.sample import COMMUNE, SHOPS, result_for

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


@pytest.fixture()
def fresh_client(territory_store: tuple[Store, dict[str, list[str]]]) -> Iterator[TestClient]:
    """An app that has kept no page yet (the module's client has: its pages read nothing)."""
    with TestClient(create_app(territory_store[0])) as test_client:
        yield test_client


def test_page_queries_stay_within_indexes(
        fresh_client: TestClient, territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    """EXPLAIN every query the pages run: no full scan of a table that grows with shops."""
    store, client = territory_store[0], fresh_client
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
    assert any("shop_levels" in statement for statement, _ in statements)
    with store.engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            for row in plan:
                detail = row[-1]
                # SEARCH walks part of an index; SCAN reads every row (also "USING INDEX").
                full_scan = re.match(r"SCAN (\w+)", detail)
                assert not (full_scan and full_scan.group(1) in growing), (detail, statement)


def test_the_commune_page_parses_no_whole_result(
        fresh_client: TestClient, territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    """A finished scan's shops are listed from `shop_levels.listed_json`; only a running
    scan's page reads the results themselves."""
    (store, scans), client = territory_store, fresh_client
    listed: list[str] = []
    read: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "result_json" in statement:
            read.append(statement)
        if "listed_json" in statement:
            listed.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", remember)
    try:
        for params in ({"name": COMMUNE}, {"name": COMMUNE, "sector": "horeca"},
                       {"name": COMMUNE, "scan": scans[COMMUNE][0]}):
            assert client.get("/commune", params=params).status_code == 200
        assert read == [] and len(listed) == 3  # each page built, none kept before
        running = [s["id"] for s in store.list_scans(COMMUNE) if s["status"] == "running"]
        page = client.get("/commune", params={"name": COMMUNE, "scan": running[0]})
        assert page.status_code == 200 and 'id="partial"' in page.text
        assert read  # the running scan: from its results
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", remember)


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


def _sample_results() -> list[dict[str, Any]]:
    results = [result_for(i, shift, closed=closed) for i in range(len(SHOPS))
               for shift in (-1, 0, 1) for closed in (False, True)]
    odd = [{**results[0], "steps": {"web_presence": step, "reviews": step}, "errors": errors,
            "crawl": crawl} for step in ODD_STEPS
           for errors, crawl in (([{"kind": "timeout"}, "x"], {"status": "unreachable"}),
                                 (None, "broken"))]
    return [*results, *odd, {"id": "s-bare"}]


@pytest.mark.parametrize("result", _sample_results())
def test_a_listed_result_lists_as_the_whole_result(result: dict[str, Any]) -> None:
    """The commune page reads `listed_json`: every list of shops must read the same there."""
    listed = json.loads(json.dumps(listed_result(result)))  # as stored
    assert shop_row(listed) == shop_row(result)
    assert street_label(listed) == street_label(result)
    whole, slim = ShopTally(), ShopTally()
    whole.add(result)
    slim.add(listed)
    assert vars(slim) == vars(whole)
    assert "signals" not in listed and "evidence" not in listed


def test_a_listed_result_is_small() -> None:
    result = result_for(3)
    assert len(json.dumps(listed_result(result))) < len(json.dumps(result)) / 2


def _downgrade(url: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = sa.create_engine(normalise_url(url))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    engine.dispose()


def test_migrations_rebuild_the_aggregates_of_older_stores(db_url: str) -> None:
    """A store from before 0003 (aggregates without listed results) and one from before 0002
    (no aggregates at all) get, on opening, the rows `finish_scan` writes today."""
    store = Store(db_url)
    scans = build_territory(store)
    expected = {table.name: _rows(store, table) for table in (t.shop_levels, t.scan_figures)}
    store.close()
    assert expected["shop_levels"] and all(row[-1] for row in expected["shop_levels"])
    for revision in ("0002_dashboard_aggregates", "0001_initial"):
        _downgrade(db_url, revision)
        store = Store(db_url)  # migrates to the head again
        try:
            assert {table.name: _rows(store, table)
                    for table in (t.shop_levels, t.scan_figures)} == expected, revision
            with TestClient(create_app(store)) as client:
                page = client.get("/commune", params={"name": COMMUNE}).text
            assert page.count('class="shop-link"') == len(SHOPS)
            assert scans[COMMUNE]
        finally:
            store.close()
