"""Dashboard: each shop's planned position and listed result beside its levels (shop_levels).

The commune page lists a scan's shops from `shop_levels.listed_json` (~0.7 KB a shop: names,
address, step levels and statuses) instead of parsing every whole result (7 KB on average in
the demo scan, up to 13 KB).
The aggregates of the scans finished before are rebuilt from their results (`backfill`), once:
16 s for the dashboard bench's 150,000 results on SQLite.

Revision ID: 0003_listed_results
Revises: 0002_dashboard_aggregates
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from output import _tables as t
from output._aggregates import backfill

revision = "0003_listed_results"
down_revision = "0002_dashboard_aggregates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shop_levels", sa.Column("position", sa.Integer, nullable=True))
    op.add_column("shop_levels", sa.Column("listed_json", sa.Text, nullable=True))
    bind = op.get_bind()
    for table in (t.shop_levels, t.scan_figures):  # rebuilt whole, with the new columns
        bind.execute(sa.delete(table))
    backfill(bind)


def downgrade() -> None:
    with op.batch_alter_table("shop_levels") as batch:
        batch.drop_column("listed_json")
        batch.drop_column("position")
