"""Render JavaScript-only pages with Debian's Chromium, only when the static HTML is not enough.

    service = RenderService(settings, fetcher, stats)
    site.render = await service.render_if_needed(home)   # updates home.html when rendered
    await service.close()

Every HTTP request the browser makes is intercepted (``context.route``) and fulfilled through
our own ``Fetcher``: the resolve override, the SSRF guard, robots.txt, the per-host slots and
the body cap stay in force. Images, fonts, media and style sheets are not fetched (text is what
we read). What routing does not see is shut another way (tests/scanner/test_render_isolation.py
tries each against a loopback listener):

* WebSockets, also from workers: ``context.route_web_socket`` closes them unconnected;
* WebRTC (STUN/TURN over UDP or TCP): only proxied transports are allowed, and the proxy is
  ``DEAD_PROXY``, so any connection that escapes routing (WebRTC TURN over TCP, a request from a
  context routing misses) goes to a closed loopback port, loopback included
  (``<-loopback>``), and fails; no DNS is done by Chromium either (``--host-resolver-rules``).

The browser starts on the first page that needs it. If the executable is missing or does not
launch, the result is "unavailable" for every shop and the static HTML is kept; the scan goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import Any

from core.artifacts import FetchedPage, RenderStatus
from probes.document import parsed_page_of
from scanner.gather.fetch import ACCEPT_HTML, Fetcher, FetchFailure
from scanner.gather.render_decision import needs_rendering
from scanner.gather.settings import CrawlSettings
from scanner.gather.stats import CrawlStats

log = logging.getLogger(__name__)

#: Where Chromium sends whatever our routing did not fulfil: the discard port on loopback,
#: which nothing listens on, so such a connection fails at once.
DEAD_PROXY = "http://127.0.0.1:9"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps",
                 f"--proxy-server={DEAD_PROXY}", "--proxy-bypass-list=<-loopback>",
                 "--host-resolver-rules=MAP * ~NOTFOUND",
                 "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                 "--webrtc-ip-handling-policy=disable_non_proxied_udp"]
#: Resource types never fetched for a render (we read text, not pixels).
SKIPPED_RESOURCES = ("image", "media", "font", "stylesheet", "websocket", "eventsource",
                     "manifest", "texttrack")
#: Requests one render may make; beyond, they are aborted (a runaway app must not crawl the web).
MAX_REQUESTS_PER_RENDER = 80
#: After the load event, wait at most this long for the network to go quiet (seconds).
NETWORK_IDLE_WAIT = 3.0
#: Response headers not passed back to the browser (the body is already decoded and whole).
DROPPED_HEADERS = ("content-encoding", "content-length", "transfer-encoding", "connection")


class RenderService:
    def __init__(self, settings: CrawlSettings, fetcher: Fetcher, stats: CrawlStats) -> None:
        self._settings, self._fetcher, self._stats = settings, fetcher, stats
        self._pool = asyncio.Semaphore(settings.render_pool_size)
        self._launch_lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self._unavailable: str | None = None  # why the browser cannot be used

    async def render_if_needed(self, page: FetchedPage) -> RenderStatus:
        """Render ``page`` in place when its static HTML looks like an app shell."""
        if not self._settings.render:
            return "disabled"
        if not needs_rendering(page.html, doc=parsed_page_of(page)).needed:
            return "not_needed"
        browser = await self._browser_or_none()
        if browser is None:
            return "unavailable"
        try:
            async with self._pool:
                html = await asyncio.wait_for(self._render(browser, page.final_url),
                                              self._settings.render_timeout)
        except Exception as exc:  # a page that breaks the browser is this shop's problem only
            log.info("render of %s failed: %s", page.final_url, exc)
            return "failed"
        page.html, page.rendered = html, True
        self._stats.renders += 1
        return "rendered"

    async def _browser_or_none(self) -> Any:
        async with self._launch_lock:
            if self._browser is None and self._unavailable is None:
                await self._launch()
        return self._browser

    async def _launch(self) -> None:
        path = self._settings.chromium_path
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            self._unavailable = f"no Chromium at {path}"
            log.warning("rendering unavailable: %s", self._unavailable)
            return
        try:
            from playwright.async_api import async_playwright  # lazy: heavy, only when rendering

            self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=path, args=CHROMIUM_ARGS, headless=True)
        except Exception as exc:
            self._unavailable = f"Chromium did not start: {exc}"
            log.warning("rendering unavailable: %s", self._unavailable)
            await self._stop_playwright()

    async def _render(self, browser: Any, url: str) -> str:
        context = await browser.new_context(user_agent=self._fetcher_user_agent(),
                                            service_workers="block", java_script_enabled=True)
        try:
            budget = [MAX_REQUESTS_PER_RENDER]
            await context.route("**/*", lambda route: self._fulfil(route, budget))
            await context.route_web_socket("**/*", _refuse_web_socket)
            page = await context.new_page()
            await page.goto(url, wait_until="load")
            with contextlib.suppress(Exception):  # a chatty page never goes idle: take it as is
                await page.wait_for_load_state("networkidle", timeout=NETWORK_IDLE_WAIT * 1000)
            return str(await page.content())
        finally:
            await context.close()

    async def _fulfil(self, route: Any, budget: list[int]) -> None:
        try:
            await self._fulfil_through_fetcher(route, budget)
        except Exception as exc:  # the page may be closing; never leave a request hanging
            log.debug("render request %s: %s", route.request.url, exc)
            with contextlib.suppress(Exception):
                await route.abort()

    async def _fulfil_through_fetcher(self, route: Any, budget: list[int]) -> None:
        request = route.request
        budget[0] -= 1
        if (request.method != "GET" or request.resource_type in SKIPPED_RESOURCES
                or budget[0] < 0 or not request.url.startswith(("http://", "https://"))):
            await route.abort()
            return
        accept = ACCEPT_HTML if request.resource_type == "document" else "*/*"
        try:
            raw = await self._fetcher.follow(request.url, {"Accept": accept})
        except FetchFailure:
            await route.abort()
            return
        headers = {k: v for k, v in raw.headers.items() if k not in DROPPED_HEADERS}
        await route.fulfill(status=raw.status, headers=headers, body=raw.body)

    def _fetcher_user_agent(self) -> str:
        return self._settings.user_agent_header

    async def close(self) -> None:
        if self._browser is not None:
            try:
                await self._browser.close()
            except Exception as exc:
                log.info("closing Chromium: %s", exc)
            self._browser = None
        await self._stop_playwright()

    async def _stop_playwright(self) -> None:
        if self._playwright is not None:
            try:
                await self._playwright.stop()
            except Exception as exc:
                log.info("stopping Playwright: %s", exc)
            self._playwright = None


async def _refuse_web_socket(socket: Any) -> None:
    """Close a page's WebSocket before any connection: we read text, not live updates."""
    with contextlib.suppress(Exception):
        await socket.close()
