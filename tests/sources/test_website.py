from core.artifacts import PlacesArtifact
from core.shop import Shop
from sources.website import adopt_places_website


def test_places_website_fills_only_an_empty_website() -> None:
    found = PlacesArtifact(status="found", place={"websiteUri": "https://gege.be/"})
    shop = Shop(name="Chez Gégé")
    assert adopt_places_website(shop, found) and shop.website_source == "places"
    listed = Shop(name="X", website="http://x.be")
    assert not adopt_places_website(listed, found) and listed.website == "http://x.be"
