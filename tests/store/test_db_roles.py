"""Least-privileged PostgreSQL roles per mode, checked by connecting as each role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app.core.audit import AuditOutcome
from app.core.auth import AccountLocked, SignInFailed, SignInService
from app.core.clock import FakeClock
from app.core.kcc.brp_local import load_persons
from app.core.kcc.persons import LocalPersonRegistry, PersonLookup
from app.core.queue.service import QueueService
from app.store.audit_repository import SqlAuditLog
from app.store.database import Database
from app.store.db_roles import MODE_GRANTS, create_mode_roles, login_role
from app.store.seed import SeedIds, seed_demo
from app.store.staff_repository import SqlStaffDirectory
from app.store.staff_seed import seed_demo_staff
from tests.store.conftest import fresh_database
from tests.unit.brp_fixture import summary_rows, summary_text

pytestmark = pytest.mark.postgres

AMS = ZoneInfo("Europe/Amsterdam")
PRIVATE_TABLES = ("staff_accounts", "staff_roles", "audit_log", "klantcontacten", "interne_taken")


@pytest.fixture
def owner(pg_url: str) -> Iterator[Database]:
    db = fresh_database(pg_url)
    yield db
    db.dispose()


@pytest.fixture
def hall(owner: Database) -> SeedIds:
    ids = seed_demo(owner)
    create_mode_roles(owner.writer)
    return ids


@pytest.fixture
def connect(pg_url: str) -> Iterator[object]:
    opened: list[Database] = []

    def as_mode(mode: str) -> Database:
        url = make_url(pg_url).set(username=login_role(mode)).render_as_string(hide_password=False)
        db = Database.open(url)
        opened.append(db)
        return db

    yield as_mode
    for db in opened:
        db.dispose()


def denied(db: Database, statement: str) -> bool:
    try:
        with db.writer.begin() as conn:
            conn.execute(text(statement))
    except ProgrammingError as error:
        return isinstance(error.orig, psycopg.errors.InsufficientPrivilege)
    return False


def test_kiosk_issues_tickets_but_reads_no_staff_audit_or_contacts(
    owner: Database, hall: SeedIds, connect: object
) -> None:
    assert callable(connect)
    kiosk: Database = connect("kiosk")
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=AMS))
    service = hall.service_ids["REISDOC"]
    assert QueueService(kiosk.queue_store(), clock).issue_ticket(service).ticket.number == "A001"
    # A desk left serving yesterday: the kiosk's first ticket of the day closes it.
    desk_queue = QueueService(owner.queue_store(), clock)
    desk_queue.open_desk(hall.desk_ids["Balie 1"], "Anna")
    desk_queue.call_next(hall.desk_ids["Balie 1"])
    clock.set(datetime(2026, 11, 24, 8, 30, tzinfo=AMS))
    assert QueueService(kiosk.queue_store(), clock).issue_ticket(service).ticket.number == "A001"
    for table in PRIVATE_TABLES:
        assert denied(kiosk, f"SELECT * FROM {table}"), table
    assert denied(kiosk, "INSERT INTO audit_log (at, username, action, subject, reason, outcome) "
                  "VALUES (now(), 'x', 'x', '', 'x', 'found')")  # fmt: skip
    assert denied(kiosk, "UPDATE services SET is_open = false")


def test_display_only_reads_the_queue(hall: SeedIds, connect: object) -> None:
    assert callable(connect)
    display: Database = connect("display")
    with display.reader.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM services")).scalar_one() > 0
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=AMS))
    with pytest.raises(ProgrammingError):
        QueueService(display.queue_store(), clock).issue_ticket(hall.service_ids["REISDOC"])
    for table in (*PRIVATE_TABLES, "payment_orders", "knowledge_products"):
        assert denied(display, f"SELECT * FROM {table}"), table


def test_balie_signs_in_and_audits_but_cannot_read_the_audit_or_change_roles(
    owner: Database, hall: SeedIds, connect: object
) -> None:
    assert callable(connect)
    passwords = seed_demo_staff(owner)
    balie: Database = connect("balie")
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=AMS))
    signing = SignInService(SqlStaffDirectory(balie.writer, balie.reader), clock)
    anna = signing.sign_in("balie1", passwords["balie1"])
    for _ in range(4):
        with pytest.raises(SignInFailed):
            signing.sign_in("balie2", "niet het wachtwoord")
    with pytest.raises(AccountLocked):
        signing.sign_in("balie2", "niet het wachtwoord")
    signing.change_password(anna, passwords["balie1"], "een nieuw lang wachtwoord")

    row = next(r for r in summary_rows() if r["pl_id"] == "Lg01_716")
    registry = LocalPersonRegistry(load_persons(summary_text()))
    lookup = PersonLookup(registry, SqlAuditLog(balie.writer, balie.reader), clock)
    assert lookup.by_bsn(anna, row["burgerservicenummer"], "paspoort").naam.voornamen == row["voornamen"]
    [entry] = SqlAuditLog(owner.writer).entries_between(
        datetime(2026, 1, 1, tzinfo=AMS), datetime(2027, 1, 1, tzinfo=AMS)
    )
    assert (entry.username, entry.outcome) == ("balie1", AuditOutcome.FOUND)

    assert denied(balie, "SELECT * FROM audit_log")
    assert denied(balie, "UPDATE audit_log SET reason = 'weg'")
    assert denied(balie, "DELETE FROM audit_log")
    assert denied(balie, "UPDATE staff_accounts SET display_name = 'Baas'")
    assert denied(balie, "UPDATE staff_accounts SET active = true")
    assert denied(balie, "INSERT INTO staff_roles (staff_id, role) VALUES (1, 'beheerder')")
    with balie.reader.connect() as conn:
        conn.execute(text("SELECT count(*) FROM klantcontacten")).scalar_one()


def test_manage_reads_the_audit_but_nobody_rewrites_it(hall: SeedIds, connect: object) -> None:
    assert callable(connect)
    manage: Database = connect("manage")
    with manage.reader.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == 0
        conn.execute(text("SELECT count(*) FROM staff_accounts")).scalar_one()
    for mode in ("manage", "host", "balie"):
        assert denied(connect(mode), "DELETE FROM audit_log"), mode
        assert denied(connect(mode), "UPDATE audit_log SET reason = 'weg'"), mode


def test_idempotent_with_passwords_and_deny_by_default(owner: Database, hall: SeedIds, connect: object) -> None:
    assert callable(connect)
    with owner.writer.begin() as conn:
        conn.execute(text("CREATE TABLE nieuw_en_geheim (id integer)"))
    first = create_mode_roles(owner.writer, password_for=lambda role: f"{role}-wachtwoord-'met:quote")
    second = create_mode_roles(owner.url, password_for=lambda role: f"{role}-wachtwoord-'met:quote")
    assert first == second
    assert set(first["kiosk"]) <= set(MODE_GRANTS["kiosk"])
    with owner.reader.connect() as conn:
        with_password = conn.execute(
            text("SELECT count(*) FROM pg_authid WHERE rolname LIKE 'loket\\_%' AND rolpassword IS NOT NULL")
        ).scalar_one()
        assert with_password >= 5
    for mode in ("kiosk", "display", "balie", "host", "manage"):
        assert denied(connect(mode), "SELECT * FROM nieuw_en_geheim"), mode
    assert denied(connect("kiosk"), "SELECT * FROM staff_accounts")
