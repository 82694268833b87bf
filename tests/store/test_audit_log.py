"""The audit log in the database: every lookup written before data is shown, who/when/BSN/why."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from app.core.audit import AuditOutcome, AuditTrail, AuditWriteFailed
from app.core.clock import FakeClock
from app.core.kcc.brp_local import load_persons
from app.core.kcc.persons import LocalPersonRegistry, PersonLookup
from app.core.staff import Actor, PermissionDenied, Role
from app.store.audit_repository import SqlAuditLog
from app.store.database import Database
from tests.unit.brp_fixture import summary_rows, summary_text

ROWS = {row["pl_id"]: row for row in summary_rows()}
REGISTRY = LocalPersonRegistry(load_persons(summary_text()))
START = datetime(2026, 11, 23, 13, 5, 7, tzinfo=UTC)
CLERK = Actor(staff_id=3, username="balie1", display_name="Anna", roles=frozenset({Role.BALIEMEDEWERKER}))
HOST = Actor(staff_id=4, username="gastheer", display_name="Sanne", roles=frozenset({Role.GASTHEER}))
LEAD = Actor(staff_id=5, username="teamleider", display_name="Fatma", roles=frozenset({Role.TEAMLEIDER}))


def test_lookups_are_stored_with_who_when_which_and_why(database: Database) -> None:
    clock = FakeClock(START)
    audit = SqlAuditLog(database.writer, database.reader)
    lookup = PersonLookup(REGISTRY, audit, clock)
    moulin = ROWS["Lg01_716"]
    lookup.by_bsn(CLERK, moulin["burgerservicenummer"], "paspoort aanvragen")
    clock.advance(60)
    with pytest.raises(PermissionDenied):
        lookup.by_bsn(HOST, moulin["burgerservicenummer"], "nieuwsgierig")
    clock.advance(60)
    found = lookup.search(CLERK, "Meijden", date(1959, 4, 17), "verhuizing")

    trail = AuditTrail(audit)
    everything = trail.entries(LEAD, START, START + timedelta(hours=1))
    assert [(e.username, e.action, e.outcome) for e in everything] == [
        ("balie1", "person.lookup_bsn", AuditOutcome.FOUND),
        ("gastheer", "person.lookup_bsn", AuditOutcome.DENIED),
        ("balie1", "person.search", AuditOutcome.FOUND),
    ]
    first = everything[0]
    assert first.at == START and first.staff_id == 3
    assert first.subject == moulin["burgerservicenummer"] and first.reason == "paspoort aanvragen"
    # Who saw this BSN: the lookup and the refused attempt.
    about_moulin = trail.entries(LEAD, START, START + timedelta(hours=1), subject=moulin["burgerservicenummer"])
    assert [e.outcome for e in about_moulin] == [AuditOutcome.FOUND, AuditOutcome.DENIED]
    some_bsn = found[-1].burgerservicenummer
    assert some_bsn is not None
    [search] = trail.entries(LEAD, START, START + timedelta(hours=1), subject=some_bsn)
    assert search.action == "person.search"
    assert trail.entries(LEAD, START + timedelta(seconds=1), START + timedelta(seconds=60)) == []


def test_no_person_data_when_the_audit_table_cannot_be_written(database: Database) -> None:
    with database.writer.begin() as conn:
        conn.execute(text("DROP TABLE audit_log"))
    lookup = PersonLookup(REGISTRY, SqlAuditLog(database.writer, database.reader), FakeClock(START))
    with pytest.raises(AuditWriteFailed) as failed:
        lookup.by_bsn(CLERK, ROWS["Lg01_716"]["burgerservicenummer"], "paspoort")
    assert ROWS["Lg01_716"]["burgerservicenummer"] not in str(failed.value)
