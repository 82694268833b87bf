"""Staff accounts in the database (SQLite and PostgreSQL): sign-in, roles, lockout, demo seed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.auth import AccountLocked, SignInFailed, SignInService, UsernameTaken, verify_password
from app.core.clock import FakeClock
from app.core.staff import Actor, Permission, Role
from app.store.database import Database
from app.store.staff_repository import SqlStaffDirectory
from app.store.staff_seed import seed_demo_staff
from app.store.staff_tables import staff_accounts

ADMIN = Actor(staff_id=None, username="installer", display_name="Installatie", roles=frozenset({Role.BEHEERDER}))
PASSWORD = "lange zin als wachtwoord"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 8, 30, tzinfo=UTC))


@pytest.fixture
def service(database: Database, clock: FakeClock) -> SignInService:
    return SignInService(SqlStaffDirectory(database.writer, database.reader), clock)


def test_account_round_trip_and_sign_in(database: Database, service: SignInService) -> None:
    added = service.add_account(ADMIN, "lead", "Lia Leider", [Role.TEAMLEIDER, Role.BALIEMEDEWERKER], PASSWORD)
    assert added.id is not None
    actor = service.sign_in("LEAD", PASSWORD)
    assert actor.staff_id == added.id
    assert actor.roles == frozenset({Role.TEAMLEIDER, Role.BALIEMEDEWERKER})
    assert actor.may(Permission.AUDIT_READ)
    with database.reader.connect() as conn:
        stored = conn.execute(select(staff_accounts.c.password_hash)).scalar_one()
    assert PASSWORD not in stored and stored.startswith("scrypt$")
    assert verify_password(PASSWORD, stored)
    with pytest.raises(UsernameTaken):
        service.add_account(ADMIN, "lead", "Ander", [Role.GASTHEER], PASSWORD)


def test_lockout_is_kept_in_the_database(database: Database, service: SignInService, clock: FakeClock) -> None:
    service.add_account(ADMIN, "anna", "Anna", [Role.BALIEMEDEWERKER], PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInFailed):
            service.sign_in("anna", "niet het wachtwoord")
    with pytest.raises(AccountLocked):
        service.sign_in("anna", "niet het wachtwoord")
    # Another PC (a second service over the same database) sees the lock too.
    other_pc = SignInService(SqlStaffDirectory(database.writer, database.reader), clock)
    with pytest.raises(AccountLocked) as locked:
        other_pc.sign_in("anna", PASSWORD)
    assert locked.value.until == clock.now() + timedelta(minutes=15)
    clock.advance(timedelta(minutes=15))
    assert other_pc.sign_in("anna", PASSWORD).username == "anna"


def test_roles_change_and_deactivation(service: SignInService) -> None:
    service.add_account(ADMIN, "sanne", "Sanne", [Role.GASTHEER], PASSWORD)
    service.set_roles(ADMIN, "sanne", [Role.REDACTEUR])
    assert service.sign_in("sanne", PASSWORD).roles == frozenset({Role.REDACTEUR})
    service.set_active(ADMIN, "sanne", False)
    with pytest.raises(SignInFailed):
        service.sign_in("sanne", PASSWORD)
    [listed] = service.accounts(ADMIN)
    assert (listed.username, listed.active) == ("sanne", False)


def test_demo_staff_one_per_role_and_idempotent(database: Database, service: SignInService) -> None:
    first = seed_demo_staff(database)
    again = seed_demo_staff(database)
    assert first == again
    accounts = service.accounts(ADMIN)
    assert len(accounts) == len(first)
    assert {role for a in accounts for role in a.roles} == set(Role)
    for username, password in first.items():
        assert service.sign_in(username, password).username == username
    assert not service.sign_in("gastheer", first["gastheer"]).may(Permission.PERSON_READ)
    assert service.sign_in("balie1", first["balie1"]).may(Permission.PERSON_READ)


def test_failures_from_many_desks_at_once_all_count(database: Database, service: SignInService) -> None:
    account = service.add_account(ADMIN, "druk", "Druk", [Role.BALIEMEDEWERKER], PASSWORD)
    assert account.id is not None
    account_id = account.id
    directory = SqlStaffDirectory(database.writer, database.reader)
    start = threading.Barrier(8)

    def fail_twice() -> list[int]:
        start.wait()
        return [directory.record_failure(account_id) for _ in range(2)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = [n for result in pool.map(lambda _: fail_twice(), range(8)) for n in result]
    assert sorted(counts) == list(range(1, 17))  # no lost update, every count seen once
    stored = directory.by_username("druk")
    assert stored is not None and stored.failed_attempts == 16
