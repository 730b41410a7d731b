"""Build the httpx clients used by the crawler and by the API sources (Overpass, Places)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from core.network import GuardedTransport, ResolveMap

DEFAULT_USER_AGENT = "SmartCommerceScanner/0.1 (+https://github.com/smart-commerce-scanner/smart-commerce-scanner)"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=10.0)


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
    transport = GuardedTransport(
        resolve=ctx.resolve, allow_private=ctx.allow_private,
        verify=ctx.ca_file if ctx.ca_file else True, max_connections=max_connections,
    )
    return httpx.AsyncClient(
        transport=transport, timeout=timeout, follow_redirects=follow_redirects,
        max_redirects=max_redirects, headers={"User-Agent": ctx.user_agent},
    )
