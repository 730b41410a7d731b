"""Initial store: scans, planned shops, results, shop identity, HTTP validators.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scans",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("commune", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("finished_at", sa.String(40), nullable=True),
        sa.Column("settings_json", sa.Text, nullable=False),
        sa.Column("commune_json", sa.Text, nullable=True),
    )
    op.create_index("ix_scans_commune", "scans", ["commune"])
    op.create_table(
        "scan_planned_shops",
        sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id"), primary_key=True),
        sa.Column("shop_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("shop_json", sa.Text, nullable=False),
    )
    op.create_table(
        "shop_results",
        sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id"), primary_key=True),
        sa.Column("shop_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("identity_key", sa.String(64), nullable=False),
        sa.Column("saved_at", sa.String(40), nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
    )
    op.create_index("ix_shop_results_identity_key", "shop_results", ["identity_key"])
    op.create_table(
        "shop_identity",
        sa.Column("identity_key", sa.String(64), primary_key=True),
        sa.Column("osm_id", sa.String(64), nullable=True),
        sa.Column("kbo_number", sa.String(64), nullable=True),
        sa.Column("place_id", sa.String(255), nullable=True),
        sa.Column("domain", sa.String(255), nullable=True),
        sa.Column("name_norm", sa.Text, nullable=False),
        sa.Column("address_norm", sa.Text, nullable=True),
        sa.Column("postcode", sa.String(16), nullable=True),
        sa.Column("first_seen", sa.String(40), nullable=False),
    )
    for column in ("osm_id", "kbo_number", "place_id", "domain", "postcode"):
        op.create_index(f"ix_shop_identity_{column}", "shop_identity", [column])
    op.create_table(
        "shop_identity_link",
        sa.Column("shop_id", sa.String(64), primary_key=True),
        sa.Column("identity_key", sa.String(64), sa.ForeignKey("shop_identity.identity_key"),
                  nullable=False),
    )
    op.create_table(
        "http_validators",
        sa.Column("url_hash", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("last_modified", sa.Text, nullable=True),
        sa.Column("html", sa.Text, nullable=True),
        sa.Column("saved_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    for table in ("http_validators", "shop_identity_link", "shop_identity", "shop_results",
                  "scan_planned_shops", "scans"):
        op.drop_table(table)
