"""Match technology fingerprints against a parsed page."""

from __future__ import annotations

import re

from probes.document import ParsedPage
from probes.fingerprints import Detection, Technology

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
    for pattern in tech.patterns.get("html", ()):
        if pattern.literal and pattern.literal not in page.html_lower:
            continue
        m = pattern.regex.search(page.html)
        if m:
            lo = max(0, m.start() - SNIPPET_RADIUS)
            yield "html", pattern, page.html[lo:m.end() + SNIPPET_RADIUS]
    for key, values in (("scriptSrc", page.script_srcs), ("url", [page.url or ""]),
                        ("links", [link.href for link in page.links])):
        for pattern in tech.patterns.get(key, ()):
            hit = next((v for v in values if v and pattern.regex.search(v)), None)
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
