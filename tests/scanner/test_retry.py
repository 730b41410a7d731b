"""retry_decision (pure) and retries against the farm: flaky server, 429 with Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
import pytest

from core.http import parse_retry_after
from core.network import AddressRefused, NameNotResolved
from core.shop import Shop
from fixtures.farm import Farm, FarmRequest, FarmResponse
from scanner.gather.retry import retry_decision
from scanner.gather.settings import CrawlSettings
from tests.helpers.clock import FakeClock
from tests.helpers.crawler import CrawlerFactory, page

SETTINGS = CrawlSettings(max_retries=2, retry_backoff_base=1.0, retry_max_delay=30.0)
NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def decide(attempt: int, outcome: int | BaseException, headers: dict[str, str] | None = None):  # noqa: ANN201
    return retry_decision(attempt, outcome, headers, SETTINGS, random.Random(7), now=NOW)


@pytest.mark.parametrize("outcome", [429, 500, 502, 503, 504, httpx.ReadTimeout("slow"),
                                     httpx.ConnectTimeout("slow"), httpx.ReadError("reset"),
                                     httpx.ConnectError("Connection refused")])
def test_retryable(outcome: int | BaseException) -> None:
    first, second = decide(1, outcome), decide(2, outcome)
    assert first.retry and second.retry
    assert 0.5 <= first.delay <= 1.0 and 1.0 <= second.delay <= 2.0  # doubles, with jitter
    assert not decide(3, outcome).retry  # max_retries=2: three attempts in all


@pytest.mark.parametrize("outcome", [200, 301, 404, 403, 410, NameNotResolved("x"),
                                     AddressRefused("x"),
                                     httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]")])
def test_not_retryable(outcome: int | BaseException) -> None:
    assert not decide(1, outcome).retry


def test_jitter_spreads_delays() -> None:
    delays = {retry_decision(1, 503, None, SETTINGS, random.Random(seed)).delay
              for seed in range(20)}
    assert len(delays) > 10 and all(0.5 <= d <= 1.0 for d in delays)


def test_retry_after_seconds_and_date() -> None:
    assert decide(1, 429, {"retry-after": "12"}).delay == 12.0
    assert decide(1, 503, {"retry-after": "Sat, 28 Nov 2026 12:00:20 GMT"}).delay == 20.0
    assert decide(1, 429, {"retry-after": "bientôt"}).delay <= 1.0  # bad value: plain backoff


def test_retry_after_over_the_cap_gives_up() -> None:
    decision = decide(1, 429, {"retry-after": "3600"})
    assert not decision.retry and "cap" in decision.reason


def test_parse_retry_after_past_date_is_zero() -> None:
    assert parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", NOW) == 0.0
    assert parse_retry_after(None) is None


async def test_flaky_server_fails_twice_then_succeeds(farm: Farm,
                                                      make_crawler: CrawlerFactory) -> None:
    calls = {"/": 0}

    def flaky(req: FarmRequest) -> FarmResponse:
        if req.path != "/" or req.scheme == "http":  # robots, sitemap, http:// probe
            return FarmResponse(404)
        calls["/"] += 1
        return FarmResponse(503 if calls["/"] <= 2 else 200, page("Enfin").encode())

    farm.add_host("flaky.be", flaky)
    crawler = await make_crawler()
    site = await crawler.crawl_site(Shop(name="F", website="https://flaky.be/"))
    assert site.status == "ok" and calls["/"] == 3 and crawler.stats.retries == 2
    crawler0 = await make_crawler(max_retries=0)
    calls["/"] = 0
    failed = await crawler0.crawl_site(Shop(name="F", website="https://flaky.be/"))
    assert failed.status == "http_error" and calls["/"] == 1


async def test_429_retry_after_is_honoured(farm: Farm, make_crawler: CrawlerFactory) -> None:
    clock = FakeClock()
    times: list[float] = []

    def busy(req: FarmRequest) -> FarmResponse:
        if req.path != "/" or req.scheme == "http":
            return FarmResponse(404)
        times.append(clock.monotonic())
        if len(times) == 1:
            return FarmResponse(429, b"", {"Retry-After": "1"})
        return FarmResponse(200, page("OK").encode())

    farm.add_host("busy.be", busy)
    crawler = await make_crawler(clock=clock.clock())
    site = await crawler.crawl_site(Shop(name="B", website="https://busy.be/"))
    assert site.status == "ok" and len(times) == 2
    assert times[1] - times[0] >= 1.0 and max(clock.slept) >= 1.0  # no real second waited
