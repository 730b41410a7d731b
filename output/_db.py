"""Opening the database: URL normalisation, engine options, migrations, clear errors.

The store accepts `sqlite:///path.db`, a bare path (`scans.db`), or
`postgresql://user@host/db` (also `postgres://`), which is mapped to the psycopg 3 driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from core.errors import ScanFailed

DEFAULT_DB_FILE = "smartcommerce.db"
DEFAULT_DB_URL = f"sqlite:///{DEFAULT_DB_FILE}"
DB_URL_ENV = "SMARTCOMMERCE_DB"
PG_CONNECT_TIMEOUT_S = 5  # a wrong host should fail fast, not hang a scan
SQLITE_BUSY_TIMEOUT_MS = 10_000  # wait for another writer instead of failing at once
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class StoreError(ScanFailed):
    """The store cannot do what was asked (database unreachable, finished scan, ...).

    The message is one plain-language line and never contains a password.
    """


def normalise_url(url: str) -> URL:
    """Map user-facing database URLs to SQLAlchemy URLs with our drivers."""
    text = url.strip()
    if "://" not in text:
        text = f"sqlite:///{text}"
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://"):]
    if text.startswith("postgresql://"):
        text = "postgresql+psycopg://" + text[len("postgresql://"):]
    try:
        return make_url(text)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise StoreError(f"Adresse de base de données invalide : {redact(url)}") from exc


SECRET_QUERY_WORDS = ("pass", "secret", "key", "token")  # e.g. ?password=..., ?sslkey=...


def _secret_query_keys(url: URL) -> list[str]:
    return [k for k in url.query if any(word in k.lower() for word in SECRET_QUERY_WORDS)]


def secrets_of(url: URL) -> list[str]:
    """Every secret written in the URL (password, secret query parameters)."""
    found = [url.password] if url.password else []
    for key in _secret_query_keys(url):
        value = url.query[key]
        found += [value] if isinstance(value, str) else list(value)
    return [str(s) for s in found if s]


def redact(url: str | URL) -> str:
    """The URL as it can be shown to a person: password and secret parameters hidden."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
        masked = parsed.update_query_dict({k: "***" for k in _secret_query_keys(parsed)})
        return masked.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")
    except Exception:  # noqa: BLE001 - an unparsable URL is shown without its credentials
        return str(url).split("@")[-1].split("?")[0]


def create_engine(url: URL) -> sa.Engine:
    """An engine with crash-safe settings (WAL on SQLite, short connect timeout on PostgreSQL)."""
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True,
                            connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer; survives a crash
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster than FULL
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def connect_and_migrate(url_text: str) -> sa.Engine:
    """Open the database, check it answers, and bring its tables to the latest version."""
    url = normalise_url(url_text)
    secrets = secrets_of(url)
    try:
        engine = create_engine(url)
        with engine.connect() as conn, _migration_lock(conn):
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except (sa.exc.SQLAlchemyError, OSError, ImportError) as exc:
        reason = _first_line(exc)
        for secret in secrets:
            reason = reason.replace(secret, "***")
        message = f"Impossible d'ouvrir la base de données {redact(url)} : {reason}"
        raise StoreError(message) from None
    return engine


@contextmanager
def _migration_lock(conn: sa.Connection) -> Iterator[None]:
    """Run the migration in one transaction that holds the write lock from the start.

    On SQLite, two scans starting on a new file would otherwise both see an empty database
    and both create the tables ("table scans already exists"). With BEGIN IMMEDIATE the second
    waits (busy timeout), then finds the migration done. The driver's own transaction handling
    is switched off for this connection only, and restored before it returns to the pool.
    PostgreSQL runs the migration in the connection's transaction, as before.
    """
    if conn.dialect.name != "sqlite":
        yield
        conn.commit()
        return
    driver: Any = conn.connection.driver_connection
    previous = driver.isolation_level
    driver.isolation_level = None
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        driver.isolation_level = previous


@contextmanager
def database_errors(action: str) -> Iterator[None]:
    """A database that fails mid-way (full disk, lost server) becomes one plain StoreError."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"base de données : {action} impossible ({_first_line(exc)}). "
                         "Reprenez ensuite avec « smartcommerce resume SCAN_ID »") from exc


def head_revision() -> str:
    """The migration revision the code expects."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head() or ""


def _first_line(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return lines[0][:200] if lines else type(inner).__name__
