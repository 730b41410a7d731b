"""Pick a shop site's key pages (contact, shop, pickup, about, hours) from its home page links.

    keywords = load_link_keywords()
    links = extract_links(home_html, home_url)      # or page_links(fetched_page)
    picks = rank_key_pages(links, home_url, keywords, max_pages=5)   # [KeyPage(url, role, score)]

The multilingual keywords live in ``scanner/data/link_keywords.toml`` (documented there).
Only same-site links are followed (same registered domain, http or https); social network
links are recorded, never crawled. When the home page is thin, ``sitemap_urls`` gives
candidates from sitemap.xml, ranked by their path alone.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args
from urllib.parse import SplitResult, urlsplit, urlunsplit

from core.artifacts import FetchedPage, PageRole
from core.hosts import is_not_crawled
from core.text import fold, registrable_domain
from probes import document
from probes.document import parsed_page_of

LINK_KEYWORDS_FILE = Path(__file__).parent / "data" / "link_keywords.toml"
#: A home page with fewer same-site links than this is "thin": sitemap.xml is consulted too.
THIN_HOME_LINKS = 3
#: Sitemap entries looked at (a shop's sitemap may list thousands of product pages).
MAX_SITEMAP_URLS = 2000
KEY_ROLES: tuple[PageRole, ...] = tuple(r for r in get_args(PageRole) if r not in ("home", "other"))


class LinkKeywordsError(ValueError):
    """link_keywords.toml is malformed."""


@dataclass(frozen=True, slots=True)
class RoleKeywords:
    """A role's words, each list searched at once (one search per link and role)."""

    text_any: re.Pattern[str]  # a whole word of the link text
    path_any: re.Pattern[str]  # a part of the link path


@dataclass(frozen=True, slots=True)
class LinkKeywords:
    roles: dict[PageRole, RoleKeywords]
    text_weight: float
    path_weight: float
    skipped_extensions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute, without fragment
    text: str  # visible text + title + aria-label


@dataclass(frozen=True, slots=True)
class KeyPage:
    url: str
    role: PageRole
    score: float


def normalize(text: str) -> str:
    """Lower case, no accents, single spaces: "À  Propos" -> "a propos"."""
    return fold(text.replace("’", "'"))


@functools.lru_cache(maxsize=4)
def load_link_keywords(path: Path = LINK_KEYWORDS_FILE) -> LinkKeywords:
    data = tomllib.loads(path.read_text("utf-8"))
    roles_data = data.get("roles", {})
    unknown = set(roles_data) - set(KEY_ROLES)
    if unknown or not roles_data:
        raise LinkKeywordsError(f"{path}: roles must be among {KEY_ROLES}, "
                                f"got {sorted(roles_data)}")
    role_of: dict[str, PageRole] = {role: role for role in KEY_ROLES}
    # In the file's order: on a tie, the first role listed wins (score_link).
    roles = {role_of[name]: _role_keywords(path, name, spec) for name, spec in roles_data.items()}
    return LinkKeywords(
        roles=roles, text_weight=float(data.get("text_weight", 2.0)),
        path_weight=float(data.get("path_weight", 1.0)),
        skipped_extensions=tuple(data.get("skipped_extensions", ())),
    )


def _role_keywords(path: Path, name: str, spec: dict[str, Any]) -> RoleKeywords:
    text, url_words = spec.get("text", []), spec.get("path", [])
    if not _str_list(text) or not _str_list(url_words) or set(spec) - {"text", "path"}:
        raise LinkKeywordsError(f"{path}: [roles.{name}] needs non-empty lists text and path")
    words = "|".join(re.escape(normalize(w)) for w in text)
    return RoleKeywords(text_any=re.compile(rf"(?<!\w)(?:{words})(?!\w)"),
                        path_any=re.compile("|".join(re.escape(normalize(w)) for w in url_words)))


def _str_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def extract_links(html: str, base_url: str) -> list[Link]:
    """Every http(s) link of the page, absolute, fragment dropped, in page order, no duplicates."""
    return web_links(document.links_of(html, base_url))


def page_links(page: FetchedPage) -> list[Link]:
    """The links of a fetched page: from its shared parse when something already made it (the
    rendering decision), else read alone. The scanning process then never parses the page
    whole: the probe worker does, once (probes.document.parsed_page_of)."""
    if page.parsed is not None:
        return web_links(parsed_page_of(page).links)
    return extract_links(page.html or "", page.final_url or page.url)


def web_links(anchors: list[document.Link]) -> list[Link]:
    """http(s) links, absolute, fragment dropped, in page order, no duplicates.

    An href met before gives the same URL, already kept or refused: it is not split again
    (the benchmark farm's home pages repeat half of their ~130 anchors, as product grids and
    menus do).
    """
    seen: set[str] = set()
    hrefs: set[str] = set()
    links: list[Link] = []
    for link in anchors:
        if link.href in hrefs:
            continue
        hrefs.add(link.href)
        parts = urlsplit(link.href)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
        if url in seen:
            continue
        seen.add(url)
        links.append(Link(url, " ".join(t for t in (link.text, link.title) if t)))
    return links


def same_site_links(links: list[Link], home_url: str, keywords: LinkKeywords) -> list[Link]:
    site = registrable_domain(home_url)
    home = _without_trailing_slash(urlsplit(home_url))
    kept = []
    for link in links:
        if registrable_domain(link.url) != site:
            continue
        parts = urlsplit(link.url)
        if _without_trailing_slash(parts) != home \
                and not parts.path.lower().endswith(keywords.skipped_extensions):
            kept.append(link)
    return kept


def _without_trailing_slash(parts: SplitResult) -> str:
    return f"{parts.hostname}{parts.path.rstrip('/')}?{parts.query}"


def score_link(link: Link, keywords: LinkKeywords) -> tuple[PageRole, float]:
    """The link's best role and its score (0 when nothing matches)."""
    text = normalize(link.text)
    path = normalize(urlsplit(link.url).path)
    best_role: PageRole = "other"
    best = 0.0
    for role, spec in keywords.roles.items():
        score = 0.0
        if text and spec.text_any.search(text):
            score += keywords.text_weight
        if spec.path_any.search(path):
            score += keywords.path_weight
        if score > best:
            best_role, best = role, score
    return best_role, best


def rank_key_pages(links: list[Link], home_url: str, keywords: LinkKeywords,
                   max_pages: int) -> list[KeyPage]:
    """The best link of each role first (in the order of KEY_ROLES), then the next best ones."""
    return rank_same_site(same_site_links(links, home_url, keywords), keywords, max_pages)


def rank_same_site(links: list[Link], keywords: LinkKeywords, max_pages: int) -> list[KeyPage]:
    """``rank_key_pages`` of links that ``same_site_links`` already kept."""
    scored = [
        KeyPage(link.url, role, score)
        for link in links
        for role, score in [score_link(link, keywords)] if score > 0
    ]
    by_score = sorted(scored, key=lambda k: -k.score)  # stable: page order breaks ties
    picks: list[KeyPage] = []
    for role in KEY_ROLES:
        best = next((k for k in by_score if k.role == role), None)
        if best is not None:
            picks.append(best)
    picks.sort(key=lambda k: -k.score)
    picks += [k for k in by_score if k not in picks]
    return picks[:max_pages]


def social_links(links: list[Link]) -> list[str]:
    return [link.url for link in links if is_not_crawled(link.url)]


_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.I)


def sitemap_urls(xml: str) -> list[str]:
    """The ``<loc>`` entries of a sitemap or sitemap index (capped at MAX_SITEMAP_URLS)."""
    return [m.group(1).replace("&amp;", "&") for m in _LOC.finditer(xml)][:MAX_SITEMAP_URLS]


def links_from_sitemap(urls: list[str]) -> list[Link]:
    """Sitemap entries as links whose only text is their path words (for ``score_link``)."""
    return [Link(url, urlsplit(url).path.replace("-", " ").replace("/", " ")) for url in urls]
