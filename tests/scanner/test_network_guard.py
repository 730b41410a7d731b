"""The SSRF guard refuses non-public targets; the resolve override reaches the farm."""

from __future__ import annotations

import httpx
import pytest

from core.http import HttpContext, make_client
from core.network import AddressRefused, NameNotResolved, is_public_address
from fixtures.farm import Farm, FarmResponse


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "192.168.1.1", "172.16.0.9",
                                "169.254.169.254", "::1", "fe80::1", "224.0.0.1", "0.0.0.0",
                                "100.64.0.1", "::ffff:127.0.0.1", "fc00::1"])
def test_non_public_addresses(ip: str) -> None:
    assert not is_public_address(ip)


@pytest.mark.parametrize("ip", ["64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "2002:c0a8:101::1"])
def test_ipv6_addresses_embedding_private_ipv4(ip: str) -> None:
    assert not is_public_address(ip)


@pytest.mark.parametrize("ip", ["8.8.8.8", "193.190.253.1", "2a00:1450:4007::1",
                                "64:ff9b::808:808"])
def test_public_addresses(ip: str) -> None:
    assert is_public_address(ip)


async def test_literal_and_named_loopback_refused(farm: Farm) -> None:
    async with make_client(HttpContext()) as client:
        for url in (f"http://127.0.0.1:{farm.http_port}/", f"http://localhost:{farm.http_port}/",
                    "http://[::1]:9/", "http://169.254.169.254/latest/meta-data/"):
            with pytest.raises(AddressRefused):
                await client.get(url)
    assert sum(farm.stats.requests.values()) == 0


async def test_redirect_to_private_address_refused(farm: Farm) -> None:
    target = f"http://127.0.0.1:{farm.http_port}/secret"
    farm.add_host("public-shop.be", lambda req: FarmResponse(302, b"", {"Location": target}))
    # The pinned first hop is trusted; the redirect target is resolved and refused.
    async with make_client(farm.http_context(allow_private=False), follow_redirects=True) as c:
        with pytest.raises(AddressRefused):
            await c.get("https://public-shop.be/")
    assert farm.stats.paths("public-shop.be") == ["/"]
    assert farm.stats.requests["127.0.0.1"] == 0


async def test_pinned_targets_are_trusted_like_curl_resolve(farm: Farm) -> None:
    farm.add_host("shop.be", lambda req: FarmResponse(200, b"hello"))
    async with make_client(farm.http_context(allow_private=False)) as client:
        assert (await client.get("https://shop.be/")).text == "hello"
        with pytest.raises(AddressRefused):  # a name that is not pinned is still checked
            await client.get(f"http://localhost:{farm.http_port}/")


async def test_unresolvable_name() -> None:
    async with make_client(HttpContext()) as client:
        with pytest.raises(NameNotResolved):
            await client.get("http://no-such-shop.invalid/")
        with pytest.raises(httpx.ConnectError):  # also catchable as a connect error
            await client.get("http://no-such-shop.invalid/")
