"""Payment journal (write-ahead), ServiceIDs in use, kas lines and day closings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _when(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "payment_orders",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("poi_id", sa.String(40), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("workstation", sa.String(100), nullable=False),
        sa.Column("operator", sa.String(100), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "payment_attempts",
        sa.Column("attempt_id", sa.String(40), primary_key=True),
        sa.Column("order_id", sa.String(40), sa.ForeignKey("payment_orders.order_id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("poi_id", sa.String(40), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("service_id", sa.String(10)),
        sa.Column("status_service_ids", sa.Text, nullable=False),
        sa.Column("unanswered_status_queries", sa.Integer, nullable=False),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("approval_code", sa.String(40)),
        sa.Column("masked_pan", sa.String(40)),
        sa.Column("card_brand", sa.String(40)),
        sa.Column("terminal_reference", sa.String(80)),
        sa.Column("reason", sa.String(200)),
        sa.Column("approved_cents", sa.BigInteger),
        sa.Column("cardholder_receipt", sa.Text, nullable=False),
        sa.Column("merchant_receipt", sa.Text, nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.UniqueConstraint("order_id", "seq"),
    )
    op.create_index("ix_payment_attempts_state", "payment_attempts", ["state", "poi_id"])
    op.create_index("ix_payment_attempts_updated", "payment_attempts", ["updated_at"])
    op.create_table(
        "payment_service_ids",
        sa.Column("poi_id", sa.String(40), primary_key=True),
        sa.Column("service_id", sa.String(10), primary_key=True),
        sa.Column("order_id", sa.String(40), sa.ForeignKey("payment_orders.order_id"), nullable=True),
        sa.Column("purpose", sa.String(20), nullable=False),
        _when("used_at"),
    )
    op.create_index("ix_payment_service_ids_used", "payment_service_ids", ["poi_id", "used_at"])
    op.create_table(
        "kas_closings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kas_id", sa.String(100), nullable=False),
        sa.Column("business_date", sa.Date, nullable=False),
        _when("period_start"),
        _when("closed_at"),
        sa.Column("staff", sa.String(100), nullable=False),
        sa.Column("card_count", sa.Integer, nullable=False),
        sa.Column("card_cents", sa.BigInteger, nullable=False),
        sa.Column("terminal_count", sa.Integer, nullable=False),
        sa.Column("terminal_cents", sa.BigInteger, nullable=False),
        sa.Column("terminal_period", sa.String(80)),
        sa.Column("cash_expected_cents", sa.BigInteger, nullable=False),
        sa.Column("cash_counted_cents", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("kas_id", "business_date"),
    )
    op.create_table(
        "kas_lines",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kas_id", sa.String(100), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        _when("at"),
        sa.Column("staff", sa.String(100), nullable=False),
        sa.Column("closing_id", sa.Integer, sa.ForeignKey("kas_closings.id")),
    )
    op.create_index("ix_kas_lines_open", "kas_lines", ["kas_id", "closing_id"])


def downgrade() -> None:
    op.drop_table("kas_lines")
    op.drop_table("kas_closings")
    op.drop_table("payment_service_ids")
    op.drop_table("payment_attempts")
    op.drop_table("payment_orders")
