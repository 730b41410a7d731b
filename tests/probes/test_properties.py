"""Random and mutated HTML and headers: no probe may raise."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probes import run_probes
from probes.online_ordering import first_matches_near_decimals
from probes.settings import load_webshop_rules
from tests.probes.builders import artifacts, page

FRAGMENTS = [
    "<html lang='fr'>", "<html lang=\"\">", "<head>", "<body>", "</body>", "<a href=", "'/cart'>",
    "Panier</a>", "<a href=\"javascript:void(0)\">", "<a href=\"http://[::1\">x</a>",
    "<a href=\"tel:+32\">", "<a href=\"mailto:\">", "<button>", "Add to cart", "</button>",
    "<form action=\"/cart/add\">", "<input type=submit value=\"In den Warenkorb\">",
    "<script type=\"application/ld+json\">", "{\"@type\": [\"Product\", 3], \"offers\": [",
    "{\"@type\": \"AggregateRating\", \"ratingValue\": \"abc\"}", "]}", "</script>",
    "<div itemscope itemtype=\"http://schema.org/Store\">", "<span itemprop=\"price\">",
    "<div vocab=\"http://schema.org/\" typeof=\"Product\">", "<meta name=viewport content=>",
    "© 20", "© 9999", "Retrait en magasin", "pas de retrait", "€ 1,00", "<!--", "-->",
    "<svg><script>", "\x00", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "<img src=x alt=bancontact>", "<meta name=\"generator\" content=\"PrestaShop\">",
]
HEADER_NAMES = st.sampled_from(["set-cookie", "last-modified", "x-shopid", "content-type",
                                "x-powered-by", "powered-by"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40),
       headers=st.dictionaries(HEADER_NAMES, st.text(max_size=40), max_size=4),
       url=st.sampled_from(["https://shop.example.be/", "http://x", "", "https://ü.example/é"]))
def test_no_probe_raises_on_mutated_html(parts, headers, url):
    report = run_probes(artifacts(page("".join(parts), url=url, headers=headers)))
    for obs in report.steps.values():
        assert obs.status != "error", obs.reason
        for name, signal in obs.signals.items():
            assert signal.error is None, (name, signal.error)
            assert all(len(e.snippet) <= 200 for e in signal.evidence)


@settings(max_examples=30, deadline=None)
@given(html=st.text(max_size=400))
def test_no_probe_raises_on_random_text(html):
    report = run_probes(artifacts(page(html)))
    assert all(obs.status == "measured" for obs in report.steps.values()
               if obs.status != "not_measured")
    assert all(sig.error is None for obs in report.steps.values() for sig in obs.signals.values())


PRICE_FRAGMENTS = ["€", "EUR", "eur", "euro", "Euros", "$", "chf", "12", "1234567", ".", ",",
                   "99", "5", " ", "x", "\n", "١٢", "prix"]


@given(st.lists(st.sampled_from(PRICE_FRAGMENTS), max_size=40).map("".join))
@settings(max_examples=200, deadline=None)
def test_prices_near_decimals_equal_a_full_scan(text):
    regex = load_webshop_rules().price
    full = [m.group(0) for m in regex.finditer(text)]
    for limit in (1, 3, 50):
        assert first_matches_near_decimals(regex, text, limit) == full[:limit]
