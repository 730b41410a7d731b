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

# -- per-scan aggregates for the dashboard (written by finish_scan, see output._aggregates) -----
# shop_levels  one row per (finished scan, shop): the measured level per step (diff semantics),
#              its planned position and what a list of shops reads of its result
# scan_figures one row per (finished scan, group): the group's figures ("" = every shop)
LEVEL_COLUMNS = ("lv_web_presence", "lv_google_listing", "lv_online_ordering",
                 "lv_click_and_collect", "lv_reviews")  # in core.steps.STEPS order

shop_levels = sa.Table(
    "shop_levels", metadata,
    sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id"), primary_key=True),
    sa.Column("shop_id", sa.String(64), primary_key=True),
    sa.Column("identity_key", sa.String(64), nullable=False),
    sa.Column("sector", sa.String(32), nullable=False),
    *(sa.Column(name, sa.SmallInteger, nullable=True) for name in LEVEL_COLUMNS),
    sa.Column("position", sa.Integer, nullable=True),  # migration 0003
    sa.Column("listed_json", sa.Text, nullable=True),  # output._aggregates.listed_result
    sa.Index("ix_shop_levels_scan_identity", "scan_id", "identity_key"),
)

scan_figures = sa.Table(
    "scan_figures", metadata,
    sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id"), primary_key=True),
    sa.Column("sector", sa.String(32), primary_key=True),  # "" = the whole commune
    sa.Column("figures_json", sa.Text, nullable=False),  # output._stats.group_figures
)

sa.Index("ix_scans_commune_started", scans.c.commune, scans.c.started_at)
sa.Index("ix_shop_results_scan_position", shop_results.c.scan_id, shop_results.c.position)
