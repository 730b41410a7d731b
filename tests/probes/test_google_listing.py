from core.artifacts import PlacesArtifact
from core.shop import Shop
from probes import google_listing
from tests.probes.builders import artifacts, context, place


def _observe(places, website="https://www.boulangerie.be/"):
    arts = artifacts(status="no_website", places=places,
                     shop=Shop(name="Boulangerie", website=website))
    return google_listing.evaluate(context(arts))


def test_not_measured_without_api_key():
    obs = _observe(PlacesArtifact(status="not_measured", reason="no_api_key"))
    assert (obs.status, obs.reason) == ("not_measured", "no_api_key")


def test_not_found_is_measured_absence():
    obs = _observe(PlacesArtifact(status="not_found"))
    assert obs.status == "measured" and obs.signals["found"].value is False


def test_error_status():
    assert _observe(PlacesArtifact(status="error", reason="quota")).status == "error"


def test_found_listing_signals():
    obs = _observe(place(
        businessStatus="OPERATIONAL", internationalPhoneNumber="+32 63 00 00 00",
        websiteUri="http://boulangerie.be/accueil", photos=[{}, {}, {}],
        regularOpeningHours={"weekdayDescriptions": ["lundi: Fermé"]},
        primaryType="bakery", editorialSummary={"text": "Pains au levain"}))
    s = {name: sig.value for name, sig in obs.signals.items()}
    assert s == {"found": True, "match_confidence": 0.92, "business_status": "OPERATIONAL",
                 "hours": True, "phone": True, "website": True, "website_matches": True,
                 "photo_count": 3, "primary_type": "bakery", "editorial_summary": True}


def test_website_on_another_domain_does_not_match():
    obs = _observe(place(websiteUri="https://www.facebook.com/boulangerie"))
    assert obs.signals["website_matches"].value is False
    assert obs.signals["hours"].value is False and obs.signals["photo_count"].value == 0
