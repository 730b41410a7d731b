import pytest

from core.http import HttpContext, make_client
from core.shop import Shop
from fixtures.fake_places import FakePlaces
from sources.osm_parse import load_osm_file
from sources.places import PlacesClient
from sources.places_cache import MemoryPlaceIdCache
from sources.places_fields import estimate_cost, load_places_config
from sources.places_http import PlacesBudget
from tests.helpers.sources import FIXTURES, farm_context, no_sleep

KEY = "AIzaTEST-secret-key-123"
HOST = "places.googleapis.com"


@pytest.fixture
def fake(farm) -> FakePlaces:
    places = FakePlaces.from_file(FIXTURES / "places_bellemarche.json", api_key=KEY)
    farm.add_host(HOST, places)
    return places


@pytest.fixture
def ctx(farm, fake):
    return farm_context(farm)


def dupont() -> Shop:
    return Shop(name="Boulangerie Dupont", address="Rue Haute 12", postcode="9901",
                city="Bellemarche", lat=50.451, lon=4.871)


async def test_found_with_masked_fields_and_key_only_in_header(ctx, fake) -> None:
    cache = MemoryPlaceIdCache()
    async with PlacesClient(KEY, ctx, cache=cache, sleep=no_sleep) as client:
        artifact = await client.enrich(dupont())
    assert artifact.status == "found" and artifact.place["id"] == "PLACE_DUPONT"
    assert artifact.match_confidence > 0.9
    assert artifact.place["websiteUri"] == "https://boulangerie-dupont.be/"
    assert "name" not in artifact.place  # not in the field mask, so the fake left it out
    [request] = fake.requests
    assert request.headers["x-goog-api-key"] == KEY
    assert KEY not in request.path + request.query + request.body.decode()
    assert request.headers["x-goog-fieldmask"].startswith("places.id,places.displayName")
    assert cache.get(dupont().id) == "PLACE_DUPONT"


async def test_rescan_fetches_details_by_cached_id(ctx, fake) -> None:
    cache = MemoryPlaceIdCache()
    async with PlacesClient(KEY, ctx, cache=cache) as client:
        await client.enrich(dupont())
    async with PlacesClient(KEY, ctx, cache=cache) as client:
        again = await client.enrich(dupont())
    assert again.status == "found" and again.place["rating"] == 4.6
    assert [(r.method, r.path) for r in fake.requests] == [
        ("POST", "/v1/places:searchText"), ("GET", "/v1/places/PLACE_DUPONT")]
    assert not fake.requests[1].headers["x-goog-fieldmask"].startswith("places.")


async def test_stale_cached_id_falls_back_to_search(ctx, fake) -> None:
    shop = dupont()
    shop.place_id = "GONE"
    async with PlacesClient(KEY, ctx) as client:
        artifact = await client.enrich(shop)
    assert artifact.place["id"] == "PLACE_DUPONT"
    assert [r.path for r in fake.requests] == ["/v1/places/GONE", "/v1/places:searchText"]


async def test_chain_branch_is_matched_by_address(ctx) -> None:
    shop = Shop(name="ZEBRE MODE", address="Rue Haute 30", postcode="9901", city="Bellemarche")
    async with PlacesClient(KEY, ctx) as client:
        artifact = await client.enrich(shop)
    assert artifact.place["id"] == "PLACE_ZEBRE_1"


async def test_weak_candidate_is_not_found(ctx) -> None:
    shop = Shop(name="Boulangerie Martin", address="Rue Basse 2", postcode="9901",
                city="Bellemarche")
    async with PlacesClient(KEY, ctx) as client:
        artifact = await client.enrich(shop)
        nothing = await client.enrich(Shop(name="Xyzzy", city="Nulle-part"))
    assert artifact.status == "not_found" and artifact.match_confidence < 0.6
    assert (nothing.status, nothing.reason) == ("not_found", "aucun résultat Google Places")


async def test_real_places_sample_matches_real_osm_element(ctx) -> None:
    [shop] = load_osm_file(FIXTURES / "overpass_element_lebrazier.json").shops
    async with PlacesClient(KEY, ctx) as client:
        artifact = await client.enrich(shop)
    assert artifact.status == "found"
    assert artifact.place["id"] == "ChIJt-AOOKmhwUcRyyG6Wo81sho"


async def test_no_key_is_not_measured_without_any_call(ctx, fake) -> None:
    async with PlacesClient(None, ctx) as client:
        artifact = await client.enrich(dupont())
    assert (artifact.status, artifact.reason) == ("not_measured", "pas de clé API Google Places")
    assert fake.requests == []


async def test_wrong_key_is_an_error_without_the_key_and_stops_calling(ctx, fake) -> None:
    bad = "AIzaWRONG-key-987"
    async with PlacesClient(bad, ctx) as client:
        first = await client.enrich(dupont())
        second = await client.enrich(dupont())
    assert first.status == "error" and "clé API Google Places invalide" in first.reason
    assert bad not in first.reason and second.reason == first.reason
    assert len(fake.requests) == 1


async def test_disabled_api_is_explained(ctx, fake) -> None:
    fake.service_disabled = True
    async with PlacesClient(KEY, ctx) as client:
        artifact = await client.enrich(dupont())
    assert artifact.status == "error" and "HTTP 403" in artifact.reason
    assert "n'est pas activée" in artifact.reason and KEY not in artifact.reason


async def test_429_backs_off_then_succeeds_or_gives_up(ctx, fake) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    fake.fail_next(2, 429)
    async with PlacesClient(KEY, ctx, sleep=record) as client:
        assert (await client.enrich(dupont())).status == "found"
        fake.fail_next(3, 429)
        failed = await client.enrich(dupont().__class__(name="Le Bon Coin"))
    assert waits == [2.0, 4.0, 2.0, 4.0]
    assert failed.status == "error" and "quota" in failed.reason


async def test_unresolvable_name_is_one_quick_error_per_shop() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async with PlacesClient(KEY, HttpContext(), base_url="https://places.invalid/v1",
                            sleep=record) as client:
        artifact = await client.enrich(dupont())
    assert artifact.status == "error" and "nom introuvable" in artifact.reason
    assert waits == [] and KEY not in artifact.reason


async def test_budget_caps_billable_calls(ctx, fake) -> None:
    budget = PlacesBudget(1)
    async with PlacesClient(KEY, ctx, budget=budget) as client:
        first = await client.enrich(dupont())
        second = await client.enrich(Shop(name="Le Bon Coin", city="Bellemarche"))
    assert first.status == "found"
    assert (second.status, second.reason) == ("not_measured", "budget Places épuisé")
    assert len(fake.requests) == 1 and budget.used == 1


async def test_fake_requires_a_field_mask_like_the_real_api(ctx) -> None:
    async with make_client(ctx) as client:
        response = await client.post(f"https://{HOST}/v1/places:searchText",
                                     headers={"X-Goog-Api-Key": KEY}, json={"textQuery": "Dupont"})
    assert response.status_code == 400
    assert "FieldMask is a required parameter" in response.json()["error"]["message"]


def test_field_masks_tiers_and_cost() -> None:
    config = load_places_config()
    assert config.tier_of(config.masks["enrich"]) == "enterprise_atmosphere"
    assert config.tier_of(config.masks["enrich_enterprise"]) == "enterprise"
    assert estimate_cost(1000, "text_search", config.masks["enrich"]) == 40.0
    assert estimate_cost(100, "place_details", config.masks["enrich"]) == 2.5
    assert estimate_cost(10, "text_search", ("id",)) == 0.0
    assert estimate_cost(500) == 20.0  # default: first-scan enrichment
