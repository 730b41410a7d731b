"""The one capped body reader and the one Retry-After parser (core/http.py)."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from core.http import (
    DEFAULT_USER_AGENT,
    USER_AGENT_TOKEN,
    BodyTooLarge,
    HttpContext,
    make_client,
    make_direct_client,
    parse_retry_after,
    read_capped,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 5 ", 5.0), ("1.5", 1.5), ("0", 0.0), ("-3", None), ("soon", None),
    ("", None), (None, None), ("Sat, 28 Nov 2026 12:00:30 GMT", 30.0),
    ("Sat, 28 Nov 2026 11:00:00 GMT", 0.0),
])
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


async def _read(body: bytes, cap: int, headers: dict[str, str] | None = None) -> bytes:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body,
                                                                   headers=headers))
    async with httpx.AsyncClient(transport=transport) as client, \
            client.stream("GET", "http://x.test/") as response:
        return await read_capped(response, cap)


async def test_read_capped_keeps_a_body_under_the_cap() -> None:
    assert await _read(b"a" * 100, 100) == b"a" * 100


async def test_read_capped_counts_decompressed_bytes() -> None:
    bomb = gzip.compress(b"\0" * 1_000_000)  # 1 kB on the wire, 1 MB once decompressed
    with pytest.raises(BodyTooLarge):
        await _read(bomb, 100_000, {"Content-Encoding": "gzip"})


def test_one_user_agent_names_the_tool_and_how_to_reach_us() -> None:
    assert DEFAULT_USER_AGENT.startswith(USER_AGENT_TOKEN + "/")
    assert "(+https://" in DEFAULT_USER_AGENT


class _Trickle(httpx.AsyncByteStream):
    """A body sent as the network sends it: in pieces, never read ahead."""

    def __init__(self, body: bytes, piece: int = 64 << 10) -> None:
        self._pieces = [body[i:i + piece] for i in range(0, len(body), piece)]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


async def _read_streamed(body: bytes, cap: int, encoding: str) -> bytes:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Trickle(body), headers={"Content-Encoding": encoding})
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client, \
            client.stream("GET", "http://x.test/") as response:
        return await read_capped(response, cap)


async def test_a_bomb_is_refused_without_inflating_it_whole() -> None:
    bomb = gzip.compress(b" " * (200 << 20), 9)  # about 200 kB on the wire, 200 MB inflated
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLarge):
            await _read_streamed(bomb, 1 << 20, "gzip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20  # the cap plus a few decode steps, not one 64 MB inflated piece


@pytest.mark.parametrize(("encoding", "packed"), [
    ("gzip", gzip.compress(b"<p>bonjour</p>" * 1000)),
    ("deflate", zlib.compress(b"<p>bonjour</p>" * 1000)),
    ("deflate", zlib.compress(b"<p>bonjour</p>" * 1000)[2:-4]),  # raw deflate, as IIS sends
    ("identity", b"<p>bonjour</p>" * 1000),
])
async def test_streamed_bodies_are_decoded(encoding: str, packed: bytes) -> None:
    assert await _read_streamed(packed, 1 << 20, encoding) == b"<p>bonjour</p>" * 1000


async def test_broken_compression_is_a_decoding_error() -> None:
    with pytest.raises(httpx.DecodingError):
        await _read_streamed(b"\x1f\x8b\x08\x00garbage" * 10, 1 << 20, "gzip")


async def _requests_seen(use: str) -> list[bytes]:
    """Three GETs to a loopback server that sets a cookie on the first answer; what it read."""
    seen: list[bytes] = []
    handlers: list[asyncio.Event] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        done = asyncio.Event()
        handlers.append(done)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    break
                seen.append(head)
                cookie = b"Set-Cookie: session=abc; Path=/\r\n" if len(seen) == 1 else b""
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + cookie + b"\r\nok")
                await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()
            done.set()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    ctx = HttpContext(resolve={("shop.example", 80): ("127.0.0.1", port)}, allow_private=True)
    client = make_client(ctx) if use == "client" else make_direct_client(ctx)
    async with client:
        for path in ("/", "/contact?x=1", "/caf%C3%A9"):
            async with client.stream("GET", f"http://shop.example{path}",
                                     headers={"Accept": "text/html"}) as response:
                assert await read_capped(response, 100) == b"ok"
    for done in handlers:
        await done.wait()
    server.close()
    await server.wait_closed()
    return seen


async def test_the_direct_client_sends_what_the_httpx_client_sends_cookies_included() -> None:
    """Same request bytes (headers, their order, the cookie sent back) as make_client's."""
    direct = await _requests_seen("direct")
    assert direct == await _requests_seen("client")
    assert b"Cookie: session=abc" in direct[1] and b"Cookie" not in direct[0]
    assert f"User-Agent: {DEFAULT_USER_AGENT}".encode() in direct[0]


async def test_the_direct_client_ignores_proxies_from_the_environment(monkeypatch) -> None:
    """A proxy's transport would skip the SSRF guard: the crawler's client takes none."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    assert len(await _requests_seen("direct")) == 3


async def test_forgetting_a_hosts_cookies_keeps_other_sites() -> None:
    async with make_direct_client(HttpContext()) as client:
        client.cookies.set("own", "1", domain="www.boucherie.be")
        client.cookies.set("parent", "2", domain=".boucherie.be")
        client.cookies.set("other", "3", domain="fromagerie.be")
        client.cookies.set("lookalike", "4", domain="laboucherie.be")
        client.forget_cookies("WWW.Boucherie.be.")
        assert sorted(c.name for c in client.cookies.jar) == ["lookalike", "other"]
