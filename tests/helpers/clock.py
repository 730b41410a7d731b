"""A fake clock for code that takes one (the crawler's Clock, PlacesClient's sleep): sleeping
moves the time on at once, and every wait asked for is recorded."""

from __future__ import annotations

import asyncio

from scanner.gather.slots import Clock


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)  # still a point where other tasks run

    def clock(self) -> Clock:
        return Clock(monotonic=self.monotonic, sleep=self.sleep)
