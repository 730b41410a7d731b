"""Choose the key pages to fetch after the home page: its links, or sitemap.xml when it is thin.

    picks, social = await find_key_pages(home, rules, "SmartCommerceScanner", fetcher, keywords, 5)
"""

from __future__ import annotations

from urllib.parse import urljoin

from core.artifacts import FetchedPage
from scanner.gather.fetch import Fetcher, FetchFailure
from scanner.gather.links import (
    THIN_HOME_LINKS,
    KeyPage,
    LinkKeywords,
    links_from_sitemap,
    page_links,
    rank_same_site,
    same_site_links,
    sitemap_urls,
    social_links,
)
from scanner.gather.robots import RobotsRules

#: Child sitemaps read from a sitemap index (one level deep).
MAX_CHILD_SITEMAPS = 2
SITEMAP_CONTENT_HINTS = ("xml", "text/plain")


async def find_key_pages(
    home: FetchedPage, robots: RobotsRules, robots_token: str, fetcher: Fetcher,
    keywords: LinkKeywords, max_pages: int,
) -> tuple[list[KeyPage], list[str]]:
    """The key pages to fetch (best first) and the social network links of the home page.

    Links that robots.txt disallows are dropped before ranking, so they never take a slot.
    """
    links = page_links(home)
    social = social_links(links)
    if max_pages <= 0:
        return [], social
    candidates = same_site_links(links, home.final_url, keywords)
    if len(candidates) < THIN_HOME_LINKS:
        urls = await read_sitemaps(home.final_url, robots.sitemaps, fetcher)
        candidates += same_site_links(links_from_sitemap(urls), home.final_url, keywords)
    allowed = [link for link in candidates if robots.allows(link.url, robots_token)]
    return rank_same_site(allowed, keywords, max_pages), social


async def read_sitemaps(home_url: str, hints: tuple[str, ...], fetcher: Fetcher) -> list[str]:
    """Page URLs listed by the site's sitemap (robots.txt hints first, else /sitemap.xml)."""
    first = hints[0] if hints else urljoin(home_url, "/sitemap.xml")
    entries = await _read_one_sitemap(first, fetcher)
    children = [u for u in entries if u.lower().split("?")[0].endswith(".xml")]
    pages = [u for u in entries if u not in children]
    for child in children[:MAX_CHILD_SITEMAPS]:
        pages += [u for u in await _read_one_sitemap(child, fetcher)
                  if not u.lower().endswith(".xml")]
    return pages


async def _read_one_sitemap(url: str, fetcher: Fetcher) -> list[str]:
    try:
        raw = await fetcher.follow(url, {"Accept": "application/xml,text/xml;q=0.9,*/*;q=0.5"},
                                   keep_body=_is_sitemap_like)
    except FetchFailure:
        return []  # a missing or broken sitemap only means fewer hints
    if raw.status != 200:
        return []
    return sitemap_urls(raw.body.decode("utf-8", errors="replace"))


def _is_sitemap_like(status: int, headers: dict[str, str]) -> bool:
    content_type = headers.get("content-type", "").lower()
    return status == 200 and any(hint in content_type for hint in SITEMAP_CONTENT_HINTS)
