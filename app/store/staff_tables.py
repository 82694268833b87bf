"""Tables of staff accounts, roles and the audit log.

Migrations create the tables; these definitions are what the code queries.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from app.store.schema import metadata

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(40), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("last_sign_in_at", DateTime(timezone=True)),
)

staff_roles = Table(
    "staff_roles",
    metadata,
    Column("staff_id", Integer, ForeignKey("staff_accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(30), primary_key=True),
)

# Append-only: the desk roles may INSERT and SELECT, never UPDATE or DELETE (see db_roles.py).
# No foreign key to staff_accounts: the trail must outlive any change to the accounts.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("staff_id", Integer),
    Column("username", String(40), nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", Text, nullable=False),
    Column("reason", String(300), nullable=False),
    Column("outcome", String(20), nullable=False),
    Index("ix_audit_log_at", "at"),
    # Plain INSERT without RETURNING: a desk may add entries but has no SELECT, not even on id.
    implicit_returning=False,
)
