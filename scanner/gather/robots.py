"""robots.txt: fetched once per site (origin), shared by concurrent requests, parsed by protego.

    robots = RobotsCache(fetcher, user_agent_token="SmartCommerceScanner")
    if await robots.allows("https://boulangerie-dupont.be/panier"): ...

Policy when robots.txt does not load (after Google's documented behaviour):

* 2xx: the rules apply (protego parser; Crawl-delay is honoured by the slots, capped).
* 4xx, including 401/403/404: there is no robots.txt for us; everything is allowed.
* 5xx, or 429 after retries: the server is in trouble; the whole site is disallowed for this
  scan (robots status "error"), so the home page is not requested either. The crawler
  reports the site as "http_error" (a failing server), not "blocked_by_robots". We come
  back at the next scan.
* network failure (DNS, connection, TLS, timeout, SSRF refusal): status "error" and the site
  is disallowed; the crawler reports the site from the failure kind ("unreachable", "refused"),
  not as blocked by robots, since the home page could not have been reached either.
* more than the allowed redirects: allow all, like a 4xx.
* a file over ROBOTS_MAX_BYTES (500 KiB, Google's limit): only its first 500 KiB is read and
  applied, up to the last whole line, so a cut file never grants more than its beginning says.

A page that robots.txt disallows is never requested.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from core.artifacts import RobotsStatus
from scanner.gather.fetch import Fetcher, FetchFailure

ROBOTS_PATH = "/robots.txt"
#: Bytes of robots.txt read and applied; the rest is ignored (Google reads 500 KiB too).
ROBOTS_MAX_BYTES = 500 * 1024
#: Network failures: the site is unreachable, not merely without robots.txt.
NETWORK_FAILURE_KINDS = ("timeout", "connect", "dns", "tls", "refused")


@dataclass(slots=True)
class RobotsRules:
    url: str
    status: RobotsStatus
    parser: Protego | None = None
    disallow_all: bool = False
    failure: FetchFailure | None = None  # the network failure, when there was one
    http_status: int | None = None  # robots.txt's answer status, when there was one
    sitemaps: tuple[str, ...] = ()

    def allows(self, url: str, user_agent_token: str) -> bool:
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, user_agent_token))

    def crawl_delay(self, user_agent_token: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent_token)
        return float(delay) if delay is not None else None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class RobotsCache:
    def __init__(self, fetcher: Fetcher, user_agent_token: str) -> None:
        self._fetcher = fetcher
        self.user_agent_token = user_agent_token
        self._rules: dict[str, asyncio.Task[RobotsRules]] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        """The rules of ``url``'s site; the first caller fetches, the others await that fetch."""
        origin = origin_of(url)
        task = self._rules.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(origin + ROBOTS_PATH))
            task.add_done_callback(_retrieve)  # a fetch left behind must not log a traceback
            self._rules[origin] = task
        return await asyncio.shield(task)

    async def allows(self, url: str) -> bool:
        return (await self.rules_for(url)).allows(url, self.user_agent_token)

    def forget(self, url: str) -> None:
        """Drop a finished site's rules (a scan of 5,000 shops keeps memory flat)."""
        task = self._rules.get(origin_of(url))
        if task is not None and task.done():
            del self._rules[origin_of(url)]

    async def close(self) -> None:
        """Cancel the fetches still running (their shop timed out), before the client closes."""
        pending = [task for task in self._rules.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._rules.clear()

    async def _load(self, robots_url: str) -> RobotsRules:
        try:
            raw = await self._fetcher.follow(robots_url, {"Accept": "text/plain,*/*;q=0.5"},
                                             check_robots=False, truncate_at=ROBOTS_MAX_BYTES)
        except FetchFailure as failure:
            if failure.kind in NETWORK_FAILURE_KINDS:
                return RobotsRules(robots_url, "error", disallow_all=True, failure=failure)
            return RobotsRules(robots_url, "missing")
        if raw.status >= 500 or raw.status == 429:
            return RobotsRules(robots_url, "error", disallow_all=True, http_status=raw.status)
        if raw.status >= 400:
            return RobotsRules(robots_url, "missing")
        if raw.status >= 300:  # a redirect without Location, or a 304: nothing usable
            return RobotsRules(robots_url, "missing")
        body = raw.body
        if len(body) >= ROBOTS_MAX_BYTES:  # cut: a half line could be a shorter, wider rule
            body = body[:body.rfind(b"\n") + 1]
        text = body.decode("utf-8", errors="replace")
        parser = Protego.parse(text)
        return RobotsRules(robots_url, "ok", parser=parser, sitemaps=tuple(parser.sitemaps))


def _retrieve(task: asyncio.Task[RobotsRules]) -> None:
    """Mark the task's outcome as seen; a waiting shop got it through its own await."""
    if not task.cancelled():
        task.exception()
