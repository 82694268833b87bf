"""Citizen lookup at the desk: rights, reasons, the audit trail, and what the screen must show.

Expected names, dates and documents come from the RvIG test-person rows in the CSV fixture.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.audit import AuditEntry, AuditOutcome, AuditTrail, AuditWriteFailed, InMemoryAuditLog, ReasonRequired
from app.core.clock import FakeClock
from app.core.kcc.brp_local import load_persons
from app.core.kcc.bsn import passes_elfproef
from app.core.kcc.errors import BsnInvalid
from app.core.kcc.persons import (
    GEHEIMHOUDING_WARNING,
    LocalPersonRegistry,
    PersonAmbiguous,
    PersonLookup,
    PersonNotFound,
    SearchInvalid,
    expiring_documents,
    months_between,
    person_warnings,
)
from app.core.staff import Actor, NotSignedIn, PermissionDenied, Role
from tests.unit.brp_fixture import summary_rows, summary_text

ROWS = {row["pl_id"]: row for row in summary_rows()}
REGISTRY = LocalPersonRegistry(load_persons(summary_text()))
START = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
FOREVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def actor(role: Role, username: str = "medewerker", staff_id: int = 7) -> Actor:
    return Actor(staff_id=staff_id, username=username, display_name=username, roles=frozenset({role}))


CLERK = actor(Role.BALIEMEDEWERKER, "anna", 7)


@pytest.fixture
def audit() -> InMemoryAuditLog:
    return InMemoryAuditLog()


@pytest.fixture
def lookup(audit: InMemoryAuditLog) -> PersonLookup:
    return PersonLookup(REGISTRY, audit, FakeClock(START))


def entries(audit: InMemoryAuditLog) -> list[AuditEntry]:
    return audit.entries_between(*FOREVER)


def test_lookup_by_bsn_is_audited_with_who_when_which_and_why(lookup: PersonLookup, audit: InMemoryAuditLog) -> None:
    row = ROWS["Lg01_716"]
    moulin = lookup.by_bsn(CLERK, row["burgerservicenummer"], "paspoort aanvragen")
    assert moulin.naam.voornamen == row["voornamen"]
    assert moulin.naam.geslachtsnaam == row["geslachtsnaam"]
    assert moulin.verblijfplaats is not None and moulin.verblijfplaats.straat == row["straat"]
    [entry] = entries(audit)
    assert (entry.staff_id, entry.username, entry.at) == (7, "anna", START)
    assert entry.action == "person.lookup_bsn"
    assert entry.subject == row["burgerservicenummer"]
    assert entry.reason == "paspoort aanvragen"
    assert entry.outcome is AuditOutcome.FOUND
    assert row["burgerservicenummer"] not in repr(entry)


@pytest.mark.parametrize("role", [Role.GASTHEER, Role.REDACTEUR, Role.BEHEERDER])
def test_role_without_person_read_gets_no_person_and_is_audited(
    lookup: PersonLookup, audit: InMemoryAuditLog, role: Role
) -> None:
    bsn = ROWS["Lg01_716"]["burgerservicenummer"]
    who = actor(role, "zonder.recht", 9)
    with pytest.raises(PermissionDenied) as denied:
        lookup.by_bsn(who, bsn, "even kijken")
    assert bsn not in str(denied.value)
    with pytest.raises(PermissionDenied):
        lookup.search(who, ROWS["Lg01_716"]["geslachtsnaam"], date(1985, 12, 1), "even kijken")
    first, second = entries(audit)
    assert (first.username, first.subject, first.outcome) == ("zonder.recht", bsn, AuditOutcome.DENIED)
    assert (second.action, second.outcome) == ("person.search", AuditOutcome.DENIED)


def test_not_signed_in_is_refused_and_audited(lookup: PersonLookup, audit: InMemoryAuditLog) -> None:
    with pytest.raises(NotSignedIn):
        lookup.by_bsn(None, ROWS["Lg01_716"]["burgerservicenummer"], "")
    [entry] = entries(audit)
    assert entry.outcome is AuditOutcome.DENIED and entry.staff_id is None


def test_reason_is_required(lookup: PersonLookup, audit: InMemoryAuditLog) -> None:
    with pytest.raises(ReasonRequired):
        lookup.by_bsn(CLERK, ROWS["Lg01_716"]["burgerservicenummer"], "   ")
    assert entries(audit) == []


def test_invalid_bsn_is_refused_before_the_registry(lookup: PersonLookup, audit: InMemoryAuditLog) -> None:
    with pytest.raises(BsnInvalid):
        lookup.by_bsn(CLERK, "123456789", "paspoort")
    assert entries(audit) == []


def test_unknown_bsn_is_audited_as_not_found(lookup: PersonLookup, audit: InMemoryAuditLog) -> None:
    known = {row["burgerservicenummer"] for row in ROWS.values()}
    unknown = next(
        f"{n:09d}" for n in range(100000000, 100100000) if passes_elfproef(f"{n:09d}") and f"{n:09d}" not in known
    )
    with pytest.raises(PersonNotFound) as missing:
        lookup.by_bsn(CLERK, unknown, "adreswijziging")
    assert unknown not in str(missing.value)
    [entry] = entries(audit)
    assert (entry.subject, entry.outcome) == (unknown, AuditOutcome.NOT_FOUND)


def test_a_bsn_with_two_person_lists_is_not_guessed(lookup: PersonLookup) -> None:
    counts: dict[str, int] = {}
    for row in ROWS.values():
        counts[row["burgerservicenummer"]] = counts.get(row["burgerservicenummer"], 0) + 1
    double = next(bsn for bsn, n in counts.items() if bsn and n > 1)
    with pytest.raises(PersonAmbiguous):
        lookup.by_bsn(CLERK, double, "paspoort")


class BrokenAuditLog(InMemoryAuditLog):
    def record(self, entry: AuditEntry) -> None:
        raise OSError("disk full")


def test_no_person_data_when_the_audit_cannot_be_written() -> None:
    lookup = PersonLookup(REGISTRY, BrokenAuditLog(), FakeClock(START))
    with pytest.raises(AuditWriteFailed) as failed:
        lookup.by_bsn(CLERK, ROWS["Lg01_716"]["burgerservicenummer"], "paspoort")
    assert "geen gegevens" in failed.value.message
    with pytest.raises(AuditWriteFailed):
        lookup.search(CLERK, "Moulin", date(1985, 12, 1), "paspoort")


def test_search_by_surname_and_birth_date_leaves_out_the_deceased(
    lookup: PersonLookup, audit: InMemoryAuditLog
) -> None:
    # Three "Meijden" rows born 1959-04-17 in the RvIG set, one of them deceased.
    rows = [r for r in ROWS.values() if r["geslachtsnaam"] == "Meijden" and r["geboortedatum"] == "1959-04-17"]
    living = {r["burgerservicenummer"] for r in rows if not r["datum_overlijden"]}
    assert len(rows) > len(living) >= 1
    found = lookup.search(CLERK, "meijden", date(1959, 4, 17), "adreswijziging")
    assert {p.burgerservicenummer for p in found} == living
    everyone = lookup.search(CLERK, "MEIJ*", date(1959, 4, 17), "adreswijziging", include_deceased=True)
    assert {p.burgerservicenummer for p in everyone} == {r["burgerservicenummer"] for r in rows}
    assert lookup.search(CLERK, "van der Meijden", date(1959, 4, 17), "adreswijziging")
    first = entries(audit)[0]
    assert first.action == "person.search"
    assert set(first.subject.split(",")) == living


@pytest.mark.parametrize("pattern", ["", "me*", "*eijden", "Me*ijden"])
def test_bad_search_patterns_are_refused(lookup: PersonLookup, pattern: str) -> None:
    with pytest.raises(SearchInvalid):
        lookup.search(CLERK, pattern, date(1959, 4, 17), "adreswijziging")


def test_secrecy_and_death_are_shown_as_warnings(lookup: PersonLookup) -> None:
    secret = next(r for r in ROWS.values() if r["indicatie_geheim"] != "0" and not r["datum_overlijden"])
    person = lookup.by_bsn(CLERK, secret["burgerservicenummer"], "uittreksel")
    assert GEHEIMHOUDING_WARNING in person_warnings(person)
    assert GEHEIMHOUDING_WARNING == "Geheimhouding: geen gegevens aan derden verstrekken."
    dead = ROWS["Lg01_669"]  # Buidel, died 2018-05-26
    person = lookup.by_bsn(CLERK, dead["burgerservicenummer"], "aangifte overlijden nagaan")
    assert person.is_overleden
    assert person_warnings(person) == [f"Deze persoon is overleden (datum van overlijden: {dead['datum_overlijden']})."]
    ordinary = lookup.by_bsn(CLERK, ROWS["Lg01_716"]["burgerservicenummer"], "paspoort")
    assert person_warnings(ordinary) == []


def test_passport_expiring_in_five_months() -> None:
    row = ROWS["Lg01_457"]  # one passport, PN, valid until 2024-09-30
    soort, _, _, end_text = row["reisdocumenten"].split(":")
    end = date.fromisoformat(end_text)
    person = REGISTRY.by_bsn(row["burgerservicenummer"])
    assert person is not None and soort == "PN"
    today = date(2024, 4, 30)
    [notice] = expiring_documents(person, today)
    assert notice.text == "Uw paspoort verloopt over 5 maanden."
    assert notice.einde == end and not notice.expired
    assert expiring_documents(person, date(2024, 3, 29)) == []  # six months ahead: not yet
    assert expiring_documents(person, end - timedelta(days=3))[0].text == "Uw paspoort verloopt over 3 dagen."
    [expired] = expiring_documents(person, date(2026, 11, 23))
    assert expired.expired and expired.text == "Uw paspoort is verlopen op 30-9-2024."


def test_surrendered_documents_and_valid_successors_are_not_mentioned() -> None:
    # Lg01_716-like rows: a valid PN and NI until 2030 plus older ones marked I (ingehouden).
    row = next(r for r in ROWS.values() if r["reisdocumenten"].startswith("PN:NTLBCL731"))
    person = REGISTRY.by_bsn(row["burgerservicenummer"])
    assert person is not None
    assert expiring_documents(person, date(2026, 11, 23)) == []
    texts = {n.text for n in expiring_documents(person, date(2030, 9, 1))}
    assert texts == {"Uw paspoort verloopt over 3 maanden.", "Uw identiteitskaart verloopt over 3 maanden."}


def test_months_between() -> None:
    assert months_between(date(2024, 4, 30), date(2024, 9, 30)) == 5
    assert months_between(date(2024, 5, 1), date(2024, 9, 30)) == 4
    assert months_between(date(2024, 1, 31), date(2024, 2, 29)) == 0
    assert months_between(date(2026, 11, 23), date(2024, 9, 30)) == -25


def test_audit_trail_needs_audit_read(lookup: PersonLookup, audit: InMemoryAuditLog) -> None:
    lookup.by_bsn(CLERK, ROWS["Lg01_716"]["burgerservicenummer"], "paspoort")
    trail = AuditTrail(audit)
    with pytest.raises(PermissionDenied):
        trail.entries(CLERK, *FOREVER)
    lead = actor(Role.TEAMLEIDER, "lead", 2)
    assert [e.username for e in trail.entries(lead, *FOREVER, username="anna")] == ["anna"]
    assert trail.entries(lead, START + timedelta(seconds=1), FOREVER[1]) == []
