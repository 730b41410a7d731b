"""report.html: one self-contained page (inline CSS, JS and SVG) for an ambassador.

No external request of any kind unless the reader clicks "show map tiles". Autoescape is
on: names, titles, snippets and URLs written by websites are escaped; only absolute
http/https URLs become links (see `_format.safe_href`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from output._ecosystem_view import ecosystem_view
from output._files import atomic_text
from output._format import Formatter
from output._html_view import build_view, sparkline
from output.i18n import load_messages
from output.store import Store

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "report.html.j2"
MAP_JSON_KEYS = ("origin_x", "origin_y", "reference_zoom", "tile_size", "width", "height")


def _own_asset(name: str) -> Markup:
    """Our own CSS/JS, inlined verbatim (refused if it could close its element)."""
    text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"{name} must not contain '</' (it is inlined in the page)")
    return Markup(text)  # noqa: S704 - our own file, checked above


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
                              autoescape=True, undefined=jinja2.ChainableUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def css_string(text: str) -> str:
    """A CSS string literal with every character outside [A-Za-z0-9 ] escaped (\\HHHHHH)."""
    return '"' + "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x}"
                         for c in text) + '"'


def page_css(title: str, msg: Any) -> Markup:
    """@page rules for print: running header (commune, date) and page numbers."""
    page = css_string(msg("print.page") + " ")
    return Markup(  # noqa: S704 - every character of the title is escaped by css_string
        f"@page {{ size: A4; margin: 16mm 12mm 16mm 12mm; "
        f"@top-center {{ content: {css_string(title)}; font-size: 9pt; color: #616e7c; }} "
        f"@bottom-right {{ content: {page} counter(page) \" / \" counter(pages); "
        f"font-size: 9pt; }} }}")


def render_html(store: Store, scan: dict[str, Any], commune: dict[str, Any],
                lang: str = "fr") -> str:
    msg = load_messages(lang)
    fmt = Formatter(lang)
    view = build_view(store, scan, commune, msg, fmt)
    env = _environment()
    env.tests["known_key"] = msg.has
    sector_rows = [{**g, "label": msg(f"sectors.{g['name']}") if msg.has(f"sectors.{g['name']}")
                    else g["name"]} for g in view["sectors"]]
    street_rows = [{**g, "label": g["name"]} for g in view["streets"]]
    map_json = {k: view["map"][k] for k in MAP_JSON_KEYS} if view["map"] else {}
    return env.get_template(TEMPLATE_NAME).render(
        v=view, t=msg, fmt=fmt, lang=lang, css=_own_asset("report.css"),
        page_css=page_css(f"{msg('meta.title')} · {view['commune_name']} · "
                          f"{fmt.datetime(scan.get('started_at'))}", msg),
        js=_own_asset("report.js"), sector_rows=sector_rows, street_rows=street_rows,
        map_json=map_json, generated_at=datetime.now(UTC).isoformat(),
        eco=ecosystem_view(commune, view["shops"], msg),
        sparkline=lambda trend, step: sparkline([s["steps"][step]["mean"] for s in trend]))


def write_report_html(store: Store, scan: dict[str, Any], commune: dict[str, Any], path: Path,
                      lang: str = "fr") -> Path:
    page = render_html(store, scan, commune, lang)
    with atomic_text(path) as out:
        out.write(page)
    return path
