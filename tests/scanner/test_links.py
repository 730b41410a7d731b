"""Key-page ranking: multilingual keywords, same-site filter, files and social links, sitemap."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.artifacts import FetchedPage
from core.shop import Shop
from fixtures.farm import Farm
from probes.document import links_of, parse_page, parsed_page_of
from scanner.gather.links import (
    LinkKeywordsError,
    extract_links,
    load_link_keywords,
    page_links,
    rank_key_pages,
    same_site_links,
    sitemap_urls,
    social_links,
)
from tests.helpers.crawler import CrawlerFactory, page, write_site

KW = load_link_keywords()
HOME = "https://www.bakkerij-peeters.be/"


def anchors(links: list[tuple[str, str]]) -> str:
    return "<body>" + "".join(f'<a href="{h}">{t}</a>' for t, h in links) + "</body>"


def roles(links: list[tuple[str, str]], max_pages: int = 5) -> dict[str, str]:
    picks = rank_key_pages(extract_links(anchors(links), HOME), HOME, KW, max_pages)
    return {p.role: p.url.removeprefix(HOME.rstrip("/")) for p in picks}


def test_dutch_site() -> None:
    got = roles([("Home", "/"), ("Over ons", "/over-ons"), ("Webwinkel", "/winkel"),
                 ("Afhalen & levering", "/afhalen"), ("Openingsuren", "/info"),
                 ("Neem contact op", "/c"), ("Privacy", "/privacy")])
    assert got == {"about": "/over-ons", "shop": "/winkel", "pickup": "/afhalen",
                   "hours": "/info", "contact": "/c"}


def test_german_and_french_with_accents() -> None:
    got = roles([("Über uns", "/team"), ("Öffnungszeiten", "/zeiten"),
                 ("Abholung", "/abholen"), ("Nous contacter", "/nous-contacter"),
                 ("Livraison à domicile", "/services")])
    assert got["about"] == "/team" and got["hours"] == "/zeiten"
    assert got["contact"] == "/nous-contacter"
    assert got["pickup"] in ("/abholen", "/services")


def test_text_beats_path_and_one_per_role_first() -> None:
    picks = rank_key_pages(extract_links(anchors([
        ("Produit 1", "/product/1"), ("Produit 2", "/product/2"), ("Produit 3", "/product/3"),
        ("E-shop", "/eshop"), ("Contact", "/contact")]), HOME), HOME, KW, 3)
    assert [(p.role, p.url.rsplit("/", 1)[-1]) for p in picks] == [
        ("contact", "contact"), ("shop", "eshop"), ("shop", "1")]


def test_same_site_only_and_files_skipped() -> None:
    links = extract_links(anchors([
        ("Contact", "https://bakkerij-peeters.be/contact"),  # apex of www: same site
        ("Boutique", "https://shop.bakkerij-peeters.be/"),  # subdomain: same site
        ("Contact", "https://other-shop.be/contact"),
        ("Horaires (PDF)", "/horaires.pdf"), ("Mail", "mailto:info@x.be"), ("Tél", "tel:+32"),
        ("Instagram", "https://instagram.com/peeters"), ("Haut", "#top"),
    ]), HOME)
    same = [link.url for link in same_site_links(links, HOME, KW)]
    assert same == ["https://bakkerij-peeters.be/contact", "https://shop.bakkerij-peeters.be/"]
    assert social_links(links) == ["https://instagram.com/peeters"]


def test_base_href_and_fragments() -> None:
    html = '<head><base href="https://x.be/fr/"></head><body><a href="contact#form">C</a></body>'
    assert [link.url for link in extract_links(html, "https://x.be/")] == ["https://x.be/fr/contact"]


TRICKY_HOME = """<html><head><base href="https://x.be/fr/"><title>T</title>
<script type="application/ld+json">{"@type": "Store"}</script></head><body>
<nav><a href="/contact" title="Nous écrire"> Contact <b>ici</b> </a><a href="#top">Haut</a>
<a href="javascript:void(0)">Menu</a><a href="//cdn.x.be/a.pdf">PDF</a>
<a href="panier?x=1#f" aria-label="Panier">🛒</a><a href="HTTPS://X.BE/Horaires/">Horaires</a>
<a href="mailto:info@x.be">Mail</a><a href="../a-propos">À propos</a></nav>
<div>""" + "<div>" * 2600 + '<a href="/trop-profond">Perdu</a>' + "</div>" * 2601 + \
    "</body></html>"


def test_links_read_alone_are_the_parse_s_links() -> None:
    """The scanning process reads only the links; they must be the probes' own, field by field
    (base href, relative forms, texts and titles, the depth cut of a too deeply nested page)."""
    doc = parse_page(TRICKY_HOME, "https://x.be/")
    alone = links_of(TRICKY_HOME, "https://x.be/")
    assert alone == doc.links
    assert [link.href for link in alone][:3] == [
        "https://x.be/contact", "https://cdn.x.be/a.pdf", "https://x.be/fr/panier?x=1#f"]
    assert alone[0].text == "Contact ici" and alone[0].title == "Nous écrire"
    assert "https://x.be/trop-profond" not in {link.href for link in alone}


def test_page_links_parse_only_when_already_parsed() -> None:
    page = FetchedPage(url="https://x.be/", final_url="https://x.be/", status=200, headers={},
                       html=TRICKY_HOME)
    alone = page_links(page)
    assert page.parsed is None  # the probe worker parses it, once
    parsed_page_of(page)  # e.g. by the rendering decision
    assert page_links(page) == alone


def test_sitemap_parsing() -> None:
    xml = ("<urlset><url><loc> https://x.be/a?x=1&amp;y=2 </loc></url>"
           "<url><loc>https://x.be/contact</loc></url></urlset>")
    assert sitemap_urls(xml) == ["https://x.be/a?x=1&y=2", "https://x.be/contact"]


def test_bad_keyword_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "kw.toml"
    bad.write_text('[roles.checkout]\ntext = ["caisse"]\npath = ["caisse"]\n'
                   '[social_networks]\ndomains = ["facebook.com"]\n', "utf-8")
    with pytest.raises(LinkKeywordsError, match="roles"):
        load_link_keywords(bad)
    bad.write_text('[roles.contact]\ntext = []\npath = ["c"]\n', "utf-8")
    with pytest.raises(LinkKeywordsError, match="contact"):
        load_link_keywords(bad)


async def test_thin_home_uses_the_sitemap(farm: Farm, tmp_path: Path,
                                          make_crawler: CrawlerFactory) -> None:
    sitemap = ("<?xml version='1.0'?><urlset><url><loc>https://mince.be/</loc></url>"
               "<url><loc>https://mince.be/nous-contacter</loc></url>"
               "<url><loc>https://mince.be/click-and-collect</loc></url>"
               "<url><loc>https://mince.be/blog/2024</loc></url></urlset>")
    root = write_site(tmp_path / "m", {
        "index.html": page("Mince"), "nous-contacter.html": page("Contact"),
        "click-and-collect.html": page("Retrait"), "sitemap.xml": sitemap,
        "robots.txt": "User-agent: *\nAllow: /\nSitemap: https://mince.be/sitemap.xml\n"})
    farm.add_static_site("mince.be", root)
    site = await (await make_crawler()).crawl_site(Shop(name="M", website="https://mince.be/"))
    assert {p.role: p.final_url for p in site.pages} == {
        "home": "https://mince.be/", "contact": "https://mince.be/nous-contacter",
        "pickup": "https://mince.be/click-and-collect"}
    assert "/blog/2024" not in farm.stats.paths("mince.be")
