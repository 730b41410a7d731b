"""Places discovery (API New, through the fake) and the legacy API's answer conversion."""

import json
import sys

import pytest

from core.errors import UserInputError
from core.shop import Shop
from fixtures.fake_places import FakePlaces
from sources.places import PlacesClient
from sources.places_discover import discover_places, discovery_call_estimate, shop_from_place
from sources.places_http import PlacesBudget
from sources.places_legacy import LegacyPlacesClient, artifact_from_legacy, legacy_to_new
from tests.helpers.sources import FIXTURES, farm_context

KEY = "discover-key"
BELLEMARCHE = (50.40, 4.80, 50.50, 4.95)


@pytest.fixture
def fake(farm) -> FakePlaces:
    places = FakePlaces.from_file(FIXTURES / "places_bellemarche.json", api_key=KEY)
    farm.add_host("places.googleapis.com", places)
    return places


async def test_discover_within_bounds_by_type(farm, fake) -> None:
    async with PlacesClient(KEY, farm_context(farm)) as client:
        shops = await discover_places(client, BELLEMARCHE, ["store", "restaurant", "pharmacy"])
    by_id = {s.place_id: s for s in shops}
    # Zèbre Mode's Autreville branch and Le Brazier (Fernelmont) are outside the bounds
    assert sorted(by_id) == ["PLACE_BONCOIN", "PLACE_BONCOIN_BIS", "PLACE_DUPONT",
                             "PLACE_PHARMA", "PLACE_ZEBRE_1"]
    dupont = by_id["PLACE_DUPONT"]
    assert (dupont.name, dupont.address, dupont.postcode, dupont.website_source) == (
        "Boulangerie Dupont SRL", "Rue Haute 12", "9901", "places")
    assert dupont.sources == ["places"] and dupont.category == "places:bakery"
    body = json.loads(fake.requests[0].body)
    assert body["includedType"] == "store" and "rectangle" in body["locationRestriction"]


async def test_discover_pages_and_respects_the_budget(farm, fake) -> None:
    fake.places = [dict(p, id=f"P{i}", types=["store"]) for i, p in
                   enumerate(fake.places[:1] * 45)]
    async with PlacesClient(KEY, farm_context(farm)) as client:
        assert len(await discover_places(client, BELLEMARCHE, ["store"])) == 45  # 3 pages of 20
    async with PlacesClient(KEY, farm_context(farm), budget=PlacesBudget(2)) as client:
        assert len(await discover_places(client, BELLEMARCHE, ["store"])) == 40
    assert len(fake.requests) == 5


def test_discovery_cost_estimate_before_spending() -> None:
    calls, usd = discovery_call_estimate(["store", "bakery"])
    assert calls == 6 and usd == pytest.approx(6 * 35 / 1000, abs=0.01)


def test_shop_from_real_places_sample() -> None:
    data = json.loads((FIXTURES / "places_new_searchNearby_lebrazier.json").read_text("utf-8"))
    shop = shop_from_place(data["places"][0])
    assert (shop.name, shop.address, shop.postcode, shop.city, shop.phone) == (
        "Le Brazier", "Grand-Route 68", "5380", "Fernelmont", "081 34 08 69")


def legacy(name: str) -> dict:
    return json.loads((FIXTURES / f"legacy__{name}.json").read_text("utf-8"))


def test_legacy_text_search_is_matched_and_converted() -> None:
    results = legacy("PlacesApiTextSearchResponse")["results"]
    first = results[0]
    shop = Shop(name=first["name"], address="48 Pirrama Rd", postcode="2009",
                lat=first["geometry"]["location"]["lat"],
                lon=first["geometry"]["location"]["lng"])
    artifact = artifact_from_legacy(shop, results)
    assert artifact.status == "found" and artifact.place["id"] == first["place_id"]
    assert artifact.place["displayName"]["text"] == first["name"]
    nobody = artifact_from_legacy(Shop(name="Friterie Chez Gégé", postcode="5999"), results)
    assert nobody.status == "not_found"


def test_legacy_details_have_the_new_shape() -> None:
    result = legacy("PlaceDetailsResponse")["result"]
    place = legacy_to_new(result)
    assert place["id"] == result["place_id"]
    assert place["location"]["latitude"] == result["geometry"]["location"]["lat"]
    assert place["websiteUri"] == result["website"]
    assert place["userRatingCount"] == result["user_ratings_total"]
    assert place["regularOpeningHours"]["weekdayDescriptions"] == \
        result["opening_hours"]["weekday_text"]
    assert place["businessStatus"] == result["business_status"]


def test_legacy_api_without_googlemaps_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "googlemaps", None)  # as if the extra were not installed
    with pytest.raises(UserInputError, match=r"pip install 'smart-commerce-scanner\[legacy\]'"):
        LegacyPlacesClient("k")
