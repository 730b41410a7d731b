"""core/network.py's pool and stream: the same decisions as httpcore's, made cheaper."""

from __future__ import annotations

import asyncio
import copy
import inspect
import random
import time
from dataclasses import dataclass, field

import httpcore

from core.network import (
    QUADRATIC_COUNT,
    GuardedBackend,
    GuardedTransport,
    LeanConnectionPool,
    connection_pool_class,
)


@dataclass
class _Connection:
    """What the pool asks a connection, with fixed answers."""

    origin: str
    closed: bool = False
    expired: bool = False
    idle: bool = False
    available: bool = False
    name: str = ""
    asked: int = 0  # has_expired calls (each polls the socket of an idle connection)

    def is_closed(self) -> bool:
        return self.closed

    def has_expired(self) -> bool:
        self.asked += 1
        return self.expired

    def is_idle(self) -> bool:
        return self.idle

    def is_available(self) -> bool:
        return self.available

    def can_handle_request(self, origin: str) -> bool:
        return origin == self.origin


@dataclass
class _Url:
    origin: str


@dataclass
class _Request:
    url: _Url


@dataclass
class _PoolRequest:
    request: _Request
    connection: _Connection | None = None
    queued: bool = True

    def is_queued(self) -> bool:
        return self.queued

    def assign_to_connection(self, connection: _Connection) -> None:
        self.connection = connection


@dataclass
class _State:
    connections: list[_Connection]
    requests: list[_PoolRequest]
    created: list[str] = field(default_factory=list)


def _decide(method: object, state: _State, max_connections: int, keepalive: int,
            sweep: bool = True) -> tuple[list[str], list[str], list[str | None]]:
    pool = LeanConnectionPool.__new__(LeanConnectionPool)
    if not sweep:  # the last sweep was just now
        pool._next_sweep = time.monotonic() + 3600
    pool._connections = state.connections  # type: ignore[assignment]
    pool._requests = state.requests  # type: ignore[assignment]
    pool._max_connections, pool._max_keepalive_connections = max_connections, keepalive

    def create(origin: str) -> _Connection:
        state.created.append(origin)
        return _Connection(origin, name=f"new-{len(state.created)}")

    pool.create_connection = create  # type: ignore[assignment, method-assign]
    closing = method(pool)  # type: ignore[operator]
    return ([c.name for c in closing], [c.name for c in state.connections],
            [r.connection.name if r.connection else None for r in state.requests])


def _random_state(rng: random.Random) -> _State:
    origins = ["a", "b", "c"]
    connections = []
    for i in range(rng.randint(0, 8)):
        idle = rng.random() < 0.5
        connections.append(_Connection(
            rng.choice(origins), closed=rng.random() < 0.1, expired=rng.random() < 0.15,
            idle=idle, available=idle and rng.random() < 0.8, name=f"c{i}"))
    requests = [_PoolRequest(_Request(_Url(rng.choice(origins))), queued=rng.random() < 0.7)
                for _ in range(rng.randint(0, 5))]
    return _State(connections, requests)


def test_lean_pool_decides_as_httpcore_does() -> None:
    rng = random.Random(12)
    original = httpcore.AsyncConnectionPool._assign_requests_to_connections
    lean = LeanConnectionPool._assign_requests_to_connections
    for _ in range(3000):
        state = _random_state(rng)
        max_connections = rng.randint(1, 6)
        keepalive = rng.randint(0, max_connections)
        expected = _decide(original, copy.deepcopy(state), max_connections, keepalive)
        assert _decide(lean, state, max_connections, keepalive) == expected


def test_between_sweeps_only_a_connection_about_to_be_reused_is_polled() -> None:
    """Between two sweeps no request goes to an expired connection, and no connection but the
    candidates for a queued request's origin is asked whether it expired."""
    rng = random.Random(21)
    lean = LeanConnectionPool._assign_requests_to_connections
    polled_before = polled_now = 0
    for _ in range(3000):
        state = _random_state(rng)
        max_connections = rng.randint(1, 6)
        by_name = {c.name: c for c in state.connections}
        queued = {r.request.url.origin for r in state.requests if r.queued}
        candidates = {c.name for c in state.connections
                      if c.origin in queued and c.available and not c.closed}
        polled_before += sum(not c.closed for c in state.connections)
        closing, kept, assigned = _decide(lean, state, max_connections, max_connections,
                                          sweep=False)
        polled_now += sum(c.asked for c in state.connections)
        assert {c.name for c in state.connections if c.asked} <= candidates
        for name in assigned:
            if name in by_name:  # an existing connection, not a new one
                assert not by_name[name].expired and by_name[name].available
                assert not by_name[name].closed
        assert not set(closing) & set(kept)
        assert not any(by_name[n].closed for n in kept if n in by_name)
        assert all(by_name[n].expired or by_name[n].idle for n in closing if n in by_name)
        if any(n.startswith("new-") for n in kept):  # created only where there was room
            assert len(kept) <= max_connections
        # a request left queued had no room: the pool is full of busy connections
        if None in [a for a, r in zip(assigned, state.requests, strict=True) if r.queued]:
            assert len(kept) >= max_connections
            assert not any(by_name[n].idle for n in kept if n in by_name)
    assert polled_now < polled_before / 4


def test_the_lean_pool_only_replaces_the_httpcore_method_it_was_written_for(monkeypatch) -> None:
    """When httpcore changes this method, its own pool is used until ours is looked at again."""
    source = inspect.getsource(httpcore.AsyncConnectionPool._assign_requests_to_connections)
    expected = LeanConnectionPool if QUADRATIC_COUNT in source else httpcore.AsyncConnectionPool
    connection_pool_class.cache_clear()
    assert connection_pool_class() is expected
    assert type(GuardedTransport(resolve={})._pool) is expected

    def changed(self):  # httpcore's method after some upgrade
        return []

    monkeypatch.setattr(httpcore.AsyncConnectionPool, "_assign_requests_to_connections", changed)
    connection_pool_class.cache_clear()
    assert connection_pool_class() is httpcore.AsyncConnectionPool
    monkeypatch.undo()
    connection_pool_class.cache_clear()


async def test_quick_readable_stream_sees_the_peer_hang_up() -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def keep(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    server = await asyncio.start_server(keep, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    stream = await GuardedBackend(allow_private=True).connect_tcp("127.0.0.1", port)
    for _ in range(100):
        if accepted:
            break
        await asyncio.sleep(0.01)
    assert stream.get_extra_info("is_readable") is False
    assert stream.get_extra_info("socket").fileno() >= 0
    accepted[0].close()
    for _ in range(100):
        if stream.get_extra_info("is_readable"):
            break
        await asyncio.sleep(0.01)
    assert stream.get_extra_info("is_readable") is True
    await stream.aclose()
    server.close()
    await server.wait_closed()
