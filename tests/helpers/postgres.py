"""A fresh PostgreSQL database per test, on the server SMARTCOMMERCE_TEST_PG_URL names.

Each test gets its own database (created, then dropped WITH (FORCE), so a killed child process
holding connections does not block the next test). Skips when the variable is not set or the
server does not answer: `bash .ci/start_postgres.sh` starts one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

PG_URL_ENV = "SMARTCOMMERCE_TEST_PG_URL"


def with_driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def fresh_database(prefix: str = "sc_test") -> Iterator[str]:
    """The URL of a new empty database, dropped afterwards (or pytest.skip)."""
    base = os.environ.get(PG_URL_ENV)
    if not base:
        pytest.skip(f"{PG_URL_ENV} not set")
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = sa.create_engine(with_driver(base), isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError:
        admin.dispose()
        pytest.skip("PostgreSQL test server unreachable")
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
