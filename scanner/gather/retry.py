"""When to try a request again, and after how long: one pure function, easy to test.

    decision = retry_decision(attempt=1, outcome=503, headers={"retry-after": "5"},
                              settings=settings, rng=random.Random(0))
    if decision.retry:
        await asyncio.sleep(decision.delay)

Retried: timeouts, connection resets/refusals, and the statuses in ``settings.retry_http_codes``
(429 and 5xx by default). Never retried: DNS failures, SSRF refusals, TLS errors (they will not
heal in seconds). The backoff is exponential with full jitter (``base * 2**(attempt-1)`` scaled
by a random factor in [0.5, 1]); a server's ``Retry-After`` (seconds or HTTP-date) wins when it
is longer, and every delay is capped by ``settings.retry_max_delay``. When a server asks for
more than the cap, we give up instead of hammering it early.
"""

from __future__ import annotations

import random
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import httpx

from core.http import parse_retry_after
from core.network import AddressRefused, NameNotResolved
from scanner.gather.settings import CrawlSettings


@dataclass(frozen=True, slots=True)
class RetryDecision:
    retry: bool
    delay: float  # seconds to wait before the next attempt
    reason: str


def retry_decision(
    attempt: int, outcome: int | BaseException, headers: Mapping[str, str] | None,
    settings: CrawlSettings, rng: random.Random, now: datetime | None = None,
) -> RetryDecision:
    """Decide on attempt ``attempt`` (1 = the first try) that ended with ``outcome``.

    ``outcome`` is the HTTP status, or the exception raised. ``headers`` use lower-case names.
    """
    reason = _retryable_reason(outcome, settings)
    if reason is None:
        return RetryDecision(False, 0.0, "not retryable")
    if attempt > settings.max_retries:
        return RetryDecision(False, 0.0, f"{reason}: gave up after {attempt} attempts")
    backoff = settings.retry_backoff_base * 2 ** (attempt - 1) * rng.uniform(0.5, 1.0)
    asked = parse_retry_after((headers or {}).get("retry-after"), now)
    if asked is not None and asked > settings.retry_max_delay:
        return RetryDecision(False, 0.0, f"{reason}: Retry-After {asked:.0f}s is over the cap")
    delay = min(max(backoff, asked or 0.0), settings.retry_max_delay)
    return RetryDecision(True, delay, reason)


def _retryable_reason(outcome: int | BaseException, settings: CrawlSettings) -> str | None:
    if isinstance(outcome, int):
        return f"HTTP {outcome}" if outcome in settings.retry_http_codes else None
    if isinstance(outcome, AddressRefused | NameNotResolved):
        return None
    if isinstance(outcome, httpx.TimeoutException):
        return "timeout"
    if isinstance(outcome, httpx.ConnectError) and is_tls_error(outcome):
        return None
    if isinstance(outcome, httpx.ConnectError | httpx.ReadError | httpx.RemoteProtocolError
                  | httpx.WriteError | ConnectionError):
        return "connection reset or refused"
    return None


def is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in str(seen) or "CERTIFICATE" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
