"""The sources against the demo commune's fake Overpass and Places (fixtures/demo)."""

import tomllib
from pathlib import Path

from fixtures.fake_overpass import FakeOverpass
from fixtures.fake_places import FakePlaces
from sources.commune import resolve_commune
from sources.osm_parse import load_osm_file, parse_overpass_elements
from sources.overpass import CommuneSelector, build_shops_query, run_query
from sources.places import PlacesClient
from tests.helpers.sources import farm_context

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
KEY = "demo-test-key"


def manifest() -> dict:
    return tomllib.loads((DEMO / "manifest.toml").read_text("utf-8"))


def test_demo_osm_file_gives_every_shop_and_skips_non_commerce() -> None:
    result = load_osm_file(DEMO / "osm.json")
    expected = manifest()
    assert {s.osm_id for s in result.shops} == set(expected["shops"])
    assert result.not_commerce == len(expected["non_commerce"])


async def test_demo_commune_and_places_through_the_farm(farm) -> None:
    farm.add_host("overpass-api.de", FakeOverpass.from_file(DEMO / "osm.json"))
    farm.add_host("places.googleapis.com", FakePlaces.from_file(DEMO / "places.json", KEY))
    ctx = farm_context(farm)
    commune = await resolve_commune("Schönmarkt", ctx)
    answer = await run_query(build_shops_query(CommuneSelector(nis=commune.nis)), ctx)
    shops = parse_overpass_elements(answer["elements"]).shops
    assert len(shops) == len(manifest()["shops"])
    async with PlacesClient(KEY, ctx) as places:
        found = {s.osm_id for s in shops if (await places.enrich(s)).status == "found"}
    on_google = {k for k, v in manifest()["shops"].items() if v["on_google"]}
    assert found == on_google


async def test_demo_discovery_merges_onto_the_same_places_as_enrichment(farm) -> None:
    """Two independent paths must agree: merge (OSM + Places discovery) and enrichment."""
    from sources.collect import collect_shops

    farm.add_host("overpass-api.de", FakeOverpass.from_file(DEMO / "osm.json"))
    farm.add_host("places.googleapis.com", FakePlaces.from_file(DEMO / "places.json", KEY))
    ctx = farm_context(farm)
    result = await collect_shops("Bellemarche", ("osm", "places"), http_ctx=ctx,
                                 places_key=KEY)
    assert len(result.shops) == len(manifest()["shops"])  # nothing duplicated
    async with PlacesClient(KEY, ctx) as places:
        for shop in result.shops:
            if shop.place_id:
                enriched = await places.enrich(shop.__class__(
                    name=shop.name, address=shop.address, postcode=shop.postcode,
                    city=shop.city, lat=shop.lat, lon=shop.lon))
                assert enriched.place and enriched.place["id"] == shop.place_id, shop.name
