"""The store's tables (SQLAlchemy Core). Alembic migrations create them; keep both in step.

scans              one row per scan; immutable once `status` is "finished"
scan_planned_shops the shop list a scan set out to measure (what a resume still has to do)
shop_results       one row per (scan, shop): the shop result dict as JSON
shop_identity      one row per real-world shop, lined up across scans
shop_identity_link shop id -> identity key (shop ids are stable, so this is the first match)
http_validators    ETag / Last-Modified / body per URL, for conditional requests on rescans
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

scans = sa.Table(
    "scans", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("commune", sa.Text, nullable=True, index=True),
    sa.Column("status", sa.String(16), nullable=False),  # running | finished
    sa.Column("started_at", sa.String(40), nullable=False),  # ISO 8601, UTC
    sa.Column("finished_at", sa.String(40), nullable=True),
    sa.Column("settings_json", sa.Text, nullable=False),
    sa.Column("commune_json", sa.Text, nullable=True),  # the scan.json `commune` section
)

scan_planned_shops = sa.Table(
    "scan_planned_shops", metadata,
    sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id"), primary_key=True),
    sa.Column("shop_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("shop_json", sa.Text, nullable=False),
)

shop_results = sa.Table(
    "shop_results", metadata,
    sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id"), primary_key=True),
    sa.Column("shop_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("identity_key", sa.String(64), nullable=False, index=True),
    sa.Column("saved_at", sa.String(40), nullable=False),
    sa.Column("result_json", sa.Text, nullable=False),
)

shop_identity = sa.Table(
    "shop_identity", metadata,
    sa.Column("identity_key", sa.String(64), primary_key=True),
    sa.Column("osm_id", sa.String(64), nullable=True, index=True),
    sa.Column("kbo_number", sa.String(64), nullable=True, index=True),
    sa.Column("place_id", sa.String(255), nullable=True, index=True),
    sa.Column("domain", sa.String(255), nullable=True, index=True),
    sa.Column("name_norm", sa.Text, nullable=False),
    sa.Column("address_norm", sa.Text, nullable=True),
    sa.Column("postcode", sa.String(16), nullable=True, index=True),
    sa.Column("first_seen", sa.String(40), nullable=False),
)

shop_identity_link = sa.Table(
    "shop_identity_link", metadata,
    sa.Column("shop_id", sa.String(64), primary_key=True),
    sa.Column("identity_key", sa.String(64), sa.ForeignKey("shop_identity.identity_key"),
              nullable=False),
)

http_validators = sa.Table(
    "http_validators", metadata,
    sa.Column("url_hash", sa.String(64), primary_key=True),  # sha256 of the URL
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    sa.Column("html", sa.Text, nullable=True),
    sa.Column("saved_at", sa.String(40), nullable=False),
)
