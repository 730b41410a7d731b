"""Fetch one URL politely and safely: slot, retries, streamed and capped body, manual redirects.

    fetcher = Fetcher(client, settings, slots, stats, robots_allows)
    page = await fetcher.fetch_page("https://boulangerie-dupont.be/contact")

Every request goes through the guarded httpx client (scanner/network.py: resolve override and
SSRF guard), inside the host's slot (scanner/slots.py), with ``retry_decision`` (scanner/retry.py).

Errors: ``FetchFailure(url, kind, message)``; ``kind`` is one of FetchError's kinds
(timeout | connect | dns | tls | http_status | too_large | content_type | refused | robots | other).
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from core.artifacts import FailureKind, FetchedPage
from core.http import BodyTooLarge, DirectClient, read_capped
from core.network import AddressRefused, NameNotResolved
from scanner.gather.encoding import decode_html
from scanner.gather.retry import is_tls_error, retry_decision
from scanner.gather.settings import CrawlSettings
from scanner.gather.slots import REAL_CLOCK, Clock, Slots
from scanner.gather.stats import CrawlStats

#: Content types kept as pages; anything else (PDF, images…) is not a web page for us.
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
#: Sent with every page request.
ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
ACCEPT_LANGUAGE = "fr-BE,fr;q=0.9,nl;q=0.8,de;q=0.7,en;q=0.6"

Validators = tuple[str | None, str | None, str | None]  # etag, last_modified, html
RobotsCheck = Callable[[str], Awaitable[bool]]


class FetchFailure(Exception):
    def __init__(self, url: str, kind: FailureKind, message: str, status: int | None = None
                 ) -> None:
        super().__init__(message)
        self.url, self.kind, self.message, self.status = url, kind, message, status


@dataclass(slots=True)
class RawResponse:
    url: str
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    elapsed_ms: float
    history: list[str] = field(default_factory=list)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_html(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in HTML_CONTENT_TYPES


class Fetcher:
    def __init__(
        self, client: httpx.AsyncClient | DirectClient, settings: CrawlSettings, slots: Slots,
        stats: CrawlStats,
        robots_allows: RobotsCheck | None = None, rng: random.Random | None = None,
        clock: Clock = REAL_CLOCK,
    ) -> None:
        self._client, self._settings, self._slots, self._stats = client, settings, slots, stats
        self._clock = clock
        self._robots_allows = robots_allows
        self._rng = rng or random.Random()

    async def get(
        self, url: str, headers: dict[str, str] | None = None,
        keep_body: Callable[[int, dict[str, str]], bool] = lambda status, headers: True,
        truncate_at: int | None = None,
    ) -> RawResponse:
        """One request (no redirects followed) with retries; the body is read if ``keep_body``.

        ``truncate_at``: keep only that many bytes of the body instead of failing over the cap.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                raw = await self._send_once(url, headers or {}, keep_body, truncate_at)
            except FetchFailure:
                raise
            except httpx.InvalidURL as exc:  # e.g. 0177.0.0.1 or ①②⑦.0.0.1: not an address
                raise FetchFailure(url, "other", f"adresse web invalide : {exc}") from exc
            except (httpx.HTTPError, OSError) as exc:
                decision = retry_decision(attempt, exc, None, self._settings, self._rng)
                if not decision.retry:
                    raise classify_exception(url, exc) from exc
            else:
                decision = retry_decision(attempt, raw.status, raw.headers, self._settings,
                                          self._rng)
                if not decision.retry:
                    return raw
            self._stats.retries += 1
            await self._clock.sleep(decision.delay)

    async def _send_once(
        self, url: str, headers: dict[str, str],
        keep_body: Callable[[int, dict[str, str]], bool], truncate_at: int | None = None,
    ) -> RawResponse:
        host = host_of(url)
        async with self._slots.acquire(host):
            started = time.monotonic()
            self._stats.requests += 1
            ok, latency = False, None
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    latency = time.monotonic() - started
                    resp_headers = {k.lower(): v for k, v in response.headers.items()}
                    body = b""
                    if keep_body(response.status_code, resp_headers):
                        body = await self._read_capped(url, response, truncate_at)
                    ok = response.status_code < 400
                    return RawResponse(url, response.status_code, resp_headers, body,
                                       (time.monotonic() - started) * 1000)
            finally:
                elapsed = time.monotonic() - started
                self._slots.observe(host, latency if latency is not None else elapsed, ok)

    async def _read_capped(self, url: str, response: httpx.Response,
                           truncate_at: int | None = None) -> bytes:
        """Read the decompressed body, aborting as soon as it passes the cap (gzip-bomb safe);
        with ``truncate_at``, stop reading there and keep what came."""
        try:
            body = await read_capped(response, self._settings.max_body_bytes, truncate_at)
        except BodyTooLarge as exc:
            raise FetchFailure(url, "too_large", str(exc)) from None
        self._stats.bytes_received += len(body)
        return body

    async def follow(
        self, url: str, headers: dict[str, str] | None = None,
        keep_body: Callable[[int, dict[str, str]], bool] = lambda status, headers: True,
        check_robots: bool = True, truncate_at: int | None = None,
    ) -> RawResponse:
        """``get`` following redirects by hand: each hop is checked (robots, SSRF) and counted."""
        history: list[str] = []
        current = url
        while True:
            if check_robots and self._robots_allows and not await self._robots_allows(current):
                raise FetchFailure(current, "robots", "robots.txt disallows this page")
            raw = await self.get(current, headers, _body_unless_redirect(keep_body), truncate_at)
            location = raw.headers.get("location")
            if raw.status not in REDIRECT_STATUSES or not location:
                raw.history = history
                return raw
            history.append(current)
            if len(history) > self._settings.max_redirects:
                raise FetchFailure(url, "other", f"more than {self._settings.max_redirects} "
                                                 "redirects")
            current = urljoin(current, location.strip())
            if urlsplit(current).scheme not in ("http", "https"):
                raise FetchFailure(url, "other", f"redirect to a non-web address: {current}")

    async def fetch_page(self, url: str, validators: Validators | None = None) -> FetchedPage:
        """Fetch an HTML page; a 304 answer reuses the cached html (``not_modified=True``)."""
        headers = {"Accept": ACCEPT_HTML, "Accept-Language": ACCEPT_LANGUAGE}
        if validators and validators[2] is None:
            validators = None  # nothing to reuse on a 304: ask for the full page
        if validators:
            etag, last_modified, _ = validators
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        raw = await self.follow(url, headers, _keep_html_body)
        if raw.status == 304 and validators and validators[2] is not None:
            self._stats.not_modified += 1
            return _revalidated_page(url, raw, validators)
        content_type = raw.headers.get("content-type")
        if raw.status < 300 and not is_html(content_type):
            raise FetchFailure(url, "content_type", f"not a web page: {content_type}")
        return _page(url, raw, decode_html(raw.body, content_type))


def _page(url: str, raw: RawResponse, html: str, not_modified: bool = False) -> FetchedPage:
    return FetchedPage(url=url, final_url=raw.url, status=raw.status, headers=raw.headers,
                       html=html, redirects=raw.history, elapsed_ms=raw.elapsed_ms,
                       not_modified=not_modified)


def _revalidated_page(url: str, raw: RawResponse, validators: Validators) -> FetchedPage:
    """A 304: the page as it was, so probes judge it like the 200 it stands for."""
    etag, last_modified, html = validators
    kept = {"content-type": "text/html; charset=utf-8"}
    if etag:
        kept["etag"] = etag
    if last_modified:
        kept["last-modified"] = last_modified
    page = _page(url, raw, html or "", not_modified=True)
    page.status, page.headers = 200, {**kept, **raw.headers}
    return page


def _keep_html_body(status: int, headers: dict[str, str]) -> bool:
    return is_html(headers.get("content-type"))


def _body_unless_redirect(
    keep_body: Callable[[int, dict[str, str]], bool],
) -> Callable[[int, dict[str, str]], bool]:
    def keep(status: int, headers: dict[str, str]) -> bool:
        return status not in REDIRECT_STATUSES and status != 304 and keep_body(status, headers)
    return keep


def classify_exception(url: str, exc: BaseException) -> FetchFailure:
    """Turn a network exception into a FetchFailure of the right kind."""
    if isinstance(exc, AddressRefused):
        return FetchFailure(url, "refused", str(exc))
    if isinstance(exc, NameNotResolved):
        return FetchFailure(url, "dns", str(exc))
    if isinstance(exc, httpx.TimeoutException):
        return FetchFailure(url, "timeout", f"no answer in time ({type(exc).__name__})")
    if is_tls_error(exc):
        return FetchFailure(url, "tls", f"TLS/certificate problem: {exc}")
    if isinstance(exc, httpx.TransportError | OSError):
        return FetchFailure(url, "connect", f"connection failed: {str(exc) or type(exc).__name__}")
    return FetchFailure(url, "other", f"{type(exc).__name__}: {exc}")
