"""Match technology fingerprints against a parsed page."""

from __future__ import annotations

import re

from probes.document import ParsedPage
from probes.fingerprints import Detection, Pattern, Technology

COOKIE_NAME = re.compile(r"(?:^|[,;]\s*)([^=;,\s]+)=")
SNIPPET_RADIUS = 60


def detect_technologies(page: ParsedPage, techs: dict[str, Technology]) -> list[Detection]:
    """Every technology whose patterns add up to some confidence, best first."""
    found: dict[str, Detection] = {}
    cookies = {c.lower() for c in COOKIE_NAME.findall(page.headers.get("set-cookie", ""))}
    for tech in techs.values():
        detection = _detect_one(page, tech, cookies)
        if detection:
            found[tech.name] = detection
    for detection in list(found.values()):
        for implied in techs[detection.name].implies:
            if implied in techs and implied not in found:
                t = techs[implied]
                found[implied] = Detection(t.name, t.slug, t.roles, detection.confidence, "implies",
                                           detection.snippet, f"implied by {detection.name}")
    return sorted(found.values(), key=lambda d: -d.confidence)


def _detect_one(page: ParsedPage, tech: Technology, cookies: set[str]) -> Detection | None:
    total, first = 0, None
    for where, pattern, snippet in _matches(page, tech, cookies):
        total += pattern.confidence
        first = first or (where, pattern, snippet)
    if not first or total <= 0:
        return None
    where, pattern, snippet = first
    return Detection(tech.name, tech.slug, tech.roles, min(total, 100), where, snippet,
                     f"{tech.name}:{where}:{pattern.source}")


def _matches(page: ParsedPage, tech: Technology, cookies: set[str]):
    for key, blob, lower in (("html", page.html, page.html_lower),
                             ("scriptSrc", page.scripts_blob, page.scripts_blob),
                             ("links", page.links_blob, page.links_blob),
                             ("url", (page.url or "").lower(), (page.url or "").lower())):
        for pattern in tech.patterns.get(key, ()):
            if key == "html" and pattern.token and pattern.token not in page.html_tokens():
                continue
            hit = _search(pattern, blob, lower, whole_line=key != "html")
            if hit:
                yield key, pattern, hit
    sources = {"meta": page.meta, "headers": page.headers,
               "cookies": {c: "" for c in cookies}}
    for key, by_name in tech.keyed.items():
        for name, patterns in by_name.items():
            value = sources[key].get(name)
            if value is None:
                continue
            for pattern in patterns:
                if pattern.regex.search(value):
                    yield f"{key}:{name}", pattern, f"{name}: {value}"


def _search(pattern: Pattern, blob: str, lower: str, whole_line: bool) -> str | None:
    """The matching snippet (or line, for one-item-per-line blobs), None when no match."""
    if pattern.literal and pattern.literal not in lower:
        return None
    m = pattern.regex.search(blob)
    if not m:
        return None
    if whole_line:
        start = blob.rfind("\n", 0, m.start()) + 1
        end = blob.find("\n", m.end())
        return blob[start:end if end >= 0 else None]
    return blob[max(0, m.start() - SNIPPET_RADIUS):m.end() + SNIPPET_RADIUS]
