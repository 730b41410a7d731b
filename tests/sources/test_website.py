import pytest

from core.artifacts import PlacesArtifact
from core.shop import Shop
from fixtures.farm import FarmResponse
from sources.website import (
    adopt_places_website,
    guess_urls,
    guess_website,
    verify_guessed_website,
)
from tests.helpers.sources import farm_context


def page(html: str):
    return lambda req: FarmResponse(200, html.encode(), {"Content-Type": "text/html"})


@pytest.fixture
def ctx(farm):
    farm.add_host("boulangerie-rigaux.be", page(
        "<html><h1>Boulangerie <b>Rigaux</b></h1><p>Rue de Bologne 3, Habay</p></html>"))
    farm.add_host("rigaux.be", page("<html><h1>Rigaux Transports</h1><p>Camions</p></html>"))
    farm.add_host("chez-gege.be", page("<p>Appelez le 081/23.45.67</p>"))
    farm.add_host("parked.be", lambda req: FarmResponse(404, b"no"))
    farm.add_host("parked.com", page("<p>This domain is for sale</p>"))
    return farm_context(farm)


async def test_verify_by_name_or_phone_and_refuse_otherwise(ctx) -> None:
    rigaux = Shop(name="Boulangerie Rigaux SRL")
    assert await verify_guessed_website(rigaux, "https://boulangerie-rigaux.be/", ctx)
    assert not await verify_guessed_website(Shop(name="Boulangerie Martin"),
                                            "https://boulangerie-rigaux.be/", ctx)
    gege = Shop(name="Friterie Chez Gégé", phone="+32 81 23 45 67")
    assert await verify_guessed_website(gege, "https://chez-gege.be/", ctx)
    assert not await verify_guessed_website(gege, "https://parked.be/", ctx)


async def test_guess_is_kept_only_when_verified(ctx) -> None:
    shop = Shop(name="Boulangerie Rigaux")
    assert guess_urls(shop)[0] == "https://boulangerie-rigaux.be/"
    assert await guess_website(shop, ctx) == "https://boulangerie-rigaux.be/"
    assert (shop.website_source, shop.provenance["website"]) == ("discovered", "discovered")
    other = Shop(name="Parked", phone="081 99 99 99")  # every guess is a farm host: no DNS
    assert guess_urls(other) == ["https://parked.be/", "https://parked.com/"]
    assert await guess_website(other, ctx) is None and other.website is None


def test_places_website_fills_only_an_empty_website() -> None:
    found = PlacesArtifact(status="found", place={"websiteUri": "https://gege.be/"})
    shop = Shop(name="Chez Gégé")
    assert adopt_places_website(shop, found) and shop.website_source == "places"
    listed = Shop(name="X", website="http://x.be")
    assert not adopt_places_website(listed, found) and listed.website == "http://x.be"
