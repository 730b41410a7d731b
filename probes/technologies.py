"""Match technology fingerprints against a parsed page."""

from __future__ import annotations

import re

from probes.document import ParsedPage
from probes.fingerprints import Detection, Pattern, Technology, html_index

COOKIE_NAME = re.compile(r"(?:^|[,;]\s*)([^=;,\s]+)=")
SNIPPET_RADIUS = 60
Blob = tuple[str, str]  # key ("links"...), lower-case text with one item a line
HtmlHits = dict[int, re.Match[str]]  # id(pattern) -> its match in the raw HTML


def detect_technologies(page: ParsedPage, techs: dict[str, Technology]) -> list[Detection]:
    """Every technology whose patterns add up to some confidence, best first."""
    found: dict[str, Detection] = {}
    cookies = {c.lower() for c in COOKIE_NAME.findall(page.headers.get("set-cookie", ""))}
    blobs = [("scriptSrc", page.scripts_blob), ("links", page.links_blob),
             ("url", (page.url or "").lower())]
    sources = {"meta": page.meta, "headers": page.headers, "cookies": dict.fromkeys(cookies, "")}
    html_hits = _html_hits(page, tuple(techs.values()))
    for tech in techs.values():
        detection = _detect_one(page, tech, sources, blobs, html_hits)
        if detection:
            found[tech.name] = detection
    for detection in list(found.values()):
        for implied in techs[detection.name].implies:
            if implied in techs and implied not in found:
                t = techs[implied]
                found[implied] = Detection(t.name, t.slug, t.roles, detection.confidence, "implies",
                                           detection.snippet, f"implied by {detection.name}")
    return sorted(found.values(), key=lambda d: -d.confidence)


def _html_hits(page: ParsedPage, techs: tuple[Technology, ...]) -> HtmlHits:
    """Every html pattern of `techs` that matches the page, with its match.

    Only the patterns whose word checks the page passes are searched (fingerprints.HtmlIndex).
    """
    hits: HtmlHits = {}
    for pattern in html_index(techs).candidates(page.words()):
        m = page.search_html(pattern, words_checked=True)
        if m:
            hits[id(pattern)] = m
    return hits


def _detect_one(page: ParsedPage, tech: Technology, sources: dict[str, dict[str, str]],
                blobs: list[Blob], html_hits: HtmlHits) -> Detection | None:
    total, first = 0, None
    for where, pattern, snippet in _matches(page, tech, sources, blobs, html_hits):
        total += pattern.confidence
        first = first or (where, pattern, snippet)
    if not first or total <= 0:
        return None
    where, pattern, snippet = first
    return Detection(tech.name, tech.slug, tech.roles, min(total, 100), where, snippet,
                     f"{tech.name}:{where}:{pattern.source}")


def _matches(page: ParsedPage, tech: Technology, sources: dict[str, dict[str, str]],
             blobs: list[Blob], html_hits: HtmlHits):
    """(where, pattern, snippet) of every pattern of `tech` that matches the page.

    `sources`: the page's meta tags, headers and cookie names ({name: ""}), by key;
    `html_hits`: the html patterns that match (see _html_hits).
    """
    for pattern in tech.patterns.get("html", ()):
        m = html_hits.get(id(pattern))
        if m:
            html = page.html
            yield "html", pattern, html[max(0, m.start() - SNIPPET_RADIUS):m.end() + SNIPPET_RADIUS]
    for key, blob in blobs:
        for pattern in tech.patterns.get(key, ()):
            hit = _search_lines(pattern, blob)
            if hit:
                yield key, pattern, hit
    for key, by_name in tech.keyed.items():
        for name, patterns in by_name.items():
            value = sources[key].get(name)
            if value is None:
                continue
            for pattern in patterns:
                if pattern.regex.search(value):
                    yield f"{key}:{name}", pattern, f"{name}: {value}"


def _search_lines(pattern: Pattern, blob: str) -> str | None:
    """The matching line of a lower-case one-item-per-line blob, None when no match."""
    if pattern.literal and pattern.literal not in blob:
        return None
    m = pattern.regex.search(blob)
    if not m:
        return None
    start = blob.rfind("\n", 0, m.start()) + 1
    end = blob.find("\n", m.end())
    return blob[start:end if end >= 0 else None]
