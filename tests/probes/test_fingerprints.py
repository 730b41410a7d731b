import json

import pytest

from probes.document import parse_page
from probes.fingerprints import (
    FingerprintError,
    build_technology,
    interior_token,
    load_fingerprints,
    parse_pattern,
    required_literal,
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
    assert interior_token("/on/demandware.static/") == b"demandware"


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
