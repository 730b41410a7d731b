"""Helpers for the sources tests: the fixtures folder and the fixture farm's HttpContext."""

from __future__ import annotations

from pathlib import Path

from core.http import HttpContext
from fixtures.farm import Farm

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"


def farm_context(farm: Farm) -> HttpContext:
    """Call after add_host: the resolve map lists the registered hosts."""
    return HttpContext(resolve=farm.resolve_map(), allow_private=True, ca_file=str(farm.ca_pem))


async def no_sleep(seconds: float) -> None:
    return None
