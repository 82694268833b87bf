"""Index the waiting tickets in calling order, so a claim in a long queue needs no sort.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_tickets_waiting_order",
        "tickets",
        ["location_id", "business_date", "service_id", "priority", "front", "queued_at", "sequence"],
        postgresql_where=sa.text("state = 'waiting'"),
        sqlite_where=sa.text("state = 'waiting'"),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_waiting_order", table_name="tickets")
