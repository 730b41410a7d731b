"""needs_rendering: app shells and builder pages need a browser; real content pages do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.gather.render_decision import load_render_markers, needs_rendering

TEXT = "Fromagerie artisanale au cœur de Namur : fromages affinés, plateaux et conseils. " * 8


@pytest.mark.parametrize("html, sign", [
    ('<html><body><div id="root"></div><script src="/static/js/main.js"></script></body></html>',
     "#root"),
    ('<body><div id="app">Chargement…</div><script src="/app.js"></script></body>', "#app"),
    ('<body><div id="__next"></div><script id="__NEXT_DATA__">{}</script></body>', "#__next"),
    ('<body><app-root></app-root></body>', "app-root"),
    ('<body><div id="SITE_CONTAINER"><p>Accueil</p></div>'
     '<script src="https://static.parastorage.com/x.js"></script></body>', "SITE_CONTAINER"),
    ('<head><noscript>Veuillez activer JavaScript pour utiliser ce site.</noscript></head>'
     '<body><p>Bienvenue dans notre boutique en ligne</p></body>', "noscript"),
    ('<body><noscript>U moet JavaScript inschakelen.</noscript><p>Welkom</p></body>', "noscript"),
    ('<body><noscript>Bitte JavaScript aktivieren</noscript><p>Willkommen</p></body>', "noscript"),
    ("<body>" + "<script src='/c.js'></script>" * 9 + "<p>Boutique de vêtements</p></body>",
     "scripts"),
    ("<body><div class='spinner'></div></body>", "almost no visible text"),
])
def test_shells_need_rendering(html: str, sign: str) -> None:
    need = needs_rendering(html)
    assert need.needed and sign in need.reason


@pytest.mark.parametrize("html", [
    f"<body><h1>Fromagerie</h1><p>{TEXT}</p></body>",
    f'<body><div id="root"><p>{TEXT}</p></div><script src="/hydrate.js"></script></body>',
    f'<body><div id="SITE_CONTAINER"><p>{TEXT}</p></div></body>',  # server-rendered Wix
    "<body><h1>Chez Paul</h1><p>Coiffure hommes, rue Haute 4, Namur. Sans rendez-vous.</p></body>",
])
def test_content_pages_do_not(html: str) -> None:
    assert not needs_rendering(html).needed


def test_script_and_style_text_is_not_visible_text() -> None:
    html = ('<body><div id="root"></div><script>' + "var x = 'texte';" * 100 + "</script>"
            "<style>" + "p{color:red}" * 100 + "</style></body>")
    assert needs_rendering(html).needed


def test_marker_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "markers.toml"
    bad.write_text("thin_text_chars = 10\n", "utf-8")
    with pytest.raises(ValueError, match="missing"):
        load_render_markers(bad)


PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "probe_pages"
SHORT = "<p>Chargement de la boutique en ligne, merci de patienter quelques secondes.</p>"


@pytest.mark.parametrize("name", ["nl_lightspeed_js_only.html", "fr_wix_js_only.html",
                                  "fr_squarespace_js_only.html"])
def test_js_only_shop_shells_are_rendered(name: str) -> None:
    """Lightspeed eCom E-Series, Wix and Squarespace shells draw the shop in the browser."""
    need = needs_rendering((PAGES / name).read_text(encoding="utf-8"))
    assert need.needed, need.reason


@pytest.mark.parametrize("head, marker", [
    ('<script src="https://cdn.webshopapp.com/shops/1/themes/2/assets/global.js"></script>',
     "cdn.webshopapp.com"),
    ('<script src="https://app.ecwid.com/script.js?4711&data_platform=lightspeed"></script>',
     "app.ecwid.com/script.js"),
    ("<script>Static = {}; Static.SQUARESPACE_CONTEXT = {};</script>", "SQUARESPACE_CONTEXT"),
    ('<script src="//assets.squarespace.com/universal/scripts-compressed/common.js"></script>',
     "assets.squarespace.com"),
    ('<script type="application/json" id="wix-viewer-model">{}</script>', "wix-viewer-model"),
    ('<link rel="preconnect" href="https://static.wixstatic.com">', "static.wixstatic.com"),
    ("<script>var Shopify = {}; Shopify.theme = {};</script>", "Shopify.theme"),
])
def test_platform_markers_send_short_pages_to_rendering(head: str, marker: str) -> None:
    """A short page (more than 'almost nothing') is rendered because of the platform marker."""
    html = f"<html><head>{head}</head><body>{SHORT}</body></html>"
    assert not needs_rendering(f"<html><body>{SHORT}</body></html>").needed
    need = needs_rendering(html)
    assert need.needed and marker in need.reason


def test_markers_are_compared_without_case() -> None:
    html = f"<html><head><script>shopify.THEME = {{}};</script></head><body>{SHORT}</body></html>"
    assert needs_rendering(html).needed
