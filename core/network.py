"""The network seam: host resolution with a resolve override and the SSRF guard.

Every TCP connection the tool opens goes through ``GuardedBackend.connect_tcp``:

1. ``(host, port)`` is looked up in the resolve override (like curl ``--resolve``); the demo
   and the tests map shop host names to the loopback fixture farm this way. A pinned target
   is trusted as given: it comes from the program, never from a website or a shop list.
2. Otherwise the name is resolved with ``getaddrinfo``.
3. Unless private addresses are allowed, any loopback, private, link-local, multicast,
   reserved or unspecified address (also when embedded in IPv4-mapped, IPv4-compatible,
   NAT64 or 6to4 IPv6 addresses) is refused with ``AddressRefused``. The connection is made
   to the vetted IP itself, so a DNS answer cannot change between check and use.

Redirects open new connections, so a redirect to a private address is refused the same way.
TLS still verifies the certificate against the original host name (SNI), as with ``--resolve``.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import re
import select
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream
from httpcore._async.interfaces import AsyncConnectionInterface
from httpcore._backends.auto import AutoBackend

from core.errors import UserInputError

ResolveMap = Mapping[tuple[str, int], tuple[str, int]]
#: HOST:PORT:ADDRESS[:TARGET_PORT]; ADDRESS is an IPv4 address or an IPv6 one in brackets.
RESOLVE_ENTRY = re.compile(r"([^:\s\[\]/]+):(\d{1,5}):(\[[0-9a-fA-F:.]+\]|[0-9.]+)(?::(\d{1,5}))?")


def parse_resolve(entries: Iterable[str]) -> dict[tuple[str, int], tuple[str, int]]:
    """``--resolve`` entries as a resolve override, like curl: ``HOST:PORT:ADDRESS``.

    ``boulangerie.be:443:203.0.113.7`` sends boulangerie.be's HTTPS to 203.0.113.7 (TLS still
    checks boulangerie.be's certificate); ``shop.be:80:127.0.0.1:8080`` also changes the port.
    The address is the user's explicit choice, so the SSRF guard trusts it. Raises
    UserInputError on a malformed entry.
    """
    mapping: dict[tuple[str, int], tuple[str, int]] = {}
    for entry in entries:
        m = RESOLVE_ENTRY.fullmatch(entry.strip())
        try:
            if m is None:
                raise ValueError(entry)
            address = str(ipaddress.ip_address(m.group(3).strip("[]")))
            port, target = int(m.group(2)), int(m.group(4) or m.group(2))
            if not (0 < port < 65536 and 0 < target < 65536):
                raise ValueError(entry)
        except ValueError:
            raise UserInputError(
                f"--resolve « {entry} » : attendu HÔTE:PORT:ADRESSE, par exemple "
                "boulangerie.be:443:203.0.113.7") from None
        mapping[(_ascii_host(m.group(1)), port)] = (address, target)
    return mapping


def _ascii_host(host: str) -> str:
    """The host as the connection sees it: lower case, no final dot, IDN in punycode."""
    host = host.lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


class AddressRefused(httpx.TransportError):
    """The target resolves to an address the SSRF guard does not allow."""


class NameNotResolved(httpx.ConnectError):
    """DNS gave no address for the host."""


NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: last 32 bits are IPv4
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d (RFC 4291 2.5.5.1)


def is_public_address(ip: str) -> bool:
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(addr)
        if embedded is not None:
            addr = embedded
    return addr.is_global and not addr.is_multicast


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to: mapped, IPv4-compatible, NAT64 or 6to4."""
    if addr.ipv4_mapped:
        return addr.ipv4_mapped
    if addr in NAT64_PREFIX or addr in IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return addr.sixtofour


class GuardedBackend(AsyncNetworkBackend):
    def __init__(self, resolve: ResolveMap | None = None, allow_private: bool = False) -> None:
        self._inner = AutoBackend()
        self._resolve = {(_ascii_host(h), p): target for (h, p), target in (resolve or {}).items()}
        self._allow_private = allow_private

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        target = self._resolve.get((_ascii_host(host), port))  # "Shop.be." is "shop.be"
        if target is not None:  # pinned by the program: trusted, like curl --resolve
            ip, port = target
        else:
            ip = await self._resolve_name(host, port)
            if not self._allow_private and not is_public_address(ip):
                raise AddressRefused(f"refused {host} -> {ip}: not a public address")
        stream = await self._inner.connect_tcp(
            ip, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return QuickReadableStream(stream)

    async def _resolve_name(self, host: str, port: int) -> str:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except socket.gaierror as exc:
            raise NameNotResolved(f"{host}: name does not resolve ({exc.strerror})") from exc
        addresses = [str(info[4][0]) for info in infos]
        if not self._allow_private:
            refused = [a for a in addresses if not is_public_address(a)]
            if refused:  # refuse if ANY answer is private: no picking the public one
                raise AddressRefused(f"refused {host} -> {refused[0]}: not a public address")
        return addresses[0]

    async def connect_unix_socket(self, *args: object, **kwargs: object) -> AsyncNetworkStream:
        raise AddressRefused("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class QuickReadableStream(AsyncNetworkStream):
    """A network stream whose ``is_readable`` is one poll of its socket.

    httpcore asks every idle pooled connection ``is_readable`` on every request (did the
    server hang up?); anyio answers by building its whole attribute table, getpeername
    included, each time (9 µs against 1). Everything else goes to the wrapped stream.
    """

    def __init__(self, inner: AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: Any = inner.get_extra_info("socket")  # asyncio's TransportSocket

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> AsyncNetworkStream:
        return QuickReadableStream(
            await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return socket_is_readable(self._socket)
        return self._inner.get_extra_info(info)


def socket_is_readable(sock: Any) -> bool:
    """Would ``recv`` return at once (data, or b"" from a closed peer)? A closed socket: yes."""
    if sock.fileno() < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([sock], [], [], 0)[0])
    poll = select.poll()
    poll.register(sock, select.POLLIN)
    return bool(poll.poll(0))


#: How often the pool polls all its idle connections for a server hang-up or an expired
#: keep-alive (httpcore: on every request and every response closed).
EXPIRY_SWEEP_SECONDS = 1.0


class LeanConnectionPool(httpcore.AsyncConnectionPool):
    """httpcore's pool with its clean-up pass made cheap; the same decisions on each sweep.

    httpcore 1.0's ``_assign_requests_to_connections`` (run for every request and every
    response closed) builds a list of all connections once per idle connection just to take
    its length (~2.4 million ``is_idle`` calls in a 300-shop benchmark scan): here the length
    is taken directly. It also asks every connection ``has_expired``, which polls the socket of
    every idle one (did the server hang up?): ~150,000 polls for the benchmark's 2,100
    requests with a pool of 64. Here all connections are polled at most once per
    ``EXPIRY_SWEEP_SECONDS`` (a sweep: then the decisions are httpcore's); between sweeps only
    a connection about to be reused is asked, and dropped if it has expired, so a request is
    never sent on a connection the server closed. An idle connection that expired in between
    leaves the pool at the next sweep instead of at once.

    tests/core/test_network.py checks the decisions against httpcore's method, and that
    httpcore still has the line replaced, so an upgrade that changes this method is noticed.
    """

    _next_sweep = 0.0  # time.monotonic() from which the next call sweeps

    def _assign_requests_to_connections(self) -> list[AsyncConnectionInterface]:
        closing: list[AsyncConnectionInterface] = []
        now = time.monotonic()
        sweep = now >= self._next_sweep
        if sweep:
            self._next_sweep = now + EXPIRY_SWEEP_SECONDS
        # Closed, expired (on a sweep), or idle beyond the keep-alive limit: out of the pool.
        for connection in list(self._connections):
            if connection.is_closed():
                self._connections.remove(connection)
            elif (sweep and connection.has_expired()) or (
                len(self._connections) > self._max_keepalive_connections
                and connection.is_idle()
            ):
                self._connections.remove(connection)
                closing.append(connection)
        # Each queued request: a connection to its origin, a new one, or one instead of an
        # idle one.
        for pool_request in [r for r in self._requests if r.is_queued()]:
            origin = pool_request.request.url.origin
            reusable = self._reusable(origin, closing)
            if reusable is not None:
                pool_request.assign_to_connection(reusable)
                continue
            idle = None
            if len(self._connections) >= self._max_connections:
                idle = next((c for c in self._connections if c.is_idle()), None)
                if idle is None:
                    continue  # stays queued
                self._connections.remove(idle)
                closing.append(idle)
            connection = self.create_connection(origin)
            self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing

    def _reusable(self, origin: httpcore.Origin, closing: list[AsyncConnectionInterface]
                  ) -> AsyncConnectionInterface | None:
        """The first available connection to ``origin`` that has not expired; the expired
        ones met on the way leave the pool (after a sweep none is left to meet)."""
        for connection in [c for c in self._connections
                           if c.can_handle_request(origin) and c.is_available()]:
            if not connection.has_expired():
                return connection
            self._connections.remove(connection)
            closing.append(connection)
        return None


QUADRATIC_COUNT = "len([connection.is_idle() for connection in self._connections])"


@lru_cache(maxsize=1)
def connection_pool_class() -> type[httpcore.AsyncConnectionPool]:
    """LeanConnectionPool while httpcore's method still holds the count it replaces, else
    httpcore's own pool: a newer httpcore is never second-guessed with an old copy."""
    try:
        source = inspect.getsource(httpcore.AsyncConnectionPool._assign_requests_to_connections)
    except (OSError, TypeError):  # no source shipped
        return httpcore.AsyncConnectionPool
    return LeanConnectionPool if QUADRATIC_COUNT in source else httpcore.AsyncConnectionPool


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport whose connections all go through ``GuardedBackend``."""

    def __init__(
        self, *, resolve: ResolveMap | None = None, allow_private: bool = False,
        verify: str | bool = True, max_connections: int = 100,
        keepalive_expiry: float = 5.0, http2: bool = False,
    ) -> None:
        ssl_context = _ssl_context(verify)
        super().__init__(verify=ssl_context, http2=http2)
        self._pool = connection_pool_class()(
            ssl_context=ssl_context, max_connections=max_connections,
            max_keepalive_connections=max_connections, keepalive_expiry=keepalive_expiry,
            http1=True, http2=http2, network_backend=GuardedBackend(resolve, allow_private),
        )


def _ssl_context(verify: str | bool) -> ssl.SSLContext:
    if isinstance(verify, str):  # a CA bundle to trust, e.g. the fixture farm's
        return ssl.create_default_context(cafile=verify)
    ctx = ssl.create_default_context()
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx
