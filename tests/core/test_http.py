"""The one capped body reader and the one Retry-After parser (core/http.py)."""

from __future__ import annotations

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
