"""Per-host slots: how many requests may hit one host at once, and how often.

    slots = Slots(settings)
    async with slots.acquire("boulangerie-dupont.be"):
        response = await client.get(...)
        slots.observe("boulangerie-dupont.be", latency=0.4, ok=True)

Each host has a slot with (1) a semaphore of ``per_host_concurrency`` requests and (2) a
start schedule: two request starts to one host are at least ``delay`` seconds apart. The delay
starts at ``per_host_delay`` (or the robots.txt Crawl-delay if larger, capped) and, with
AutoThrottle on, follows the host's latency. A global semaphore caps all hosts together.

The delay changes at run time, so the slot keeps its own "next start" clock; a fixed
``aiolimiter.AsyncLimiter`` of ``per_host_max_rate`` requests per second sits on top as a hard
ceiling (it only binds when many shops share one website, e.g. a chain).

AutoThrottle, after Scrapy's ``extensions/throttle.py``:

1. After each answer we know its latency (time to the response headers).
2. A host that answers in ``latency`` seconds and should see ``target_concurrency`` requests
   in flight on average can take one request every ``latency / target_concurrency`` seconds:
   that is the target delay.
3. The new delay is the mean of the old delay and the target, so one slow answer does not
   swing the pace at once.
4. An error answer (429, 5xx, timeout) may slow us down but never speeds us up: on errors the
   delay only goes up.
5. The delay stays between the floor (``per_host_delay`` / Crawl-delay) and ``max_delay``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiolimiter import AsyncLimiter

from scanner.gather.settings import CrawlSettings


@dataclass(frozen=True, slots=True)
class Clock:
    """Where the crawler reads the time and waits (tests pass a fake one, as to PlacesClient)."""
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


REAL_CLOCK = Clock()


@dataclass(slots=True)
class HostSlot:
    semaphore: asyncio.Semaphore
    rate: AsyncLimiter  # hard ceiling: per_host_max_rate requests per second
    floor_delay: float  # per_host_delay, or Crawl-delay when larger
    delay: float  # current delay between request starts (AutoThrottle moves it)
    next_start: float = 0.0  # monotonic time before which no new request may start
    users: int = 0  # tasks holding or waiting for this slot
    in_flight: int = 0
    peak_in_flight: int = 0


class Slots:
    def __init__(self, settings: CrawlSettings, clock: Clock = REAL_CLOCK) -> None:
        self._settings, self._clock = settings, clock
        self._global = asyncio.Semaphore(settings.global_concurrency)
        self._slots: dict[str, HostSlot] = {}
        self._crawl_delays: dict[str, float] = {}  # kept after the slot is dropped
        self.peak_in_flight: dict[str, int] = {}  # highest per host, for tests and the bench

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        """Honour a robots.txt Crawl-delay for ``host`` (capped by ``max_crawl_delay``)."""
        if seconds is None:
            return
        capped = min(max(0.0, seconds), self._settings.max_crawl_delay)
        self._crawl_delays[host] = capped
        slot = self._slots.get(host)
        if slot is not None:
            slot.floor_delay = max(slot.floor_delay, capped)
            slot.delay = max(slot.delay, capped)

    def current_delay(self, host: str) -> float:
        slot = self._slots.get(host)
        return slot.delay if slot else self._floor(host)

    @asynccontextmanager
    async def acquire(self, host: str) -> AsyncIterator[None]:
        slot = self._slot(host)
        slot.users += 1
        try:
            async with slot.semaphore, slot.rate:
                await self._wait_turn(slot)
                async with self._global:
                    slot.in_flight += 1
                    slot.peak_in_flight = max(slot.peak_in_flight, slot.in_flight)
                    self.peak_in_flight[host] = max(self.peak_in_flight.get(host, 0),
                                                    slot.in_flight)
                    try:
                        yield
                    finally:
                        slot.in_flight -= 1
        finally:
            slot.users -= 1

    def forget(self, host: str) -> bool:
        """Drop an idle host's slot once its shop is done: 5,000 shops must not pile up slots.
        True when the host has no slot left (no request of it holds or waits for one)."""
        slot = self._slots.get(host)
        if slot is not None and slot.users == 0:
            del self._slots[host]
        return host not in self._slots

    def observe(self, host: str, latency: float, ok: bool) -> None:
        """Feed AutoThrottle with one answer's latency (seconds) and whether it was a success."""
        slot = self._slots.get(host)
        if slot is None or not self._settings.autothrottle:
            return
        target = latency / self._settings.autothrottle_target_concurrency  # step 2
        new_delay = (slot.delay + target) / 2.0  # step 3
        if not ok:
            new_delay = max(new_delay, slot.delay)  # step 4
        slot.delay = min(max(new_delay, slot.floor_delay), self._max_delay(slot))  # step 5

    def _max_delay(self, slot: HostSlot) -> float:
        return max(self._settings.autothrottle_max_delay, slot.floor_delay)

    def _floor(self, host: str) -> float:
        return max(self._settings.per_host_delay, self._crawl_delays.get(host, 0.0))

    def _slot(self, host: str) -> HostSlot:
        slot = self._slots.get(host)
        if slot is None:
            floor = self._floor(host)
            rate = self._settings.per_host_max_rate
            slot = HostSlot(asyncio.Semaphore(self._settings.per_host_concurrency),
                            AsyncLimiter(rate, 1.0), floor, floor)
            self._slots[host] = slot
        return slot

    async def _wait_turn(self, slot: HostSlot) -> None:
        """Sleep until this host's next start; book the following one ``delay`` later."""
        now = self._clock.monotonic()
        start = max(now, slot.next_start)
        slot.next_start = start + slot.delay
        if start > now:
            await self._clock.sleep(start - now)
