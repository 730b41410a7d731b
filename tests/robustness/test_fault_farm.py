"""The fault farm misbehaves as it claims (so that the fault commune tests mean something)."""

from __future__ import annotations

import contextlib
import threading
import time
import zlib
from collections.abc import Iterator

import httpx
import pytest

from fixtures.fault_farm import (
    FAULT_SITES,
    HUGE_BODY_BYTES,
    SELF_SIGNED_HOST,
    UNRESOLVABLE_HOST,
    FaultFarm,
    add_fault_sites,
    fault_name_of,
    fault_shops,
    gzip_bomb_bytes,
)


def test_gzip_bomb_is_small_and_valid() -> None:
    bomb = gzip_bomb_bytes(8)
    assert len(bomb) < 16 * 1024
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    size = 0
    for start in range(0, len(bomb), 4096):
        size += len(inflate.decompress(bomb[start:start + 4096]))
    assert size == 8 << 20 and inflate.eof  # the gzip trailer (CRC, size) checks out


def test_every_fault_has_a_shop() -> None:
    with FaultFarm() as farm:
        faults = add_fault_sites(farm)
        shops = fault_shops(farm)
    assert len(faults) == len(FAULT_SITES) + 2
    assert {fault_name_of(s.website) for s in shops} == set(faults.values())
    assert SELF_SIGNED_HOST in faults and UNRESOLVABLE_HOST in faults


@pytest.fixture
def faults() -> Iterator[FaultFarm]:
    with FaultFarm() as farm:
        add_fault_sites(farm)
        yield farm


def client(farm: FaultFarm, read: float = 3.0) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(), timeout=httpx.Timeout(read),
                        headers={"Accept-Encoding": "identity"})


def url(farm: FaultFarm, host: str, path: str = "/") -> tuple[str, dict[str, str]]:
    return f"http://127.0.0.1:{farm.http_port}{path}", {"Host": host}


def test_reset_and_truncation(faults: FaultFarm) -> None:
    with client(faults) as http:
        for host in ("reset-connexion.be", "transfert-coupe.be"):
            target, headers = url(faults, host)
            with pytest.raises(httpx.TransportError):
                http.get(target, headers=headers)


def test_slow_loris_never_finishes(faults: FaultFarm) -> None:
    with client(faults, read=2.0) as http:
        target, headers = url(faults, "corps-lent.be")
        started = time.monotonic()
        with http.stream("GET", target, headers=headers) as response:
            assert response.headers["content-length"] == str(HUGE_BODY_BYTES)
            received = 0
            for chunk in response.iter_raw():
                received += len(chunk)
                if time.monotonic() - started > 2.5:
                    break
    assert received < 100  # a trickle, not a body


def test_retries_and_redirects(faults: FaultFarm) -> None:
    with client(faults) as http:
        target, headers = url(faults, "panne-serveur.be")
        assert [http.get(target, headers=headers).status_code for _ in range(3)] == [503, 503,
                                                                                    200]
        target, headers = url(faults, "trop-de-requetes.be")
        first = http.get(target, headers=headers)
        assert (first.status_code, first.headers["retry-after"]) == (429, "1")
        target, headers = url(faults, "redirige-metadata.be")
        hops = [http.get(url(faults, "redirige-metadata.be", p)[0], headers=headers)
                .headers["location"] for p in ("/", "/etape-1", "/etape-2")]
        assert hops == ["/etape-1", "/etape-2", "http://169.254.169.254/latest/meta-data/"]


def test_farm_stops_quickly_with_slow_clients_attached() -> None:
    farm = FaultFarm().start()
    add_fault_sites(farm)
    http = httpx.Client(timeout=httpx.Timeout(30.0))
    target, headers = url(farm, "entetes-lents.be")
    threading.Thread(target=lambda: _swallow(http, target, headers), daemon=True).start()
    time.sleep(0.5)
    started = time.monotonic()
    farm.stop()
    assert time.monotonic() - started < 5
    http.close()


def _swallow(http: httpx.Client, target: str, headers: dict[str, str]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        http.get(target, headers=headers)
