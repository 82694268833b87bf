"""Klantcontacten and interne taken on SQLite and PostgreSQL, through the real ContactService."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.core.clock import FakeClock
from app.core.kcc.contact import (
    ContactNotFound,
    ContactResultaat,
    Klantcontact,
    Medewerker,
    Onderwerp,
    TaakStatus,
    TaskNotFound,
    Toewijzing,
    ToewijzingSoort,
)
from app.core.kcc.contact_service import ContactService
from app.core.kcc.working_days import WorkingCalendar, parse_holidays
from app.core.staff import Actor, Role
from app.store.contact_repository import ContactConflict, SqlContactStore
from app.store.contact_tables import klantcontacten
from app.store.database import Database

SEED = Path(__file__).resolve().parents[2] / "resources" / "seed" / "feestdagen-nl-2025-2030.csv"
CALENDAR = WorkingCalendar.from_holidays(parse_holidays(SEED.read_text(encoding="utf-8")))
AMS = ZoneInfo("Europe/Amsterdam")
ANNA = Actor(1, "anna", "Anna de Balie", frozenset({Role.BALIEMEDEWERKER}))
TEAM = Actor(3, "tl", "Teun Leider", frozenset({Role.TEAMLEIDER}))
BSN = "999993653"  # RvIG test person
PASPOORT = "http://standaarden.overheid.nl/owms/terms/paspoort"


def service_on(database: Database, clock: FakeClock) -> ContactService:
    store = SqlContactStore(database.writer, database.reader)
    return ContactService(store, CALENDAR, clock, {PASPOORT: 5}.get)


def full_contact(service: ContactService) -> Klantcontact:
    draft = service.new_contact(ANNA, kanaal="telefoon", ticket_id=42, afdeling="KCC")
    return replace(
        draft,
        onderwerp=Onderwerp(PASPOORT, "Paspoort aanvragen", "spoed?"),
        vraag="Kan ik morgen een paspoort hebben? Ëën vraag met accenten.",
        antwoord="Met spoed de volgende werkdag.",
        resultaat=ContactResultaat.AFGEHANDELD,
        taal="eng",
        vertrouwelijk=True,
        bsn=BSN,
        kennisartikel_uri="urn:loket:kennis:PASPOORT",
    )


def test_contact_round_trip(database: Database) -> None:
    clock = FakeClock(datetime(2026, 4, 24, 10, 30, tzinfo=AMS))
    service = service_on(database, clock)
    contact = full_contact(service)
    clock.advance(timedelta(minutes=3))
    saved = service.save(ANNA, contact)
    loaded = service.get(ANNA, saved.id)
    assert loaded == saved
    assert loaded.bsn == BSN
    assert loaded.gestart_op == datetime(2026, 4, 24, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert loaded.beeindigd_op == loaded.gestart_op + timedelta(minutes=3)
    assert loaded.nummer is not None and loaded.nummer >= 1


def test_save_again_updates_instead_of_duplicating(database: Database) -> None:
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    service = service_on(database, clock)
    first = service.save(ANNA, full_contact(service))
    again = service.save(ANNA, replace(first, antwoord="Toch niet."))
    assert again.nummer == first.nummer
    with database.reader.connect() as conn:
        assert conn.execute(select(klantcontacten.c.antwoord)).scalars().all() == ["Toch niet."]


def test_forward_and_answer_round_trip(database: Database) -> None:
    # Fri 24 April 2026 + passport norm 5: Mon 27 is Koningsdag -> 28, 29, 30 Apr, 1 May, Mon 4 May.
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    service = service_on(database, clock)
    saved = service.save(ANNA, full_contact(service))
    afdeling = Toewijzing(ToewijzingSoort.AFDELING, "Burgerzaken")
    task = service.forward(ANNA, saved.id, afdeling, "Terugbellen", "Spoed gevraagd", "06-12345678")
    assert task.deadline == date(2026, 5, 4)
    store = SqlContactStore(database.writer, database.reader)
    assert store.get_task(task.id) == task
    assert store.get_contact(saved.id).resultaat is ContactResultaat.DOORGEZET
    assert [r.task.id for r in service.forwarded_by_me(ANNA)] == [task.id]
    assert [r.task.id for r in service.open_tasks(TEAM, "Burgerzaken")] == [task.id]
    assert service.open_tasks(TEAM, "Vergunningen") == []
    clock.set(datetime(2026, 5, 5, 9, tzinfo=AMS))  # Bevrijdingsdag, after the deadline
    [row] = service.forwarded_by_me(ANNA)
    assert row.te_laat is True
    done = service.record_answer(TEAM, task.id, "Afgehandeld door burgerzaken.")
    assert store.get_task(task.id) == done
    assert done.status is TaakStatus.VERWERKT
    assert store.get_contact(saved.id).terugkoppeling == "Afgehandeld door burgerzaken."
    assert store.tasks_for_contacts([saved.id]) == [done]
    assert service.open_tasks(TEAM) == []


def test_contacts_between_uses_the_half_open_range(database: Database) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 23, 59, tzinfo=AMS))
    service = service_on(database, clock)
    late = service.save(ANNA, full_contact(service))
    clock.set(datetime(2026, 3, 3, 0, 0, tzinfo=AMS))
    next_day = service.save(ANNA, full_contact(service))
    day2 = (datetime(2026, 3, 2, tzinfo=AMS), datetime(2026, 3, 3, tzinfo=AMS))
    assert [c.id for c in service.contacts_between(TEAM, *day2)] == [late.id]
    day3 = (datetime(2026, 3, 3, tzinfo=AMS), datetime(2026, 3, 4, tzinfo=AMS))
    assert [c.id for c in service.contacts_between(ANNA, *day3)] == [next_day.id]


def test_unknown_ids_give_typed_errors(database: Database) -> None:
    store = SqlContactStore(database.writer, database.reader)
    with pytest.raises(ContactNotFound):
        store.get_contact("00000000-0000-0000-0000-000000000001")
    with pytest.raises(TaskNotFound):
        store.get_task("00000000-0000-0000-0000-000000000001")


def test_bsn_not_logged_while_saving(database: Database, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    service = service_on(database, clock)
    saved = service.save(ANNA, full_contact(service))
    service.forward(ANNA, saved.id, Toewijzing(ToewijzingSoort.GROEP, "Team WMO"), "Bellen", "", "06-12345678")
    assert BSN not in caplog.text
    assert "06-12345678" not in caplog.text


def test_database_refusal_is_typed_and_carries_no_bsn(database: Database) -> None:
    # A row the database refuses (NOT NULL), saved past the service's validation: the error must
    # not carry SQLAlchemy's parameter list, which holds the BSN.
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    service = service_on(database, clock)
    contact = replace(full_contact(service), medewerker=Medewerker(1, "anna", None))  # type: ignore[arg-type]
    store = SqlContactStore(database.writer, database.reader)
    with pytest.raises(ContactConflict) as caught:
        store.save_contact(contact)
    error = caught.value
    assert BSN not in str(error) and BSN not in repr(error) and BSN not in repr(error.details)
    assert error.__cause__ is None and error.__suppress_context__
    with pytest.raises(ContactNotFound):
        store.get_contact(contact.id)


def test_migration_0006_downgrades_and_upgrades_again(database: Database) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from app.store.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.writer.connect() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
        conn.commit()
        tables = set(inspect(conn).get_table_names())
    assert not {"klantcontacten", "interne_taken"} & tables
    database.upgrade()
    with database.reader.connect() as conn:
        assert {"klantcontacten", "interne_taken"} <= set(inspect(conn).get_table_names())
