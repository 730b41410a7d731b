import pytest

from probes import click_and_collect
from tests.probes.builders import artifacts, context, html_page, page, place


def _observe(html=None, **kw):
    pages = [page(html)] if html is not None else []
    return click_and_collect.evaluate(context(artifacts(*pages, **kw)))


def _values(obs):
    return {name: sig.value for name, sig in obs.signals.items()}


def test_pickup_in_four_languages():
    cases = (("Retrait en magasin gratuit.", "fr"), ("Gratis afhalen in de winkel.", "nl"),
             ("Abholung im Geschäft möglich.", "de"), ("Click & collect available.", "en"))
    for text, lang in cases:
        assert _values(_observe(html_page(f"<p>{text}</p>", lang=lang)))["pickup"] is True, text


@pytest.mark.parametrize(("text", "lang"), [
    ("Bitte bestellen Sie online - auch als Selbstabholer/in.", "de"),
    ("Shipping: from local pick-up to international shipping.", "en"),
    ("Choose in-store pick-up at checkout.", "en"),
    ("Acquista e paga online, poi ritira nel nostro negozio di Bari.", "it"),
])
def test_pickup_as_shops_write_it(text, lang):
    assert _values(_observe(html_page(f"<p>{text}</p>", lang=lang)))["pickup"] is True, text


def test_negative_context_and_absence():
    assert _values(_observe(html_page("<p>Pas de retrait en magasin.</p>")))["pickup"] is False
    assert _values(_observe(html_page("<p>Bonjour.</p>")))["pickup"] is False


def test_delivery_lockers_schema_and_platform_option():
    html = html_page(
        "<p>Livraison à domicile dans la commune. Envoi en point relais.</p>"
        '<input type="radio" name="shipping_method[0]" value="local_pickup:3">',
        head='<script type="application/ld+json">{"@type": "Offer", "price": 2,'
             '"availableDeliveryMethod": "http://schema.org/OnSitePickup"}</script>')
    s = _values(_observe(html))
    assert s["local_delivery"] and s["parcel_lockers"] and s["schema_pickup"]
    assert s["pickup_platform_option"] and s["pickup"]


def test_places_fields_and_site_not_fetched():
    obs = _observe(status="unreachable", website="https://x.example.be/",
                   places=place(takeout=True, curbsidePickup=False))
    assert obs.status == "measured" and obs.reason == "site: unreachable"
    assert _values(obs) == {"places_takeout": True, "places_curbside_pickup": False}
    assert _observe(status="unreachable", website="https://x.be/").status == "not_measured"
