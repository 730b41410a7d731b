import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.artifacts import PlacesArtifact
from core.shop import Shop
from probes import web_presence
from tests.probes.builders import artifacts, context, html_page, page

HOME = html_page(
    '<a href="tel:+32 63 42 11 22">Appeler</a> <a href="mailto:a@b.be">Mail</a>'
    '<a href="https://www.facebook.com/maboutique">FB</a>'
    '<a href="https://www.facebook.com/sharer/sharer.php?u=x">Partager</a>'
    '<a href="https://x.com/maboutique">X</a> <a href="https://wa.me/32470000000">WhatsApp</a>'
    "<p>Nous sommes ouverts du mardi au samedi de 9h à 18h. Rue Haute 12, 6720 Habay.</p>"
    "<p>© 2015-2025 Ma Boutique</p>",
    head='<meta name="viewport" content="width=device-width, initial-scale=1">'
         '<title>Ma Boutique</title><meta name="description" content="Épicerie fine">'
         '<script type="application/ld+json">{"@type": "GroceryStore", "name": "x"}</script>',
    lang="en")


def _observe(*pages, **kw):
    return web_presence.evaluate(context(artifacts(*pages, **kw)))


def test_measured_site_signals():
    obs = _observe(page(HOME, headers={"last-modified": "Tue, 03 Jun 2025 10:00:00 GMT"}))
    s = {name: sig.value for name, sig in obs.signals.items()}
    assert obs.status == "measured"
    assert s["website"] and s["reachable"] and s["https"] and s["mobile_viewport"]
    assert s["title"] == "Ma Boutique" and s["meta_description"]
    assert s["schema_types"] == ["GroceryStore"] and s["schema_localbusiness"]
    assert s["phone"] == "+3263421122" and s["email"] and s["address"] and s["opening_hours"]
    assert s["social_links"] == ["facebook", "whatsapp", "x"]
    assert s["language"] == "fr"  # content wins over lang="en"
    assert s["copyright_year"] == 2025 and s["last_modified"] == "2025-06-03" and s["fresh"]
    for name, sig in obs.signals.items():
        if sig.value not in (None, False, []):
            assert sig.evidence, name
            assert all(len(e.snippet) <= 200 for e in sig.evidence)


def test_old_site_is_not_fresh_and_misses_what_it_does_not_show():
    obs = _observe(page(html_page("<p>Bienvenue chez nous. © 2011</p>")), https=False)
    s = {name: sig.value for name, sig in obs.signals.items()}
    assert s["fresh"] is False and s["copyright_year"] == 2011 and s["https"] is False
    assert s["mobile_viewport"] is False and s["phone"] is None and s["schema_types"] == []


def test_no_website_is_a_measured_absence():
    obs = _observe(status="no_website")
    assert obs.status == "measured"
    assert obs.signals["website"].value is False
    assert obs.signals["social_links"].value == []


def test_social_only_keeps_the_network():
    shop = Shop(name="Fleurs", website="https://www.facebook.com/fleurs")
    arts = artifacts(status="social_only", website="https://www.facebook.com/fleurs", shop=shop)
    obs = web_presence.evaluate(context(arts))
    assert obs.status == "measured" and obs.signals["website"].value is False
    assert obs.signals["social_links"].value == ["facebook"]


def test_unfetched_site_is_not_measured_with_reason():
    for status in ("blocked_by_robots", "unreachable", "refused", "http_error"):
        obs = _observe(status=status, website="https://x.example.be/",
                       places=PlacesArtifact(status="not_measured"))
        assert (obs.status, obs.reason, obs.signals) == ("not_measured", status, {})


def test_freshness_is_unknown_without_any_date():
    obs = _observe(page(html_page("<p>Bienvenue.</p>")))
    assert obs.signals["fresh"].value is None
    assert obs.signals["copyright_year"].value is None


@pytest.mark.parametrize(("written", "e164"), [
    ("Tel. 063 42 11 22", "+3263421122"),  # national, zone 063
    ("Tél : +32 63 42 11 22", "+3263421122"),  # international
    ("T 0032 63 42 11 22", "+3263421122"),  # international with 00
    ("tel 02/512.34.56", "+3225123456"),  # Brussels, slash and dots
    ("GSM 0475 12 34 56", "+32475123456"),  # mobile, national
    ("GSM +32 (0)475 12 34 56", "+32475123456"),  # mobile, international with (0)
])
def test_belgian_phone_numbers_in_text_national_and_international(written, e164):
    obs = _observe(page(html_page(f"<p>Bakkerij Janssens, Markt 1, 6720 Habay</p>"
                                  f"<footer>{written}</footer>")))
    assert obs.signals["phone"].value == e164


@pytest.mark.parametrize("href", ["tel:+32 63 42 11 22", "tel:063 42 11 22", "tel:0032634211 22"])
def test_belgian_tel_links_national_and_international(href):
    obs = _observe(page(html_page(f'<a href="{href}">Bel ons</a>')))
    assert obs.signals["phone"].value == "+3263421122"


@settings(max_examples=300, deadline=None)
@example(["©", " ", "2019", "-", "2024", "©", "2025"])
@example(["(C)", "Copyright", " ", "2023", " ", "COPYRIGHT", "2024"])
@given(st.lists(st.sampled_from(["©", "(c)", "(C)", "Copyright", "COPYRİGHT", "copy", "right",
                                 " ", "-", "–", "/", "2019", "2024", "1999", "19", "shop", "İ",
                                 "ſ", "\n"]), max_size=25))
def test_copyright_notices_as_a_full_search_finds_them(parts):
    text = "".join(parts)
    full = [m.span() for m in web_presence.COPYRIGHT.finditer(text)]
    assert [m.span() for m in web_presence._copyright_notices(text)] == full


@pytest.mark.parametrize("letter", ["t", "m"])  # tel: and mailto: links told by their first letter
def test_only_the_two_ascii_cases_lower_case_to_the_schemes_first_letter(letter):
    others = [c for c in map(chr, range(sys.maxunicode + 1))
              if c.lower()[:1] == letter and c not in (letter, letter.upper())]
    assert others == []
