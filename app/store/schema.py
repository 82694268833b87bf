"""The database tables. Times are stored in UTC; SQLite gets them back naive, see `utc()`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

locations = Table(
    "locations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False, default="Europe/Amsterdam"),
    Column("reset_time", String(5), nullable=False, default="03:00"),
    Column("max_recalls", Integer, nullable=False, default=2),
    Column("normal_per_priority", Integer, nullable=False, default=2),
    Column("ageing_minutes", Integer, nullable=False, default=30),
)

services = Table(
    "services",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("location_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("code", String(40), nullable=False),
    Column("name_nl", String(120), nullable=False),
    Column("name_en", String(120), nullable=False),
    Column("prefix", String(3), nullable=False),
    Column("is_open", Boolean, nullable=False, default=True),
    Column("target_wait_minutes", Integer, nullable=False, default=15),
    Column("product_uri", String(300)),
    Column("default_service_minutes", Float, nullable=False, default=8.0),
    Column("sort_order", Integer, nullable=False, default=0),
    UniqueConstraint("location_id", "code"),
)

desks = Table(
    "desks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("location_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("name", String(60), nullable=False),
    Column("is_open", Boolean, nullable=False, default=False),
    Column("staff", String(100)),
    UniqueConstraint("location_id", "name"),
)

desk_services = Table(
    "desk_services",
    metadata,
    Column("desk_id", Integer, ForeignKey("desks.id"), primary_key=True),
    Column("service_id", Integer, ForeignKey("services.id"), primary_key=True),
    Column("rank", Integer, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("location_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("service_id", Integer, ForeignKey("services.id"), nullable=False),
    Column("number", String(8), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("priority", Integer, nullable=False, default=0),
    Column("state", String(20), nullable=False),
    Column("queued_at", DateTime(timezone=True)),
    Column("front", Boolean, nullable=False, default=False),
    Column("target_desk_id", Integer, ForeignKey("desks.id")),
    Column("desk_id", Integer, ForeignKey("desks.id")),
    Column("staff", String(100)),
    Column("recall_count", Integer, nullable=False, default=0),
    Column("outcome", String(20)),
    Column("closed_at", DateTime(timezone=True)),
    Column("token", String(40), nullable=False),
    Column("estimated_wait", Float),
    UniqueConstraint("location_id", "business_date", "number"),
    Index("ix_tickets_queue", "location_id", "business_date", "state"),
    Index("ix_tickets_desk", "desk_id", "state"),
    Index(
        "ix_tickets_waiting_order",
        "location_id",
        "business_date",
        "service_id",
        "priority",
        "front",
        "queued_at",
        "sequence",
        postgresql_where=text("state = 'waiting'"),
        sqlite_where=text("state = 'waiting'"),
    ),
)

ticket_periods = Table(
    "ticket_periods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("service_id", Integer, ForeignKey("services.id"), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("desk_id", Integer, ForeignKey("desks.id")),
    Column("staff", String(100)),
    UniqueConstraint("ticket_id", "seq"),
    Index("ix_periods_kind_start", "kind", "started_at"),
)

number_counters = Table(
    "number_counters",
    metadata,
    Column("location_id", Integer, ForeignKey("locations.id"), primary_key=True),
    Column("business_date", Date, primary_key=True),
    Column("prefix", String(3), primary_key=True),
    Column("last_value", Integer, nullable=False),
)

changes = Table(
    "changes",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("location_id", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything we store is UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_db(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None
