import httpx
import pytest

from core.http import HttpContext
from fixtures.fake_overpass import FakeOverpass
from sources.osm_parse import load_osm_file, parse_overpass_elements
from sources.overpass import (
    CommuneSelector,
    OverpassError,
    build_shops_query,
    run_query,
)
from tests.helpers.sources import FIXTURES, farm_context, no_sleep

OSM_FIXTURE = FIXTURES / "osm_bellemarche.json"


def fake_farm(farm):
    fake = FakeOverpass.from_file(OSM_FIXTURE)
    farm.add_host("overpass-api.de", fake)
    return fake, farm_context(farm)


async def test_shops_query_by_nis_through_the_farm(farm) -> None:
    fake, ctx = fake_farm(farm)
    answer = await run_query(build_shops_query(CommuneSelector(nis="99001")), ctx)
    result = parse_overpass_elements(answer["elements"])
    by_name = {s.name: s for s in result.shops}
    assert sorted(by_name) == ["Boulangerie Dupont", "Chocolaterie Lune", "Immo Centre",
                               "Le Bon Coin", "Zèbre Mode"]
    bakery = by_name["Boulangerie Dupont"]
    assert (bakery.osm_id, bakery.category, bakery.address, bakery.postcode) == (
        "node/101", "shop=bakery", "Rue Haute 12", "9901")
    assert bakery.website == "https://boulangerie-dupont.be/"
    assert bakery.facebook == "https://www.facebook.com/boulangeriedupont"
    assert bakery.opening_hours == "Tu-Sa 07:00-18:00" and bakery.website_source == "osm"
    restaurant = by_name["Le Bon Coin"]
    assert (restaurant.osm_id, restaurant.lat, restaurant.website, restaurant.phone) == (
        "way/202", 50.452, "http://www.leboncoin-bellemarche.be", "+32 81 00 00 02")
    assert by_name["Chocolaterie Lune"].category == "craft=chocolatier"
    assert by_name["Zèbre Mode"].brand == "Zèbre Mode"  # brand stands in for a missing name
    assert by_name["Immo Centre"].website is None  # broken website tag dropped, shop kept
    assert result.unnamed == 1
    assert result.not_commerce == 2  # vacant shop + hospital kiosk (school/bank not queried)
    assert [b["tags"]["ref:INS"] for b in result.boundaries] == ["99001"]
    assert '["ref:INS"="99001"]' in fake.queries[0]


async def test_query_by_name_in_any_language_and_unknown_commune(farm) -> None:
    _, ctx = fake_farm(farm)
    schoen = await run_query(build_shops_query(CommuneSelector(name="SCHÖNMARKT")), ctx)
    assert len(parse_overpass_elements(schoen["elements"]).shops) == 5
    other = await run_query(build_shops_query(CommuneSelector(name="Autreville")), ctx)
    assert [s.name for s in parse_overpass_elements(other["elements"]).shops] == [
        "Boucherie d'Autreville"]
    nowhere = await run_query(build_shops_query(CommuneSelector(nis="12345")), ctx)
    assert nowhere["elements"] == []


async def test_429_retry_after_is_honoured(farm) -> None:
    fake, ctx = fake_farm(farm)
    fake.fail_next(2, status=429, retry_after=7)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    answer = await run_query(build_shops_query(CommuneSelector(nis="99001")), ctx, sleep=record)
    assert waits == [7.0, 7.0] and answer["elements"]


async def test_504_backs_off_then_gives_up_with_plain_message(farm) -> None:
    fake, ctx = fake_farm(farm)
    fake.fail_next(5, status=504)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    with pytest.raises(OverpassError, match="après 3 essais"):
        await run_query("x", ctx, max_attempts=3, backoff_base=2, sleep=record)
    assert waits == [2, 4]


async def test_stalled_server_times_out(farm) -> None:
    fake, ctx = fake_farm(farm)
    fake.stall_seconds = 5
    with pytest.raises(OverpassError, match="délai dépassé"):
        await run_query("x", ctx, max_attempts=2, sleep=no_sleep,
                        timeout=httpx.Timeout(0.3, connect=1.0))


def test_geojson_export_of_habay() -> None:
    result = load_osm_file(FIXTURES / "habay_2018.geojson")
    names = {s.name: s for s in result.shops}
    assert "Boulangerie Rigaux" in names
    assert names["Boulangerie Rigaux"].address == "Rue de Bologne 3"
    assert names["Boulangerie Rigaux"].lat == pytest.approx(49.728, abs=0.001)
    assert all(s.osm_id and s.osm_id.split("/")[0] in ("node", "way", "relation")
               for s in result.shops)
    categories = {s.category for s in result.shops}
    assert "amenity=school" not in categories and "amenity=bank" not in categories
    assert "tourism=hotel" not in categories
    assert result.not_commerce >= 20  # schools, banks, hotels... each counted once
    assert len(result.shops) + result.unnamed + result.not_commerce + result.duplicates == 116


def test_geojson_export_listing_an_element_twice() -> None:
    result = load_osm_file(FIXTURES / "tintigny_2018.geojson")
    ids = [s.osm_id for s in result.shops]
    assert len(ids) == len(set(ids)) and result.duplicates == 8  # 8 ways as polygon + centre
    assert "way/93026835" in ids


def test_single_raw_element_file() -> None:
    [shop] = load_osm_file(FIXTURES / "overpass_element_lebrazier.json").shops
    assert (shop.name, shop.osm_id, shop.city, shop.category) == (
        "Le Brazier", "way/600379810", "Hingeon", "amenity=restaurant")


async def test_name_that_does_not_resolve_fails_at_once_without_waiting() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    with pytest.raises(OverpassError, match="overpass.invalid ne se résout pas"):
        await run_query("x", HttpContext(), "https://overpass.invalid/api/interpreter",
                        sleep=record)
    assert waits == []  # offline: no 5 + 10 + 20 s of backoff before saying so
