"""Saving, forwarding and answering reach every PC as typed events, on SQLite and PostgreSQL.

The watcher is the real one: it reads the change log the store wrote in the same transaction.
The change log is readable by more roles than the contacts, so it carries ids, never text.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.core.clock import FakeClock
from app.core.events import ContactChanged, EventBus, TaskChanged
from app.core.kcc.contact import ContactNotFound, ContactResultaat, Onderwerp, Toewijzing, ToewijzingSoort
from app.core.kcc.contact_service import ContactService
from app.core.kcc.working_days import WorkingCalendar, parse_holidays
from app.core.staff import Actor, Role
from app.store.contact_repository import SqlContactStore
from app.store.database import Database
from app.store.schema import changes
from tests.store.test_watcher import Inbox

SEED = Path(__file__).resolve().parents[2] / "resources" / "seed" / "feestdagen-nl-2025-2030.csv"
CALENDAR = WorkingCalendar.from_holidays(parse_holidays(SEED.read_text(encoding="utf-8")))
AMS = ZoneInfo("Europe/Amsterdam")
ANNA = Actor(7, "anna", "Anna de Balie", frozenset({Role.BALIEMEDEWERKER}))
TEAM = Actor(9, "tl", "Teun Leider", frozenset({Role.TEAMLEIDER}))
BSN = "999993653"  # RvIG test person
QUESTION = "Mevrouw Jansen vraagt of haar paspoort klaar is"


def test_save_forward_and_answer_are_heard_by_the_watcher(database: Database) -> None:
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    service = ContactService(SqlContactStore(database.writer, database.reader), CALENDAR, clock, lambda _uri: None)
    bus = EventBus()
    inbox = Inbox(bus)
    watcher = database.watcher(bus)
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        draft = service.new_contact(ANNA, kanaal="telefoon")
        contact = replace(
            draft,
            onderwerp=Onderwerp(vrije_tekst="Paspoort ophalen"),
            vraag=QUESTION,
            resultaat=ContactResultaat.AFGEHANDELD,
            bsn=BSN,
        )
        saved = service.save(ANNA, contact)
        assert inbox.next(ContactChanged) == ContactChanged(0, saved.id, ANNA.staff_id)

        target = Toewijzing(ToewijzingSoort.AFDELING, "Burgerzaken")
        task = service.forward(ANNA, saved.id, target, "Terugbellen", "Spoed", "06-12345678")
        assert inbox.next(TaskChanged) == TaskChanged(0, task.id, ANNA.staff_id, "te_verwerken")

        # The team lead answers at another PC: the owner's event says verwerkt.
        service.record_answer(TEAM, task.id, "Paspoort ligt klaar.")
        assert inbox.next(TaskChanged) == TaskChanged(0, task.id, ANNA.staff_id, "verwerkt")
    finally:
        watcher.stop()

    with database.reader.connect() as conn:
        payloads = list(conn.execute(select(changes.c.payload)).scalars())
    assert payloads, "the change log holds the rows"
    for payload in payloads:
        assert BSN not in payload and "Jansen" not in payload and "Paspoort" not in payload


def test_a_refused_save_leaves_no_event_behind(database: Database) -> None:
    """The task's contact does not exist: the transaction rolls back, change-log row and all."""
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    store = SqlContactStore(database.writer, database.reader)
    service = ContactService(store, CALENDAR, clock, lambda _uri: None)
    draft = service.new_contact(ANNA)
    contact = replace(draft, onderwerp=Onderwerp(vrije_tekst="x"), resultaat=ContactResultaat.DOORGEZET)
    saved = service.save(ANNA, contact)
    task = replace(
        service.forward(
            ANNA, saved.id, Toewijzing(ToewijzingSoort.AFDELING, "Vergunningen"), "Bellen", "", "06-12345678"
        ),
        id="00000000-0000-4000-8000-000000000000",
        klantcontact_id="00000000-0000-4000-8000-000000000001",
    )
    with database.reader.connect() as conn:
        before = len(conn.execute(select(changes.c.id)).all())
    with pytest.raises(ContactNotFound):
        store.save_task(task)
    with database.reader.connect() as conn:
        assert len(conn.execute(select(changes.c.id)).all()) == before
