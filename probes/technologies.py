"""Match technology fingerprints against a parsed page."""

from __future__ import annotations

import re
from itertools import groupby
from operator import itemgetter

from probes.document import ParsedPage
from probes.fingerprints import Detection, Pattern, Technology, field_index

COOKIE_NAME = re.compile(r"(?:^|[,;]\s*)([^=;,\s]+)=")
SNIPPET_RADIUS = 60


def detect_technologies(page: ParsedPage, techs: dict[str, Technology]) -> list[Detection]:
    """Every technology whose patterns add up to some confidence, best first."""
    ordered = tuple(techs.values())
    found: dict[str, Detection] = {}
    for i, matches in _matches_by_technology(page, ordered):
        detection = _detection(ordered[i], matches)
        if detection:
            found[detection.name] = detection
    for detection in list(found.values()):
        for implied in techs[detection.name].implies:
            if implied in techs and implied not in found:
                t = techs[implied]
                found[implied] = Detection(t.name, t.slug, t.roles, detection.confidence, "implies",
                                           detection.snippet, f"implied by {detection.name}")
    return sorted(found.values(), key=lambda d: -d.confidence)


def _matches_by_technology(page: ParsedPage, techs: tuple[Technology, ...]):
    """(technology index, [(where, pattern, snippet), ...]) of every technology with a
    matching pattern, in technology order; the matches in the technology's own order
    (html, scriptSrc, links, url, then meta, headers and cookies as listed)."""
    hits: list[tuple[int, int, str, Pattern, str]] = []  # rank, technology, match
    index = field_index(techs)
    html = page.html
    for at, m in page.html_matches(index.html_patterns):
        rank, i, pattern = index.html[at]
        hits.append((rank, i, "html", pattern,
                     html[max(0, m.start() - SNIPPET_RADIUS):m.end() + SNIPPET_RADIUS]))
    blobs = {"scriptSrc": page.scripts_blob, "links": page.links_blob,
             "url": (page.url or "").lower()}
    for key, blob_index in index.blobs.items():
        blob = blobs[key]
        for rank, i, pattern in blob_index.candidates(blob) if blob else ():
            hit = _search_lines(pattern, blob)
            if hit:
                hits.append((rank, i, key, pattern, hit))
    cookies = {c.lower() for c in COOKIE_NAME.findall(page.headers.get("set-cookie", ""))}
    sources = {"meta": page.meta, "headers": page.headers, "cookies": dict.fromkeys(cookies, "")}
    for key, by_name in index.keyed.items():
        values = sources.get(key, {})
        for name, ranked in by_name.items():
            value = values.get(name)
            if value is not None:
                hits += [(rank, i, f"{key}:{name}", pattern, f"{name}: {value}")
                         for rank, i, pattern in ranked if pattern.regex.search(value)]
    hits.sort(key=itemgetter(0))
    for i, group in groupby(hits, key=itemgetter(1)):
        yield i, [hit[2:] for hit in group]


def _detection(tech: Technology, matches: list[tuple[str, Pattern, str]]) -> Detection | None:
    """`tech` detected by its matches (the first one named), None when they add up to none."""
    total = sum(pattern.confidence for _, pattern, _ in matches)
    if total <= 0:
        return None
    where, pattern, snippet = matches[0]
    return Detection(tech.name, tech.slug, tech.roles, min(total, 100), where, snippet,
                     f"{tech.name}:{where}:{pattern.source}")


def _search_lines(pattern: Pattern, blob: str) -> str | None:
    """The matching line of a lower-case one-item-per-line blob, None when no match
    (BlobIndex.candidates named it)."""
    m = pattern.regex.search(blob)
    if not m:
        return None
    start = blob.rfind("\n", 0, m.start()) + 1
    end = blob.find("\n", m.end())
    return blob[start:end if end >= 0 else None]
