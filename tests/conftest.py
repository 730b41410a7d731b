"""Shared test fixtures: the loopback fixture farm."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fixtures.farm import Farm


@pytest.fixture
def farm() -> Iterator[Farm]:
    """A running farm; register hosts, then use farm.http_context() to reach them."""
    with Farm() as running:
        yield running
