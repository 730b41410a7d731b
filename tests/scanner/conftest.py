"""Fixtures for scanner tests: a crawler factory (the farm: tests/conftest.py; helpers:
tests/helpers/crawler.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from fixtures.farm import Farm
from scanner.gather.crawler import Crawler
from scanner.gather.slots import REAL_CLOCK, Clock
from tests.helpers.crawler import FAST, CrawlerFactory


@pytest.fixture
async def make_crawler(farm: Farm) -> AsyncIterator[CrawlerFactory]:
    """make_crawler(**settings_changes, allow_private=True, validators=None, clock=REAL_CLOCK)
    -> open Crawler."""
    opened: list[Crawler] = []

    async def factory(allow_private: bool = True, validators: Any = None,
                      clock: Clock = REAL_CLOCK, **changes: Any) -> Crawler:
        crawler = Crawler(replace(FAST, **changes), farm.http_context(allow_private), validators,
                          clock)
        await crawler.__aenter__()
        opened.append(crawler)
        return crawler

    yield factory
    for crawler in opened:
        await crawler.__aexit__(None, None, None)
