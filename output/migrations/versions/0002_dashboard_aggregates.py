"""Dashboard: per-scan aggregates (shop levels, group figures) and the indexes its pages use.

The tables are filled for the scans finished before them by 0003 (the newest migration that
changes them: `output._aggregates.backfill` writes today's columns).

Revision ID: 0002_dashboard_aggregates
Revises: 0001_initial
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_dashboard_aggregates"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

LEVEL_COLUMNS = ("lv_web_presence", "lv_google_listing", "lv_online_ordering",
                 "lv_click_and_collect", "lv_reviews")


def upgrade() -> None:
    op.create_table(
        "shop_levels",
        sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id"), primary_key=True),
        sa.Column("shop_id", sa.String(64), primary_key=True),
        sa.Column("identity_key", sa.String(64), nullable=False),
        sa.Column("sector", sa.String(32), nullable=False),
        *(sa.Column(name, sa.SmallInteger, nullable=True) for name in LEVEL_COLUMNS),
    )
    op.create_index("ix_shop_levels_scan_identity", "shop_levels", ["scan_id", "identity_key"])
    op.create_table(
        "scan_figures",
        sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id"), primary_key=True),
        sa.Column("sector", sa.String(32), primary_key=True),
        sa.Column("figures_json", sa.Text, nullable=False),
    )
    op.create_index("ix_scans_commune_started", "scans", ["commune", "started_at"])
    op.create_index("ix_shop_results_scan_position", "shop_results", ["scan_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_shop_results_scan_position", "shop_results")
    op.drop_index("ix_scans_commune_started", "scans")
    op.drop_table("scan_figures")
    op.drop_table("shop_levels")
