"""A redacteur's edit reaches every open desk as a KnowledgeChanged event (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.core.clock import FakeClock
from app.core.events import EventBus, KnowledgeChanged
from app.core.kcc.knowledge import KnowledgeService, Product
from app.core.staff import Actor, Role
from app.store.database import Database
from app.store.knowledge_repository import SqlKnowledgeStore
from app.store.schema import changes
from tests.store.test_watcher import Inbox

PASPOORT = "http://standaarden.overheid.nl/owms/terms/paspoort"
EDITOR = Actor(2, "redactie", "Ruud", frozenset({Role.REDACTEUR}))


def test_an_edit_is_heard_by_the_watcher_and_the_seed_is_not(database: Database) -> None:
    store = SqlKnowledgeStore(database.writer, database.reader)
    store.save_many([Product(PASPOORT, "Paspoort", samenvatting="Oud.")])  # like the seed: quiet
    with database.reader.connect() as conn:
        assert conn.execute(select(func.count()).select_from(changes)).scalar_one() == 0
    service = KnowledgeService(store, FakeClock(datetime(2026, 11, 23, 9, tzinfo=UTC)))
    bus = EventBus()
    inbox = Inbox(bus)
    watcher = database.watcher(bus)
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        article = service.get(EDITOR, PASPOORT)
        service.update(EDITOR, dataclasses.replace(article, samenvatting="Nieuw, in B1."))
        assert inbox.next(KnowledgeChanged) == KnowledgeChanged(0, PASPOORT)
    finally:
        watcher.stop()
    assert service.get(EDITOR, PASPOORT).samenvatting == "Nieuw, in B1."
