"""Does a page need a browser? A pure function of its static HTML (no I/O).

    need = needs_rendering(html)      # RenderNeed(needed=True, reason="empty app root #root")

Signs, tunable in ``scanner/gather/data/render_markers.toml``: very little visible text
together with an empty app root (``<div id="root"></div>``, ``#app``, ``#__next``…), a
site-builder or shop-platform marker (Wix ``SITE_CONTAINER`` / parastorage…, Lightspeed,
Squarespace; any case), a ``<noscript>`` "enable JavaScript" warning, or many scripts; or
almost no visible text at all.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from probes.document import ParsedPage
from probes.nesting import cut_too_deep
from scanner.gather.links import normalize

RENDER_MARKERS_FILE = Path(__file__).parent / "data" / "render_markers.toml"
#: Visible text of an app root at most this long still counts as "empty" (a "Loading…").
EMPTY_ROOT_CHARS = 20
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg")
_NOSCRIPT = re.compile(r"<noscript[^>]*>(.*?)</noscript>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class RenderMarkers:
    thin_text_chars: int
    empty_text_chars: int
    many_scripts: int
    app_root_selectors: tuple[str, ...]
    builder_markers: tuple[str, ...]
    noscript_warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RenderNeed:
    needed: bool
    reason: str


@functools.lru_cache(maxsize=2)
def load_render_markers(path: Path = RENDER_MARKERS_FILE) -> RenderMarkers:
    data = tomllib.loads(path.read_text("utf-8"))
    try:
        markers = RenderMarkers(
            thin_text_chars=int(data["thin_text_chars"]),
            empty_text_chars=int(data["empty_text_chars"]),
            many_scripts=int(data["many_scripts"]),
            app_root_selectors=tuple(data["app_root_selectors"]),
            builder_markers=tuple(data["builder_markers"]),
            noscript_warnings=tuple(normalize(w) for w in data["noscript_warnings"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: missing or bad entry ({exc})") from exc
    if set(data) - set(RenderMarkers.__slots__):
        unknown = sorted(set(data) - set(RenderMarkers.__slots__))
        raise ValueError(f"{path}: unknown entries {unknown}")
    return markers


def strip_to_visible_text(tree: LexborHTMLParser) -> str:
    """The body's visible text. Removes scripts, styles… from ``tree`` itself (parse a copy)."""
    tree.strip_tags(list(INVISIBLE_TAGS))
    body = tree.body
    return " ".join((body.text(separator=" ") if body is not None else "").split())


def needs_rendering(html: str, markers: RenderMarkers | None = None,
                    doc: ParsedPage | None = None) -> RenderNeed:
    """Whether the static HTML is not enough. ``doc``: the page's shared parse, if made."""
    m = markers or load_render_markers()
    if doc is not None and len(doc.text) >= m.thin_text_chars:
        return RenderNeed(False, f"{len(doc.text)} characters of visible text")  # no new parse
    tree = LexborHTMLParser(cut_too_deep(html))
    sign = _app_shell_sign(html, tree, m)  # before stripping: it counts the scripts
    text_len = len(strip_to_visible_text(tree))
    if text_len >= m.thin_text_chars:
        return RenderNeed(False, f"{text_len} characters of visible text")
    if sign:
        return RenderNeed(True, f"{sign}; only {text_len} characters of visible text")
    if text_len < m.empty_text_chars:
        return RenderNeed(True, f"almost no visible text ({text_len} characters)")
    return RenderNeed(False, f"short page ({text_len} characters) without app-shell signs")


def _app_shell_sign(html: str, tree: LexborHTMLParser, m: RenderMarkers) -> str | None:
    for selector in m.app_root_selectors:
        node = tree.css_first(selector)
        if node is not None and len((node.text(separator=" ") or "").strip()) <= EMPTY_ROOT_CHARS:
            return f"empty app root {selector}"
    low = html.lower()
    for marker in m.builder_markers:
        if marker.lower() in low:
            return f"site-builder marker {marker}"
    for inner in _NOSCRIPT.findall(html):  # raw HTML: parsers empty a <noscript> in <head>
        text = normalize(_TAG.sub(" ", inner))
        if any(w in text for w in m.noscript_warnings):
            return "noscript asks to enable JavaScript"
    if len(tree.css("script")) >= m.many_scripts:
        return f"{len(tree.css('script'))} scripts"
    return None
