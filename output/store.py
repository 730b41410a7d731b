"""The scan store: every scan, its planned shops and its shop results, in SQLite or PostgreSQL.

    store = Store("sqlite:///smartcommerce.db")          # or "postgresql://user@host/db"
    scan_id = store.begin_scan(label="Marche 2026", commune="Marche-en-Famenne",
                               settings={...}, shops=shops)
    for shop in store.pending_shops(scan_id):            # all of them, or what a crash left
        store.save_shop_result(scan_id, result)          # one transaction per shop, idempotent
    store.finish_scan(scan_id, commune_section)          # the scan is now an immutable snapshot
    for result in store.iter_shop_results(scan_id): ...  # streamed, in planned order

Tables are created and upgraded by Alembic migrations (`output/migrations/`) when the store
opens. Every failure the user can cause raises `StoreError` with a one-line message.
Each result carries `identity_key`: the same real-world shop gets the same key in every scan
(see `output._identity`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from core.shop import Shop
from output import _tables as t
from output._aggregates import record_scan_aggregates
from output._db import (
    DEFAULT_DB_URL,
    StoreError,
    connect_and_migrate,
    database_errors,
    head_revision,
)
from output._identity import facts_of, resolve_identity
from output._integrity import find_problems

__all__ = ["DEFAULT_DB_URL", "Store", "StoreError"]

STREAM_BATCH = 200  # rows fetched at a time when streaming results
LATEST = "latest"
_SHOP_FIELDS = {f.name for f in fields(Shop)}


# Built once (see output._identity): the statements of every shop result.
_SCAN_STATUS = sa.select(t.scans.c.status).where(t.scans.c.id == sa.bindparam("scan_id"))
_PLANNED_SHOP = sa.select(t.scan_planned_shops.c.position, t.scan_planned_shops.c.shop_json).where(
    t.scan_planned_shops.c.scan_id == sa.bindparam("scan_id"),
    t.scan_planned_shops.c.shop_id == sa.bindparam("shop_id"))
_DELETE_RESULT = sa.delete(t.shop_results).where(
    t.shop_results.c.scan_id == sa.bindparam("scan_id"),
    t.shop_results.c.shop_id == sa.bindparam("shop_id"))
_INSERT_RESULT = sa.insert(t.shop_results)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=False)


class Store:
    """Scans, shop results and HTTP validators in one database (see module docstring)."""

    def __init__(self, url: str = DEFAULT_DB_URL) -> None:
        self.engine = connect_and_migrate(url)
        self.dialect = self.engine.dialect.name
        # The URLs that have validators, read once (see get_validators); None until then.
        self._validator_keys: set[int] | None = None

    # -- scans -------------------------------------------------------------------------------
    def begin_scan(self, *, label: str, commune: str | None, settings: dict[str, Any],
                   shops: list[Shop]) -> str:
        """Record a new running scan and the shops it plans to measure. Returns the scan id."""
        now = utc_now()
        scan_id = "scan-" + now[:19].replace("-", "").replace(":", "") + "-" + secrets.token_hex(3)
        planned: list[dict[str, Any]] = []
        seen: set[str] = set()
        for shop in shops:
            if shop.id in seen:
                continue
            seen.add(shop.id)
            planned.append({"scan_id": scan_id, "shop_id": shop.id, "position": len(planned),
                            "shop_json": _dumps(shop.to_dict())})
        with database_errors("début de l'analyse"), self.engine.begin() as conn:
            conn.execute(sa.insert(t.scans).values(
                id=scan_id, label=label, commune=commune, status="running", started_at=now,
                settings_json=_dumps(settings)))
            if planned:
                conn.execute(sa.insert(t.scan_planned_shops), planned)
        return scan_id

    def pending_shops(self, scan_id: str) -> list[Shop]:
        """Planned shops without a stored result, in planned order."""
        done = sa.select(t.shop_results.c.shop_id).where(t.shop_results.c.scan_id == scan_id)
        query = (sa.select(t.scan_planned_shops.c.shop_json)
                 .where(t.scan_planned_shops.c.scan_id == scan_id,
                        t.scan_planned_shops.c.shop_id.not_in(done))
                 .order_by(t.scan_planned_shops.c.position))
        with self.engine.connect() as conn:
            self._require_scan(conn, scan_id)
            return [_shop_from_json(row[0]) for row in conn.execute(query)]

    def save_shop_result(self, scan_id: str, result: dict[str, Any]) -> None:
        """Store one shop's result in its own transaction; saving it again replaces it."""
        if not result.get("id"):
            raise StoreError("Résultat de commerce sans identifiant (« id ») : non enregistré.")
        shop_id = str(result["id"])
        now = utc_now()
        with database_errors("enregistrement d'un résultat"), self.engine.begin() as conn:
            self._require_running(conn, scan_id)
            ids = {"scan_id": scan_id, "shop_id": shop_id}
            planned = conn.execute(_PLANNED_SHOP, ids).first()
            position = planned[0] if planned else self._next_position(conn, scan_id)
            facts = facts_of(result, json.loads(planned[1]) if planned else None)
            key = resolve_identity(conn, scan_id, facts, now)
            conn.execute(_DELETE_RESULT, ids)
            stored = {**result, "identity_key": key}
            conn.execute(_INSERT_RESULT, {**ids, "position": position, "identity_key": key,
                                          "saved_at": now, "result_json": _dumps(stored)})

    def finish_scan(self, scan_id: str, commune: dict[str, Any]) -> None:
        """Close the scan with its commune section; it can no longer change."""
        with database_errors("clôture de l'analyse"), self.engine.begin() as conn:
            self._require_running(conn, scan_id)
            conn.execute(sa.update(t.scans).where(t.scans.c.id == scan_id).values(
                status="finished", finished_at=utc_now(), commune_json=_dumps(commune)))
            record_scan_aggregates(conn, scan_id, commune)  # what the dashboard reads

    def get_scan(self, scan_id_or_latest: str, commune: str | None = None) -> dict[str, Any] | None:
        """One scan's record, or the latest finished one (of `commune` if given); None if absent.

        Keys: id, label, commune, status, started_at, finished_at, settings, shops_planned,
        shops_done, and `summary` (the commune section, None while running).
        """
        query = sa.select(t.scans)
        if scan_id_or_latest == LATEST:
            query = query.where(t.scans.c.status == "finished")
            if commune is not None:
                query = query.where(t.scans.c.commune == commune)
            query = query.order_by(t.scans.c.started_at.desc(), t.scans.c.id.desc()).limit(1)
        else:
            query = query.where(t.scans.c.id == scan_id_or_latest)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
            return self._scan_dict(conn, row) if row else None

    def list_scans(self, commune: str | None = None) -> list[dict[str, Any]]:
        """All scans (of `commune` if given), oldest first, without their shop results."""
        query = sa.select(t.scans).order_by(t.scans.c.started_at, t.scans.c.id)
        if commune is not None:
            query = query.where(t.scans.c.commune == commune)
        with self.engine.connect() as conn:
            return [self._scan_dict(conn, row) for row in conn.execute(query).all()]

    def list_communes(self) -> list[str]:
        """Every commune name a scan was labelled with, sorted."""
        query = sa.select(t.scans.c.commune).where(t.scans.c.commune.is_not(None)).distinct()
        with self.engine.connect() as conn:
            return sorted(str(row[0]) for row in conn.execute(query).all())

    def iter_shop_results(self, scan_id: str) -> Iterator[dict[str, Any]]:
        """Yield the scan's shop results one at a time, in planned order (streamed)."""
        query = (sa.select(t.shop_results.c.result_json)
                 .where(t.shop_results.c.scan_id == scan_id)
                 .order_by(t.shop_results.c.position, t.shop_results.c.shop_id))
        with self.engine.connect() as conn:
            self._require_scan(conn, scan_id)
            streaming = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
            rows = streaming.execute(query)
            try:
                for row in rows:
                    yield json.loads(row[0])
            finally:  # also when the caller stops early: release the server-side cursor
                rows.close()

    # -- HTTP validators ---------------------------------------------------------------------
    def get_validators(self, url: str) -> tuple[str | None, str | None, str | None] | None:
        """(etag, last_modified, html) saved for `url`, or None.

        The crawler asks for every page it fetches; most have none. The set of URLs that have
        validators is read once, so only those cost a query. A URL whose validators another
        process saves later is fetched in full (no conditional request): never a wrong page.
        """
        key = _hash(url)
        if _short_key(key) not in self._known_validator_keys():
            return None
        table = t.http_validators
        query = sa.select(table.c.etag, table.c.last_modified, table.c.html).where(
            table.c.url_hash == key)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (row[0], row[1], row[2]) if row else None

    def _known_validator_keys(self) -> set[int]:
        if self._validator_keys is None:
            with database_errors("cache HTTP"), self.engine.connect() as conn:
                hashes = conn.execute(sa.select(t.http_validators.c.url_hash)).scalars()
                self._validator_keys = {_short_key(h) for h in hashes}
        return self._validator_keys

    def save_validators(self, url: str, etag: str | None, last_modified: str | None,
                        html: str | None) -> None:
        key = _hash(url)
        self._known_validator_keys().add(_short_key(key))
        with database_errors("cache HTTP"), self.engine.begin() as conn:
            conn.execute(sa.delete(t.http_validators).where(t.http_validators.c.url_hash == key))
            conn.execute(sa.insert(t.http_validators).values(
                url_hash=key, url=url, etag=etag, last_modified=last_modified, html=html,
                saved_at=utc_now()))

    # -- health ------------------------------------------------------------------------------
    def integrity_check(self) -> list[str]:
        """Problems found in the database (empty list: all fine)."""
        with self.engine.connect() as conn:
            return find_problems(conn, self.dialect, head_revision())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- helpers -----------------------------------------------------------------------------
    def _require_scan(self, conn: sa.Connection, scan_id: str) -> str:
        status = conn.execute(_SCAN_STATUS, {"scan_id": scan_id}).scalar()
        if status is None:
            raise StoreError(f"Scan inconnu : {scan_id}")
        return str(status)

    def _require_running(self, conn: sa.Connection, scan_id: str) -> None:
        if self._require_scan(conn, scan_id) == "finished":
            raise StoreError(f"Le scan {scan_id} est terminé : c'est un instantané, "
                             "il ne peut plus être modifié.")

    def _next_position(self, conn: sa.Connection, scan_id: str) -> int:
        top = conn.execute(sa.select(sa.func.max(t.shop_results.c.position))
                           .where(t.shop_results.c.scan_id == scan_id)).scalar()
        planned = conn.execute(sa.select(sa.func.count()).select_from(t.scan_planned_shops)
                               .where(t.scan_planned_shops.c.scan_id == scan_id)).scalar()
        return max(int(top if top is not None else -1) + 1, int(planned or 0))

    def _scan_dict(self, conn: sa.Connection, row: sa.Row[Any]) -> dict[str, Any]:
        count = sa.select(sa.func.count())
        planned = conn.execute(count.select_from(t.scan_planned_shops)
                               .where(t.scan_planned_shops.c.scan_id == row.id)).scalar()
        done = conn.execute(count.select_from(t.shop_results)
                            .where(t.shop_results.c.scan_id == row.id)).scalar()
        return {
            "id": row.id, "label": row.label, "commune": row.commune, "status": row.status,
            "started_at": row.started_at, "finished_at": row.finished_at,
            "settings": json.loads(row.settings_json),
            "shops_planned": int(planned or 0), "shops_done": int(done or 0),
            "summary": json.loads(row.commune_json) if row.commune_json else None,
        }


def _hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _short_key(url_hash: str) -> int:
    """The first 64 bits of a URL hash: a small set entry (a rare clash costs one query)."""
    return int(url_hash[:16], 16)


def _shop_from_json(text: str) -> Shop:
    data = json.loads(text)
    return Shop(**{k: v for k, v in data.items() if k in _SHOP_FIELDS})
