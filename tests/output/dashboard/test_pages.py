"""The dashboard's pages through Starlette's TestClient: content, links, change counts, exports."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from markupsafe import escape
from starlette.testclient import TestClient

from core.steps import STEPS
from output.dashboard import create_app
from output.dashboard.views import PageCache
from output.diff import diff_scans
from output.store import Store
from tests.helpers.dashboard import OTHER_COMMUNE, build_territory
from tests.output.sample import COMMUNE, HOSTILE_NAME, SHOPS, shop_for


def territory_moves(page: str) -> dict[str, dict[str, tuple[int, int]]]:
    """{commune: {step: (up, down)}} read from the territory table."""
    moves: dict[str, dict[str, tuple[int, int]]] = {}
    for row in re.findall(r'<tr data-commune="([^"]*)">(.*?)</tr>', page, re.S):
        name, cells = html.unescape(row[0]), row[1]
        found = re.findall(r'data-step="(\w+)".*?data-up="(\d+)".*?data-down="(\d+)"', cells,
                           re.S)
        moves[name] = {step: (int(up), int(down)) for step, up, down in found}
    return moves


def test_territory_lists_every_commune_at_its_latest_finished_scan(
        client: TestClient, territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    store, scans = territory_store
    page = client.get("/")
    assert page.status_code == 200
    assert territory_moves(page.text).keys() == {COMMUNE, OTHER_COMMUNE}
    latest = store.get_scan(scans[COMMUNE][-1])
    assert latest is not None
    assert f'data-value="{latest["summary"]["shops"]}"' in page.text
    assert "/compare?name=" in page.text


def test_territory_arrows_are_the_diff_counts(
        client: TestClient, territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    store, scans = territory_store
    moves = territory_moves(client.get("/").text)
    for commune, ids in scans.items():
        diff = diff_scans(store, ids[-2], ids[-1])
        expected = {step: (diff["counts"]["steps"][step]["improved"],
                           diff["counts"]["steps"][step]["regressed"]) for step in STEPS}
        assert moves[commune] == expected
    assert any(up for up, _down in moves[COMMUNE].values())  # the fixture really moved
    assert any(down for _up, down in moves[OTHER_COMMUNE].values())


def test_territory_sector_filter(client: TestClient) -> None:
    page = client.get("/", params={"sector": "health"}).text
    # Only the first commune has a pharmacy among its shops (the second has 6 shops: no health).
    assert territory_moves(page).keys() == {COMMUNE}
    assert '<option value="health" selected>' in page
    every = client.get("/", params={"sector": "not-a-sector"}).text
    assert territory_moves(every).keys() == {COMMUNE, OTHER_COMMUNE}


def test_commune_page_shows_the_report_content_and_links(
        client: TestClient, territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    page = client.get("/commune", params={"name": COMMUNE}).text
    for section in ("summary", "journey", "sectors", "streets", "map", "shops", "trends",
                    "scans", "method"):
        assert f'id="{section}"' in page
    assert page.count('class="shop-link"') == len(SHOPS)  # latest finished: every shop
    assert page.count('class="scan-link"') == 4  # three finished, one running
    assert "↑" in page  # level changes since the previous scan are marked
    for scan_id in territory_store[1][COMMUNE]:
        assert f"/export/{scan_id}/xlsx" in page


def test_commune_sector_and_street_views(client: TestClient) -> None:
    health = client.get("/commune", params={"name": COMMUNE, "sector": "health"}).text
    assert health.count('class="shop-link"') == 1 and "Pharmacie Centrale" in health
    street = client.get("/commune", params={"name": COMMUNE,
                                            "street": "Place aux Foires (6900)"}).text
    assert street.count('class="shop-link"') == 3
    assert 'id="all-shops"' in street


def test_commune_of_an_other_scan_and_unknown_names(
        client: TestClient, territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    first = territory_store[1][COMMUNE][0]
    page = client.get("/commune", params={"name": COMMUNE, "scan": first})
    assert page.status_code == 200 and "Automne" in page.text
    other = territory_store[1][OTHER_COMMUNE][0]
    assert client.get("/commune", params={"name": COMMUNE, "scan": other}).status_code == 404
    assert client.get("/commune", params={"name": "Nulle-part"}).status_code == 404
    assert client.get("/shop/i-unknown").status_code == 404


def test_shop_page_is_a_timeline_with_changes_and_links(client: TestClient) -> None:
    commune = client.get("/commune", params={"name": COMMUNE}).text
    match = re.search(r'href="(/shop/[^"]+)">Librairie du Centre<', commune)
    assert match
    page = client.get(match.group(1)).text
    body = page.split('id="timeline-table"')[1].split("</tbody>")[0]
    assert body.count("<tr") == 1 + 4  # header, three finished scans and the running one
    assert "(en cours)" in page
    assert 'id="website-link" href="https://shop3.example.be/"' in page
    assert "https://www.google.com/maps/place/?q=place_id:pl-3" in page
    assert "class=\"level-change up\"" in page  # e.g. web presence 3 → 4
    assert "Automne" in page and "Printemps" in page
    assert 'class="found"' in page  # what each scan found, in the report's words


def test_compare_matches_diff(client: TestClient,
                              territory_store: tuple[Store, dict[str, list[str]]]) -> None:
    store, scans = territory_store
    a, b = scans[COMMUNE][0], scans[COMMUNE][2]
    page = client.get("/compare", params={"name": COMMUNE, "a": a, "b": b}).text
    diff = diff_scans(store, a, b)
    for step in STEPS:
        counts = diff["counts"]["steps"][step]
        assert re.search(rf'data-step="{step}">.*?data-up="{counts["improved"]}".*?'
                         rf'data-down="{counts["regressed"]}"', page, re.S)
    moved = sum(len(c["improved"]) + len(c["regressed"]) for c in diff["steps"].values())
    assert page.count('class="shop-link"') == moved + diff["counts"]["new"] + \
        diff["counts"]["gone"] + diff["counts"]["closed"]
    assert client.get("/compare", params={"name": COMMUNE, "a": scans[OTHER_COMMUNE][0],
                                          "b": b}).status_code == 404


@pytest.mark.parametrize("fmt,start", [("html", b"<!DOCTYPE html>"), ("xlsx", b"PK"),
                                       ("csv", b""), ("json", b"{")])
def test_export_streams_the_report_files(
        client: TestClient, territory_store: tuple[Store, dict[str, list[str]]], fmt: str,
        start: bytes) -> None:
    scan_id = territory_store[1][COMMUNE][-1]
    answer = client.get(f"/export/{scan_id}/{fmt}", params={"lang": "nl"})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.content.startswith(start) and len(answer.content) > 200
    if fmt == "json":
        assert json.loads(answer.content)["scan"]["id"] == scan_id
    if fmt == "html":
        assert b'lang="nl"' in answer.content
    assert client.get(f"/export/{scan_id}/pdf").status_code == 404


@pytest.mark.parametrize("lang", ["nl", "de", "en"])
def test_pages_speak_each_language(client: TestClient, lang: str,
                                   territory_store: tuple[Store, dict[str, Any]]) -> None:
    ids = territory_store[1][COMMUNE]
    for url in ("/", f"/commune?name={COMMUNE}", f"/compare?name={COMMUNE}"):
        page = client.get(url, params={"lang": lang}).text
        assert f'<html lang="{lang}">' in page
        assert not re.search(r">[^<]*\bdash\.\w+", page)  # no untranslated key shown
    assert ids  # the language is remembered in a cookie
    assert '<html lang="' + lang + '">' in client.get("/").text
    client.get("/", params={"lang": "fr"})


def test_hostile_shop_name_is_escaped_everywhere(client: TestClient) -> None:
    commune = client.get("/commune", params={"name": COMMUNE}).text
    shop_url = re.search(r'href="(/shop/[^"]+)">&lt;script&gt;', commune)
    assert shop_url, "the hostile name is shown escaped, as a link to its shop page"
    pages = [commune, client.get(shop_url.group(1)).text, client.get("/").text,
             client.get("/compare", params={"name": COMMUNE}).text]
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert 'href="javascript:' not in page
    assert str(escape(HOSTILE_NAME)) in pages[1]
    assert 'Durbuy &amp; &lt;Co&gt;' in pages[2]


def _opportunities(page: str) -> list[str]:
    section = page.split('id="opportunities"')[1].split("</section>")[0]
    return re.findall(r"<li><strong>(.*?)</strong>", section)


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_commune_page_names_the_opportunities_as_the_report_does(
        client: TestClient, territory_store: tuple[Store, dict[str, Any]], lang: str) -> None:
    scan_id = territory_store[1][COMMUNE][-1]
    page = client.get("/commune", params={"name": COMMUNE, "lang": lang}).text
    report = client.get(f"/export/{scan_id}/html", params={"lang": lang}).text
    assert _opportunities(page) and _opportunities(page) == _opportunities(report)
    if lang != "fr":  # in the page's language, not the French stored with the scan
        french = client.get("/commune", params={"name": COMMUNE, "lang": "fr"}).text
        assert set(_opportunities(page)).isdisjoint(_opportunities(french))
    client.get("/", params={"lang": "fr"})


def test_a_finished_scans_page_is_kept_until_the_communes_scans_change(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'kept.db'}")
    build_territory(store)
    statements: list[str] = []
    try:
        with TestClient(create_app(store)) as client:
            first = client.get("/commune", params={"name": COMMUNE}).text
            sa.event.listen(store.engine, "before_cursor_execute",
                            lambda _c, _cur, statement, *_rest: statements.append(statement))
            assert client.get("/commune", params={"name": COMMUNE}).text == first
            assert statements and not [s for s in statements if "shop_levels" in s]
            nl = client.get("/commune", params={"name": COMMUNE, "lang": "nl"}).text
            assert nl != first and '<html lang="nl">' in nl
            client.get("/", params={"lang": "fr"})
            new = store.begin_scan(label="Nouveau", commune=COMMUNE, settings={},
                                   shops=[shop_for(0)])
            again = client.get("/commune", params={"name": COMMUNE}).text
            assert new in again and new not in first  # the scans list is current
    finally:
        store.close()


def test_kept_pages_stay_within_their_budget() -> None:
    pages = PageCache(max_chars=10)
    pages.put("a", "aaaaaa")
    pages.put("b", "bbbb")
    assert pages.get("a") == "aaaaaa"  # now the most recently used
    pages.put("c", "cc")  # 12 characters: the least recently used ("b") goes
    assert (pages.get("a"), pages.get("b"), pages.get("c")) == ("aaaaaa", None, "cc")
    pages.put("big", "x" * 11)
    pages.put(None, "never kept")
    assert pages.get("big") is None and pages.get(None) is None
