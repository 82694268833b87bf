"""`export_klantcontacten` on SQLite and PostgreSQL: the period's contacts, valid against the schema."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.core.clock import FakeClock
from app.core.kcc.contact import ContactInvalid, ContactResultaat, Onderwerp, Toewijzing, ToewijzingSoort
from app.core.kcc.contact_service import ContactService
from app.store.contact_export import export_klantcontacten
from app.store.contact_repository import SqlContactStore
from app.store.database import Database
from tests.unit.test_klantinteracties_schema import ANNA, BSN, CALENDAR, PASPOORT, schema_errors

AMS = ZoneInfo("Europe/Amsterdam")


def register(database: Database, moments: list[datetime]) -> list[str]:
    clock = FakeClock(moments[0])
    service = ContactService(SqlContactStore(database.writer, database.reader), CALENDAR, clock, {PASPOORT: 5}.get)
    ids = []
    for moment in moments:
        clock.set(moment)
        contact = service.save(
            ANNA,
            replace(
                service.new_contact(ANNA),
                onderwerp=Onderwerp(PASPOORT, "Paspoort aanvragen"),
                vraag="Hoe lang duurt het?",
                resultaat=ContactResultaat.AFGEHANDELD,
                bsn=BSN,
            ),
        )
        service.forward(
            ANNA, contact.id, Toewijzing(ToewijzingSoort.AFDELING, "Burgerzaken"), "Terugbellen", "", "06-12345678"
        )
        ids.append(contact.id)
    return ids


def test_export_of_a_period_is_valid_and_complete(database: Database) -> None:
    # Local days: 23:30 on 2 March (22:30 UTC) is inside, 23:59 on 28 Feb and 00:30 on 3 March are not.
    moments = [
        datetime(2026, 2, 28, 23, 59, tzinfo=AMS),
        datetime(2026, 3, 1, 0, 0, tzinfo=AMS),
        datetime(2026, 3, 2, 23, 30, tzinfo=AMS),
        datetime(2026, 3, 3, 0, 30, tzinfo=AMS),
    ]
    ids = register(database, moments)
    export = json.loads(json.dumps(export_klantcontacten(database, date(2026, 3, 1), date(2026, 3, 2))))
    assert schema_errors(export) == []
    assert [c["uuid"] for c in export["klantcontacten"]] == ids[1:3]
    assert len(export["internetaken"]) == 2
    assert len(export["partijen"]) == 1  # one citizen, two contacts
    assert export["loket"]["periode"] == {"van": "2026-03-01", "tot_en_met": "2026-03-02"}
    # Sun 1 March counts as Mon 2 March; + passport norm 5 -> Mon 9 March.
    deadlines = sorted(t["deadline"] for t in export["loket"]["internetaken"].values())
    assert deadlines == ["2026-03-09", "2026-03-10"]  # Mon 2 March 23:30 is after closing: from Tue 3


def test_empty_period_exports_empty_lists(database: Database) -> None:
    export = export_klantcontacten(database, date(2026, 1, 1), date(2026, 1, 31))
    assert export["klantcontacten"] == [] and export["internetaken"] == []
    assert schema_errors(export) == []


def test_reversed_period_is_a_typed_error(database: Database) -> None:
    with pytest.raises(ContactInvalid) as caught:
        export_klantcontacten(database, date(2026, 3, 2), date(2026, 3, 1))
    assert caught.value.field == "periode"
