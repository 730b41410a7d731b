"""The one HTTP layer: client factory, capped body reader, Retry-After, User-Agent.

The crawler, Overpass, Places and ``inspect`` all go through it:

    async with make_client(ctx) as client, client.stream("GET", url) as response:
        body = await read_capped(response, max_bytes=5 << 20)   # BodyTooLarge past the cap
        wait = parse_retry_after(response.headers.get("retry-after"))

The crawler, which follows redirects itself, uses ``make_direct_client`` (the same headers,
timeout, cookies and guarded transport, fewer layers per request).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from core.network import GuardedTransport, ResolveMap

#: Product token, matched against robots.txt groups.
USER_AGENT_TOKEN = "SmartCommerceScanner"
USER_AGENT_PRODUCT = f"{USER_AGENT_TOKEN}/0.1"
#: Where a webmaster learns what the tool does and how to reach us.
CONTACT_URL = "https://github.com/smart-commerce-scanner/smart-commerce-scanner"


def user_agent_header(product: str = USER_AGENT_PRODUCT, contact_url: str = CONTACT_URL) -> str:
    """The User-Agent sent: tool name and version, then the contact URL."""
    return f"{product} (+{contact_url})" if contact_url else product


DEFAULT_USER_AGENT = user_agent_header()
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=10.0)


class BodyTooLarge(Exception):
    """A response body passed its cap once decompressed."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"body over {max_bytes} bytes (decompressed)")
        self.max_bytes = max_bytes


@dataclass(frozen=True, slots=True)
class HttpContext:
    """How to reach the network: resolve override, SSRF policy, extra CA, User-Agent."""

    resolve: ResolveMap | None = None
    allow_private: bool = False
    ca_file: str | None = None  # extra CA bundle to trust (the fixture farm's)
    user_agent: str = DEFAULT_USER_AGENT


def make_client(
    ctx: HttpContext, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT, max_connections: int = 100,
    follow_redirects: bool = False, max_redirects: int = 5,
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=_guarded_transport(ctx, max_connections), timeout=timeout,
        follow_redirects=follow_redirects, max_redirects=max_redirects, headers=_headers(ctx))


def make_direct_client(ctx: HttpContext, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                       max_connections: int = 100) -> DirectClient:
    """``make_client`` for a crawler that follows redirects itself: see DirectClient."""
    transport = _guarded_transport(ctx, max_connections)
    # trust_env=False: no proxy from the environment (its transport would skip the guard).
    client = httpx.AsyncClient(transport=transport, timeout=timeout, headers=_headers(ctx),
                               trust_env=False)
    return DirectClient(client, transport)


#: Variables through which httpx would send requests to a proxy (any case).
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")


def proxy_in_environment() -> str | None:
    """The name of a proxy variable set in the environment, which the crawler does not use."""
    for name in PROXY_VARIABLES:
        for spelled in (name, name.lower()):
            if os.environ.get(spelled, "").strip():
                return spelled
    return None


def _guarded_transport(ctx: HttpContext, max_connections: int) -> GuardedTransport:
    return GuardedTransport(
        resolve=ctx.resolve, allow_private=ctx.allow_private,
        verify=ctx.ca_file if ctx.ca_file else True, max_connections=max_connections,
    )


def _headers(ctx: HttpContext) -> dict[str, str]:
    # Only what read_capped inflates in bounded steps (no brotli or zstd bomb).
    return {"User-Agent": ctx.user_agent, "Accept-Encoding": "gzip, deflate"}


class DirectClient:
    """Requests straight to the client's transport, with what the ``httpx.AsyncClient`` adds to
    each: its headers (User-Agent, Accept-Encoding and httpx's own), its timeout and its
    cookie jar. Without the client's other layers (URL merging, auth, redirects, event hooks,
    its wrapped response stream), which cost ~7 % of the scanning process's CPU in the
    300-shop benchmark and which the crawler never uses: it follows redirects itself, each
    hop checked.

        async with make_direct_client(ctx) as client, client.stream("GET", url) as response:
            body = await read_capped(response, max_bytes=5 << 20)
    """

    def __init__(self, client: httpx.AsyncClient, transport: httpx.AsyncBaseTransport) -> None:
        self._client, self._transport = client, transport
        self.cookies = client.cookies

    @asynccontextmanager
    async def stream(self, method: str, url: str, *, headers: Mapping[str, str] | None = None
                     ) -> AsyncIterator[httpx.Response]:
        """One request, the response not read (``read_capped``); closed on leaving."""
        merged = self._client.headers.copy()
        merged.update(headers or {})
        request = httpx.Request(method, url, headers=merged,
                                extensions={"timeout": self._client.timeout.as_dict()})
        if self.cookies:
            self.cookies.set_cookie_header(request)
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            if "set-cookie" in response.headers or "set-cookie2" in response.headers:
                self.cookies.extract_cookies(response)  # a no-op without those headers
            yield response
        finally:
            await response.aclose()

    def forget_cookies(self, host: str) -> None:
        """Drop the cookies that would be sent to `host` (its own and its parent domains'):
        one jar serves the whole scan, and each request checks every domain it holds."""
        host = host.lower().rstrip(".")
        jar = self.cookies.jar
        for cookie in list(jar):
            domain = cookie.domain.lstrip(".").lower()
            if host == domain or host.endswith("." + domain):
                jar.clear(cookie.domain, cookie.path, cookie.name)

    async def aclose(self) -> None:
        await self._client.aclose()  # closes the transport

    async def __aenter__(self) -> DirectClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


#: Largest piece decompressed at once: a bomb never inflates more than this past the cap.
DECODE_STEP_BYTES = 256 << 10
#: Encodings decoded here step by step; any other goes through httpx's own decoders.
_ZLIB_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16,
               "deflate": zlib.MAX_WBITS}


async def read_capped(response: httpx.Response, max_bytes: int,
                      truncate_at: int | None = None) -> bytes:
    """Read the decompressed body, stopping as soon as it passes ``max_bytes`` (gzip-bomb safe).

    Raises BodyTooLarge past the cap (and httpx.DecodingError for a broken compression). With
    ``truncate_at``, reading stops there instead and the first ``truncate_at`` bytes are kept
    (robots.txt: Google applies the first 500 KiB). gzip and deflate are inflated at most
    ``DECODE_STEP_BYTES`` at a time, so memory stays near the cap whatever the ratio.
    """
    chunks: list[bytes] = []
    size = 0
    async for chunk in _decoded_pieces(response):
        size += len(chunk)
        if truncate_at is not None and size >= truncate_at:
            chunks.append(chunk[:len(chunk) - (size - truncate_at)])
            break
        if size > max_bytes:
            raise BodyTooLarge(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


async def _decoded_pieces(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        yield response.content  # already read (and decoded) by whoever made the response
        return
    except httpx.ResponseNotRead:
        pass
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        async for raw in response.aiter_raw():
            yield raw
        return
    if encoding not in _ZLIB_WBITS:  # br, zstd, chains: httpx decodes them
        async for piece in response.aiter_bytes():
            yield piece
        return
    inflater = _Inflater(_ZLIB_WBITS[encoding])
    async for raw in response.aiter_raw():
        for piece in inflater.feed(raw):
            yield piece
    for piece in inflater.finish():
        yield piece


class _Inflater:
    """zlib in bounded steps; deflate falls back to raw streams like httpx and browsers do."""

    def __init__(self, wbits: int) -> None:
        self._deflate = wbits == zlib.MAX_WBITS
        self._started = False
        self._zlib = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            if self._deflate and not self._started:
                self._started = True
                try:
                    first = self._zlib.decompress(data, DECODE_STEP_BYTES)
                except zlib.error:  # a raw deflate stream without the zlib header
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    first = self._zlib.decompress(data, DECODE_STEP_BYTES)
                yield first
            else:
                yield self._zlib.decompress(data, DECODE_STEP_BYTES)
            while self._zlib.unconsumed_tail:
                yield self._zlib.decompress(self._zlib.unconsumed_tail, DECODE_STEP_BYTES)
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc)) from exc

    def finish(self) -> Iterator[bytes]:
        try:
            yield self._zlib.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc)) from exc


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds asked by ``Retry-After`` (delta-seconds or HTTP-date); None if absent or bad.

    >>> parse_retry_after("120")
    120.0
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
