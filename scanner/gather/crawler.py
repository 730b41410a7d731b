"""The crawler: everything a shop's website tells us, gathered politely into ``SiteArtifacts``.

    async with Crawler(settings, http, validators=store) as crawler:
        site = await crawler.crawl_site(shop)      # never raises

One site = robots.txt, then the home page, then up to ``max_extra_pages`` key pages chosen by
link text (scanner/links.py), plus one request to learn whether http:// redirects to https://.
A JavaScript-only home page is rendered with Chromium when needed (scanner/render.py).
Every failure becomes ``SiteArtifacts.status`` / ``errors``; a slow site is cut at
``total_timeout_per_shop`` and keeps what was fetched by then.

Site status from the first failure (artifacts.SiteStatus):
    robots.txt or home: refused -> "refused"; dns/connect/tls/timeout -> "unreachable";
    home disallowed -> "blocked_by_robots"; robots.txt 5xx or home 4xx/5xx -> "http_error";
    anything else -> "error".
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import re
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx

from core.artifacts import (
    FailureKind,
    FetchedPage,
    FetchError,
    PageRole,
    RobotsInfo,
    SiteArtifacts,
    SiteStatus,
)
from core.hosts import is_not_crawled
from core.http import DirectClient, HttpContext, make_direct_client
from core.shop import Shop
from scanner.gather.fetch import Fetcher, FetchFailure, Validators, host_of
from scanner.gather.key_pages import find_key_pages
from scanner.gather.links import LinkKeywords, load_link_keywords
from scanner.gather.render import RenderService
from scanner.gather.robots import RobotsCache
from scanner.gather.settings import CrawlSettings
from scanner.gather.slots import REAL_CLOCK, Clock, Slots
from scanner.gather.stats import CrawlStats

#: The final dot of a host name, before the port if there is one.
TRAILING_DOT = re.compile(r"\.+(?=:\d*$|$)")
log = logging.getLogger(__name__)

UNREACHABLE_KINDS = ("dns", "connect", "tls", "timeout")
#: FetchFailure kind for a request or redirect hop to a social network (never made).
SOCIAL_KIND: FailureKind = "social"


class ValidatorCache(Protocol):
    """What the store offers for conditional requests (ETag / Last-Modified of the last scan)."""

    def get_validators(self, url: str) -> Validators | None: ...

    def save_validators(self, url: str, etag: str | None, last_modified: str | None,
                        html: str) -> None: ...


def status_for_failure(kind: FailureKind) -> SiteStatus:
    if kind == "refused":
        return "refused"
    if kind in UNREACHABLE_KINDS:
        return "unreachable"
    if kind == "robots":
        return "blocked_by_robots"
    if kind == "http_status":
        return "http_error"
    return "error"


def normalize_website(website: str | None) -> str | None:
    """A usable absolute URL, or None: adds http:// when the scheme is missing."""
    if not website or not website.strip():
        return None
    url = website.strip()
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        hostname = parts.hostname  # raises on a malformed host such as "[::1"
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None
    if hostname.endswith("."):  # "shop.be." is shop.be; many servers refuse the dotted Host
        userinfo, at, hostport = parts.netloc.rpartition("@")
        url = urlunsplit(parts._replace(netloc=userinfo + at + TRAILING_DOT.sub("", hostport)))
    return url if urlsplit(url).path else url + "/"


def pool_size(settings: CrawlSettings) -> int:
    """Connections the client may keep: every shop in progress (``global_concurrency`` of them)
    with its ``per_host_concurrency`` connections, in flight or idle between two requests.

    Slots caps the requests in flight at ``global_concurrency``; a pool of only that many had to
    close a shop's idle connection for another shop's next request (1,860 connections for 2,100
    requests in the 300-shop benchmark, against ~590 with this size).
    """
    return settings.global_concurrency * settings.per_host_concurrency


class Crawler:
    def __init__(self, settings: CrawlSettings, http: HttpContext,
                 validators: ValidatorCache | None = None, clock: Clock = REAL_CLOCK) -> None:
        self.settings = settings
        self.http = dataclasses.replace(http, user_agent=settings.user_agent_header)
        self.validators = validators
        self.stats = CrawlStats()
        self.clock = clock
        self.slots = Slots(settings, clock)
        self.keywords: LinkKeywords = load_link_keywords()
        self._client: DirectClient | None = None
        self._fetcher: Fetcher | None = None
        self._robots: RobotsCache | None = None
        self._render: RenderService | None = None

    async def __aenter__(self) -> Crawler:
        s = self.settings
        timeout = httpx.Timeout(s.read_timeout, connect=s.connect_timeout, pool=None)
        self._client = make_direct_client(self.http, timeout=timeout,
                                          max_connections=pool_size(s))
        token = s.user_agent.split("/")[0].strip()
        self._fetcher = Fetcher(self._client, s, self.slots, self.stats, self._robots_allows,
                                random.Random(), self.clock)
        self._robots = RobotsCache(self._fetcher, token)
        self._render = RenderService(s, self._fetcher, self.stats)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._robots is not None:
            await self._robots.close()
        if self._render is not None:
            await self._render.close()
        if self._client is not None:
            await self._client.aclose()

    async def _robots_allows(self, url: str) -> bool:
        """Checked before every request and redirect hop (pages and rendering browsers)."""
        assert self._robots is not None
        if is_not_crawled(url):  # e.g. a site redirecting to its Facebook page
            raise FetchFailure(url, SOCIAL_KIND, "a social network page: recorded, not crawled")
        rules = await self._robots.rules_for(url)
        if rules.failure is not None:  # e.g. a redirect hop to a refused or dead address
            raise FetchFailure(url, rules.failure.kind, rules.failure.message)
        if rules.http_status is not None:
            raise FetchFailure(url, "http_status", f"robots.txt answered {rules.http_status}")
        return rules.allows(url, self._robots.user_agent_token)

    async def crawl_site(self, shop: Shop) -> SiteArtifacts:
        """Crawl one shop's website. Never raises: failures are in the result."""
        site = SiteArtifacts(website=shop.website, status="error")
        url: str | None = None
        try:
            url = normalize_website(shop.website)
            async with asyncio.timeout(self.settings.total_timeout_per_shop):
                await self._crawl(url, site)
        except TimeoutError:
            self._record(site, FetchError(url or "", "timeout",
                                          "the whole site took too long; pages so far are kept"))
            site.status = "ok" if site.pages else "unreachable"
        except Exception as exc:  # a bug must not end the scan: it becomes this shop's error
            # one line; the traceback only for --debug (a bug report, not the user's problem)
            log.warning("crawl of %s failed: %s", url, type(exc).__name__,
                        exc_info=log.isEnabledFor(logging.DEBUG))
            self._record(site, FetchError(url or "", "other", f"{type(exc).__name__}: {exc}"))
            site.status = "ok" if site.pages else "error"
        finally:
            self._forget_site(url, site)
        return site

    def _forget_site(self, url: str | None, site: SiteArtifacts) -> None:
        """Drop the finished site's slots, robots rules and cookies: memory stays flat over
        5,000 shops, and later requests do not check a jar of every site met."""
        seen = {url} if url else set()
        if site.home is not None:
            seen.add(site.home.final_url)
        for address in seen:
            host = host_of(address)
            if self.slots.forget(host) and self._client is not None:
                self._client.forget_cookies(host)
            if self._robots is not None:
                self._robots.forget(address)

    async def _crawl(self, url: str | None, site: SiteArtifacts) -> None:
        assert self._fetcher is not None and self._robots is not None
        if url is None:
            if site.website and site.website.strip():
                self._record(site, FetchError(site.website, "other", "not a web address"))
                site.status = "error"
            else:
                site.status = "no_website"
            return
        if is_not_crawled(url):
            site.status = "social_only"
            site.social_links = [url]
            return
        if not await self._check_robots(url, site):
            return
        home = await self._fetch_home(url, site)
        if home is None:
            return
        site.status = "ok"
        await self._render_if_needed(home, site)
        await asyncio.gather(self._fetch_key_pages(home, site),
                             self._probe_http_redirect(url, home, site))

    async def _check_robots(self, url: str, site: SiteArtifacts) -> bool:
        assert self._robots is not None
        rules = await self._robots.rules_for(url)
        token = self._robots.user_agent_token
        delay = rules.crawl_delay(token)
        home_allowed = rules.allows(url, token)
        site.robots = RobotsInfo(rules.url, rules.status, home_allowed, delay)
        self.slots.set_crawl_delay(host_of(url), delay)
        if rules.failure is not None:
            self._fail(site, rules.failure)
            return False
        if rules.http_status is not None:  # 5xx/429: a failing server, not crawled this scan
            self._record(site, FetchError(rules.url, "http_status",
                                          f"robots.txt answered {rules.http_status}: the server "
                                          "is failing, site not crawled in this scan"))
            site.status = "http_error"
            return False
        if not home_allowed:
            self._record(site, FetchError(url, "robots", "robots.txt disallows the home page"))
            site.status = "blocked_by_robots"
            return False
        return True

    async def _fetch_home(self, url: str, site: SiteArtifacts) -> FetchedPage | None:
        try:
            home = await self._fetch_page(url)
        except FetchFailure as failure:
            if failure.kind == SOCIAL_KIND:
                site.status, site.social_links = "social_only", [failure.url]
            else:
                self._fail(site, failure)
            return None
        home.role = "home"
        site.pages.append(home)
        site.https = urlsplit(home.final_url).scheme == "https"
        if urlsplit(url).scheme == "http":
            site.http_redirects_to_https = site.https
        if home.status >= 400:
            self._record(site, FetchError(url, "http_status", f"home page answered {home.status}"))
            site.status = "http_error"
            return None
        return home

    async def _fetch_page(self, url: str) -> FetchedPage:
        assert self._fetcher is not None
        cached = self.validators.get_validators(url) if self.validators else None
        page = await self._fetcher.fetch_page(url, cached)
        self.stats.pages_fetched += 1
        if self.validators and page.status == 200 and not page.not_modified:
            etag, modified = page.headers.get("etag"), page.headers.get("last-modified")
            if etag or modified:
                self.validators.save_validators(url, etag, modified, page.html)
        return page

    async def _fetch_key_pages(self, home: FetchedPage, site: SiteArtifacts) -> None:
        assert self._fetcher is not None and self._robots is not None
        rules = await self._robots.rules_for(home.url)
        picks, social = await find_key_pages(home, rules, self._robots.user_agent_token,
                                             self._fetcher, self.keywords,
                                             self.settings.max_extra_pages)
        site.social_links = social
        results = await asyncio.gather(*(self._fetch_key_page(p.url, p.role, site)
                                         for p in picks))
        seen = {home.final_url}
        for page in results:
            if page is not None and page.final_url not in seen:
                seen.add(page.final_url)
                site.pages.append(page)

    async def _fetch_key_page(self, url: str, role: PageRole, site: SiteArtifacts
                              ) -> FetchedPage | None:
        try:
            page = await self._fetch_page(url)
        except FetchFailure as failure:
            if failure.kind == SOCIAL_KIND:
                site.social_links.append(failure.url)
            else:
                self._record(site, FetchError(failure.url, failure.kind, failure.message))
            return None
        page.role = role
        if site.render == "rendered" and self._render is not None:  # a JS site: its pages too
            await self._render.render_if_needed(page)
        return page

    async def _probe_http_redirect(self, url: str, home: FetchedPage, site: SiteArtifacts) -> None:
        """For an https site: does http:// redirect to https://? One request, body not read."""
        if urlsplit(url).scheme != "https" or self._fetcher is None:
            return
        http_url = "http://" + urlsplit(url).netloc + "/"
        try:
            raw = await self._fetcher.get(http_url, keep_body=lambda status, headers: False)
        except FetchFailure:
            site.http_redirects_to_https = False  # http:// does not answer at all
            return
        location = raw.headers.get("location", "")
        site.http_redirects_to_https = raw.status in (301, 302, 303, 307, 308) and \
            location.lower().startswith("https://")

    async def _render_if_needed(self, home: FetchedPage, site: SiteArtifacts) -> None:
        assert self._render is not None
        site.render = await self._render.render_if_needed(home)

    def _fail(self, site: SiteArtifacts, failure: FetchFailure) -> None:
        self._record(site, FetchError(failure.url, failure.kind, failure.message))
        site.status = status_for_failure(failure.kind)

    def _record(self, site: SiteArtifacts, error: FetchError) -> None:
        site.errors.append(error)
