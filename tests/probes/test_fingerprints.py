import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probes.document import parse_page
from probes.fingerprints import (
    BLOB_KEYS,
    FingerprintError,
    anchor_literal,
    build_technology,
    field_index,
    load_fingerprints,
    parse_pattern,
    required_literal,
    required_runs,
)
from probes.technologies import detect_technologies

REQUIRED = ["Shopify", "WooCommerce", "PrestaShop", "Magento 1", "Magento 2", "Lightspeed eCom",
            "Wix Stores", "Squarespace Commerce", "Shopware", "Ecwid", "Odoo", "CCV Shop",
            "BigCommerce", "OpenCart", "JTL-Shop", "OXID eShop", "Salesforce Commerce Cloud",
            "SAP Commerce Cloud", "Intershop", "VirtueMart", "Zen Cart", "Miva Merchant", "Jimdo",
            "Webflow", "Mollie", "Stripe", "Adyen", "Bancontact", "Payconiq", "PayPal", "Klarna",
            "SumUp", "Worldline", "Salonkee", "Treatwell", "Planity", "Calendly", "Resengo",
            "TheFork", "Zenchef", "Formitable", "Deliveroo", "Uber Eats", "Takeaway",
            "Trustpilot", "Kiyoh", "eKomi", "Trusted Shops", "The Feedback Company",
            "Google Reviews widget"]


def test_default_file_has_the_required_technologies():
    techs = load_fingerprints()
    assert len(techs) >= 45
    assert [name for name in REQUIRED if name not in techs] == []
    assert techs["Salesforce Commerce Cloud"].slug == "salesforce-commerce-cloud"
    assert techs["SAP Commerce Cloud"].slug == "sap-commerce"
    assert "ecommerce" in techs["Shopify"].roles


def test_pattern_suffixes_and_literals():
    pattern = parse_pattern("/plugins/woocommerce/\\;confidence:50")
    assert pattern.confidence == 50 and pattern.literal == "/plugins/woocommerce/"
    assert required_literal("cdn\\d*\\.bigcommerce\\.com") == ".bigcommerce.com"
    assert required_literal("foo|barbaz") is None  # top-level alternation
    assert required_literal("ccvshop\\.(?:nl|be)") == "ccvshop."
    assert required_literal("a{10,20}bc") is None  # a counted repeat is not text
    assert required_runs("mollie\\.com/(?:checkout|pay)") == ["mollie.com/"]
    assert required_runs("\\x41bc") is None


def test_html_search_equals_the_plain_regex_search():
    """On every fingerprint and sample, the shortcut search equals the plain regex search."""
    techs = load_fingerprints()
    pages = ["<div class='shopify-section x'>", "<LINK href='//CDN.Shopify.com/s.css'>",
             "<script src='/wp-content/plugins/woocommerce/assets/js/a.js'>",
             "<p>id_product=12 var BLANK_URL = '/js/blank.html'</p>", "xmage.cookies2",
             "<img alt='Bancontact' src='/bancontact-logo.png'>"]
    for html in pages:
        page = parse_page(html)
        for tech in techs.values():
            for pattern in tech.patterns.get("html", ()):
                plain = pattern.regex.search(html)
                assert bool(page.search_html(pattern)) == bool(plain), (html, pattern.source)


def test_bad_definitions_fail_loudly():
    with pytest.raises(FingerprintError):
        build_technology("X", {"cats": [6], "html": ["(unclosed"]}, {})
    with pytest.raises(FingerprintError):
        build_technology("X", {"cats": [6], "typo": ["a"]}, {})
    with pytest.raises(FingerprintError):
        build_technology("X", {"cats": [6], "meta": ["not-an-object"]}, {})


def test_confidences_add_up_and_weak_alone_stays_weak():
    techs = load_fingerprints()
    weak = parse_page('<link rel="stylesheet" href="/wp-content/plugins/woocommerce/a.css">')
    found = {d.name: d for d in detect_technologies(weak, techs)}
    assert found["WooCommerce"].confidence == 50
    strong = parse_page('<link rel="stylesheet" href="/wp-content/plugins/woocommerce/a.css">'
                        '<meta name="generator" content="WooCommerce 8.1">')
    found = {d.name: d for d in detect_technologies(strong, techs)}
    assert found["WooCommerce"].confidence == 100
    assert "WordPress" in found  # implied


def test_headers_cookies_and_links_are_matched():
    techs = load_fingerprints()
    page = parse_page('<a href="https://deliveroo.be/fr/menu/namur/chez-paul">Deliveroo</a>',
                      "https://chezpaul.example.be/",
                      headers={"set-cookie": "_shopify_y=abc; path=/", "x-shopid": "12"})
    slugs = {d.slug for d in detect_technologies(page, techs)}
    assert {"deliveroo", "shopify"} <= slugs


def test_extra_webappanalyzer_folder(tmp_path):
    folder = tmp_path / "technologies"
    folder.mkdir()
    (folder / "categories.json").write_text("{}")
    (folder / "a.json").write_text(json.dumps({
        "AcmeShop": {"cats": [6], "scriptSrc": "acmeshop\\.js", "website": "https://acme"},
        "BadOne": {"cats": [6], "html": "(?<name>js-only)"}}))
    techs = load_fingerprints([str(folder)])
    assert "AcmeShop" in techs and "BadOne" not in techs and "Shopify" in techs
    page = parse_page('<script src="/static/acmeshop.js"></script>')
    assert [d.slug for d in detect_technologies(page, techs)] == ["acmeshop"]


def test_unreadable_extra_file_raises(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(FingerprintError):
        load_fingerprints([str(bad)])


FRAGMENTS = ["shopify", "-section", "cdn.", ".com/", "mollie", "wp-content", "/plugins/",
             "woocommerce", "id_product", "=", "Mage.Cookies", "x", "2", "<img alt='", "paypal",
             " ", "/", "_", "é", "K"]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join))
@settings(max_examples=150, deadline=None)
def test_shortcut_search_equals_plain_search(html):
    page = parse_page(html)
    for tech in load_fingerprints().values():
        for pattern in tech.patterns.get("html", ()):
            assert bool(page.search_html(pattern)) == bool(pattern.regex.search(page.html))


def test_field_index_holds_every_pattern_once_in_technology_order():
    """Ranks run technology by technology, html, scriptSrc, links, url, then keyed fields."""
    techs = tuple(load_fingerprints().values())
    index = field_index(techs)
    ranked = [*index.html, *(r for blob in index.blobs.values() for r in blob.ranked),
              *(r for by_name in index.keyed.values() for rs in by_name.values() for r in rs)]
    expected = [(i, id(p)) for i, tech in enumerate(techs)
                for p in [*(q for key in ("html", *BLOB_KEYS) for q in tech.patterns.get(key, ())),
                          *(q for by_name in tech.keyed.values() for ps in by_name.values()
                            for q in ps)]]
    assert [(i, id(p)) for _, i, p in sorted(ranked, key=lambda r: r[0])] == expected
    assert [p for _, _, p in index.html] == list(index.html_patterns)


def test_matches_in_several_fields_add_up_and_the_first_in_technology_order_is_named():
    spec = {"cats": [6], "meta": {"generator": "acme\\;confidence:30"},
            "scriptSrc": "acme\\.js\\;confidence:30", "html": "acme-cart\\;confidence:30"}
    other = {"cats": [6], "meta": {"generator": "acme"}}
    techs = {"Acme": build_technology("Acme", spec, {}),
             "Other": build_technology("Other", other, {})}
    page = parse_page('<meta name="generator" content="Acme 2"><script src="/acme.js"></script>'
                      '<div class="acme-cart"></div>', "https://shop.test/")
    found = detect_technologies(page, techs)
    assert [(d.name, d.confidence, d.where) for d in found] == [
        ("Other", 100, "meta:generator"), ("Acme", 90, "html")]


@pytest.mark.parametrize(("pattern", "anchor"), [
    ("xt[:-]?Commerce", ("commerce", 3)), ("a(?:bc)?defg", ("defg", 3)),
    ("ab{2,5}cdef", ("cdef", 6)), ("<img[^>]+paypal", ("<img", 0)), ("a|bcd", ("", 0))])
def test_anchor_literal_bounds_where_the_text_starts(pattern, anchor):
    assert anchor_literal(pattern) == anchor


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["xt", "XT", ":", "-", "commerce", "Commerce", "é", "ſ", " ",
                                 "<", "x", "t"]), max_size=30),
       st.sampled_from(["xt[:-]?Commerce", r"t-?-?commerce\b", "(?:é|x)?t:commerce"]))
def test_search_from_an_anchor_finds_the_leftmost_match(parts, source):
    """A pattern searched from its anchor text gives the plain regex search's match."""
    pattern = parse_pattern(source)
    assert pattern.prefix_lead > 0
    html = "".join(parts)
    found = parse_page(html).search_html(pattern)
    expected = pattern.regex.search(html)
    assert (found and found.span()) == (expected and expected.span())


def test_blob_patterns_without_a_literal_are_always_searched():
    techs = {"Acme": build_technology("Acme", {"cats": [6], "scriptSrc": r"\d+x\.js"}, {}),
             "Beta": build_technology("Beta", {"cats": [6], "scriptSrc": ["(?:a|b)z",
                                                                         "beta\\.js"]}, {})}
    page = parse_page('<script src="/12x.js"></script><script src="/beta.js"></script>')
    assert [(d.name, d.snippet) for d in detect_technologies(page, techs)] == [
        ("Acme", "/12x.js"), ("Beta", "/beta.js")]
