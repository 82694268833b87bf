"""Least-privileged PostgreSQL roles, one per mode (DESIGN.md: a kiosk in a public hall must not be
able to read persons or contacts).

Per mode a NOLOGIN group role holds the table rights (`loket_kiosk_group`, ...) and a login role
of the same mode (`loket_kiosk`, ...) is a member of it. `create_mode_roles` is idempotent: it
revokes what a group had on the tables and grants again from MODE_GRANTS, the one place that says
which mode may do what. A table no list names gets no rights at all (deny by default), and is
logged, so a new table is a conscious decision. Roles are per PostgreSQL cluster; the rights are
on the tables of the database the engine points at.

Nobody may UPDATE or DELETE the audit log; the desks may add to it but not read it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.core.errors import ConfigError

log = logging.getLogger(__name__)

MODES = ("kiosk", "display", "balie", "host", "manage")

QUEUE_TABLES = (
    "locations",
    "services",
    "desks",
    "desk_services",
    "tickets",
    "ticket_periods",
    "number_counters",
    "changes",
)
PAYMENT_TABLES = ("payment_orders", "payment_attempts", "payment_service_ids", "kas_closings", "kas_lines")
KNOWLEDGE_TABLES = ("knowledge_products", "knowledge_fees")
CONTACT_TABLES = ("klantcontacten", "interne_taken")  # app/store/contact_tables.py
STAFF_TABLES = ("staff_accounts", "staff_roles")
AUDIT_TABLE = "audit_log"
META_TABLES = ("alembic_version",)

R = "SELECT"
RW = "SELECT, INSERT, UPDATE"
RWD = "SELECT, INSERT, UPDATE, DELETE"
# A desk signs staff in: it reads accounts and counts failures, locks, and stores a new password
# hash, but it cannot rename anybody, (de)activate or change roles.
SIGN_IN = "SELECT, UPDATE (password_hash, failed_attempts, locked_until, last_sign_in_at)"


def _grants(*parts: Mapping[str, str]) -> MappingProxyType[str, str]:
    merged: dict[str, str] = {}
    for part in parts:
        merged.update(part)
    return MappingProxyType(merged)


def _all(tables: tuple[str, ...], privileges: str) -> dict[str, str]:
    return dict.fromkeys(tables, privileges)


_QUEUE_WORK = {
    **_all(QUEUE_TABLES, RW),
    "desk_services": RWD,  # saving a desk rewrites its service list
    "changes": "SELECT, INSERT",
}

MODE_GRANTS: MappingProxyType[str, MappingProxyType[str, str]] = MappingProxyType(
    {
        # Issue tickets (the first ticket of a day also closes what the day before left open, so
        # tickets, periods and desks are written), pay at the kiosk, show product information.
        "kiosk": _grants(
            _all(META_TABLES, R),
            _QUEUE_WORK,
            {"locations": R, "services": R},
            _all(PAYMENT_TABLES, RW),
            _all(KNOWLEDGE_TABLES, R),
        ),
        # The call screen only reads the queue.
        "display": _grants(_all(META_TABLES, R), _all(QUEUE_TABLES, R)),
        "balie": _grants(
            _all(META_TABLES, R),
            _QUEUE_WORK,
            _all(PAYMENT_TABLES, RW),
            # A redacteur edits articles from a balie PC (saving rewrites the fee rows); the core
            # still refuses every edit without KNOWLEDGE_EDIT.
            _all(KNOWLEDGE_TABLES, RWD),
            _all(CONTACT_TABLES, RW),
            {"staff_accounts": SIGN_IN, "staff_roles": R, AUDIT_TABLE: "INSERT"},
        ),
        "host": _grants(
            _all(META_TABLES, R),
            _QUEUE_WORK,
            _all(KNOWLEDGE_TABLES, R),
            _all(CONTACT_TABLES, RW),
            {"staff_accounts": SIGN_IN, "staff_roles": R, AUDIT_TABLE: "INSERT"},
        ),
        # Team leads and administrators: read everything, configure the hall, manage accounts,
        # edit the knowledge base, handle forwarded questions. Still no UPDATE/DELETE on the audit log.
        "manage": _grants(
            _all(META_TABLES, R),
            _all(QUEUE_TABLES, R),
            {"locations": RW, "services": RW, "desks": RW, "desk_services": RWD, "changes": "SELECT, INSERT"},
            _all(PAYMENT_TABLES, R),
            _all(KNOWLEDGE_TABLES, RWD),
            _all(CONTACT_TABLES, RW),
            _all(STAFF_TABLES, RWD),
            {AUDIT_TABLE: "SELECT, INSERT"},
        ),
    }
)


def login_role(mode: str) -> str:
    return f"loket_{mode}"


def group_role(mode: str) -> str:
    return f"loket_{mode}_group"


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _set_password(conn: Connection, role: str, password: str) -> None:
    # Role DDL takes no bind parameters: psycopg quotes the literal on our side.
    from psycopg import sql

    if "\x00" in password:
        raise ConfigError("Een databasewachtwoord mag geen nul-teken bevatten.", key="database.password")
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))


def _role_exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is not None


def _ensure_role(conn: Connection, name: str, *, login: bool, superuser: bool) -> None:
    attributes = "LOGIN" if login else "NOLOGIN"
    if not _role_exists(conn, name):
        conn.execute(text(f"CREATE ROLE {_quote(conn, name)} {attributes}"))
        log.info("database role %s created", name)
    # Whatever someone did by hand: these roles never get more than their grants. Only a
    # superuser may change the superuser, replication and bypass-RLS attributes.
    extra = " NOSUPERUSER NOREPLICATION NOBYPASSRLS" if superuser else ""
    conn.execute(text(f"ALTER ROLE {_quote(conn, name)} {attributes} NOCREATEDB NOCREATEROLE INHERIT{extra}"))


def _sequences_of(conn: Connection, schema: str, table: str) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT s.relname FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE s.relkind = 'S' AND t.relname = :t AND n.nspname = :s"
        ),
        {"t": table, "s": schema},
    )
    return [r.relname for r in rows]


def _grant_mode(conn: Connection, mode: str, schema: str, existing: set[str]) -> list[str]:
    group = _quote(conn, group_role(mode))
    qschema = _quote(conn, schema)
    conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {qschema} FROM {group}"))
    conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {qschema} FROM {group}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {qschema} TO {group}"))
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    conn.execute(text(f"GRANT CONNECT ON DATABASE {_quote(conn, database)} TO {group}"))
    granted = []
    for table, privileges in sorted(MODE_GRANTS[mode].items()):
        if table not in existing:
            continue  # not migrated yet (or SQLite-only); the next run grants it
        qualified = f"{qschema}.{_quote(conn, table)}"
        conn.execute(text(f"GRANT {privileges} ON TABLE {qualified} TO {group}"))
        if "INSERT" in privileges:
            for sequence in _sequences_of(conn, schema, table):
                conn.execute(text(f"GRANT USAGE ON SEQUENCE {qschema}.{_quote(conn, sequence)} TO {group}"))
        granted.append(table)
    return granted


def create_mode_roles(
    engine_or_url: Engine | str, password_for: Callable[[str], str] | None = None
) -> dict[str, list[str]]:
    """Create or update the group and login roles of every mode; return mode -> tables granted.

    `password_for(login_role)` gives each login role's password; without it the login roles get
    no password (fine with peer/trust authentication on the server, useless over the network).
    Needs a connection as a role with CREATEROLE that owns the tables (the migrating role).
    """
    engine = create_engine(_pg_url(engine_or_url)) if isinstance(engine_or_url, str) else engine_or_url
    if engine.dialect.name != "postgresql":
        raise ConfigError("Databaserollen per modus bestaan alleen op PostgreSQL.", key="database.url")
    try:
        with engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            existing = {
                r.tablename
                for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema})
            }
            known = {t for grants in MODE_GRANTS.values() for t in grants} | set(STAFF_TABLES) | {AUDIT_TABLE}
            for table in sorted(existing - known):
                log.warning("table %s is not in MODE_GRANTS: no mode gets any right on it", table)
            superuser = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar_one()
            result = {}
            for mode in MODES:
                _ensure_role(conn, group_role(mode), login=False, superuser=superuser)
                _ensure_role(conn, login_role(mode), login=True, superuser=superuser)
                conn.execute(text(f"GRANT {_quote(conn, group_role(mode))} TO {_quote(conn, login_role(mode))}"))
                if password_for is not None:
                    _set_password(conn, login_role(mode), password_for(login_role(mode)))
                result[mode] = _grant_mode(conn, mode, schema, existing)
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()
    log.info("database roles per mode are up to date")
    return result


def _pg_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)
