"""Shared test fixtures: the loopback fixture farm, and a store database (SQLite, and
PostgreSQL when SMARTCOMMERCE_TEST_PG_URL is set). Helpers live in tests/helpers/.

The test session gets a cache of compiled matchers of its own (core/derived_cache.py), empty
at the start: the first test that needs a matcher compiles it, the later ones (and the probe
workers they start) read it back, and the user's cache is left alone."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.env import CACHE_DIR_ENV
from fixtures.farm import Farm
from tests.helpers.postgres import fresh_database


def pytest_configure(config: pytest.Config) -> None:
    if CACHE_DIR_ENV not in os.environ:
        session_cache = tempfile.mkdtemp(prefix="smartcommerce-test-cache-")
        os.environ[CACHE_DIR_ENV] = session_cache
        config.add_cleanup(lambda: shutil.rmtree(session_cache, ignore_errors=True))


@pytest.fixture
def farm() -> Iterator[Farm]:
    """A running farm; register hosts, then use farm.http_context() to reach them."""
    with Farm() as running:
        yield running


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL on an empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with fresh_database() as url:
        yield url
