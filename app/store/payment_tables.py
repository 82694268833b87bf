"""Tables of the payment journal and the desk's cash register (kas).

Migrations create the tables; these definitions are what the code queries. Receipt lines and
status ServiceIDs are JSON text: they are only ever read back whole.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from app.store.schema import metadata

payment_orders = Table(
    "payment_orders",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("poi_id", String(40), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("description", String(200), nullable=False),
    Column("workstation", String(100), nullable=False),
    Column("operator", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

payment_attempts = Table(
    "payment_attempts",
    metadata,
    Column("attempt_id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("payment_orders.order_id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("poi_id", String(40), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("state", String(20), nullable=False),
    Column("service_id", String(10)),
    Column("status_service_ids", Text, nullable=False, default="[]"),
    Column("unanswered_status_queries", Integer, nullable=False, default=0),
    Column("decided_by", String(100)),
    Column("approval_code", String(40)),
    Column("masked_pan", String(40)),
    Column("card_brand", String(40)),
    Column("terminal_reference", String(80)),
    Column("reason", String(200)),
    Column("approved_cents", BigInteger),
    Column("cardholder_receipt", Text, nullable=False, default="[]"),
    Column("merchant_receipt", Text, nullable=False, default="[]"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("order_id", "seq"),
    Index("ix_payment_attempts_state", "state", "poi_id"),
    Index("ix_payment_attempts_updated", "updated_at"),
)

# Every ServiceID ever sent to a terminal; the primary key is the last line of defence against
# reuse (nexo asks for 48 hours; random ids make "forever" free).
payment_service_ids = Table(
    "payment_service_ids",
    metadata,
    Column("poi_id", String(40), primary_key=True),
    Column("service_id", String(10), primary_key=True),
    Column("order_id", String(40), ForeignKey("payment_orders.order_id"), nullable=True),
    Column("purpose", String(20), nullable=False),  # payment, status, abort, reconcile
    Column("used_at", DateTime(timezone=True), nullable=False),
    Index("ix_payment_service_ids_used", "poi_id", "used_at"),
)

kas_closings = Table(
    "kas_closings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kas_id", String(100), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("period_start", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=False),
    Column("staff", String(100), nullable=False),
    Column("card_count", Integer, nullable=False),
    Column("card_cents", BigInteger, nullable=False),
    Column("terminal_count", Integer, nullable=False),
    Column("terminal_cents", BigInteger, nullable=False),
    Column("terminal_period", String(80)),
    Column("cash_expected_cents", BigInteger, nullable=False),
    Column("cash_counted_cents", BigInteger, nullable=False),
    UniqueConstraint("kas_id", "business_date"),
)

kas_lines = Table(
    "kas_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kas_id", String(100), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("description", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("staff", String(100), nullable=False),
    Column("closing_id", Integer, ForeignKey("kas_closings.id")),
    Index("ix_kas_lines_open", "kas_id", "closing_id"),
)
