"""A redacteur's edit reaches every open desk as a KnowledgeChanged event (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.core.clock import FakeClock
from app.core.events import EventBus, KnowledgeChanged
from app.core.kcc.knowledge import ArticleNotSaved, KnowledgeService, Product
from app.core.staff import Actor, Role
from app.store.database import Database
from app.store.db_roles import create_mode_roles, login_role
from app.store.knowledge_repository import SqlKnowledgeStore
from app.store.schema import changes
from app.store.seed import seed_demo
from tests.store.conftest import fresh_database
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


@pytest.mark.postgres
def test_a_workstation_whose_database_role_may_only_read_gets_a_clear_refusal(pg_url: str) -> None:
    """The kiosk's role reads the knowledge base but may not write it: a typed error, no SQL."""
    owner = fresh_database(pg_url)
    kiosk: Database | None = None
    try:
        seed_demo(owner)
        SqlKnowledgeStore(owner.writer, owner.reader).save_many([Product(PASPOORT, "Paspoort", samenvatting="Oud.")])
        create_mode_roles(owner.writer)
        url = make_url(pg_url).set(username=login_role("kiosk")).render_as_string(hide_password=False)
        kiosk = Database.open(url)
        service = KnowledgeService(SqlKnowledgeStore(kiosk.writer, kiosk.reader), FakeClock(datetime.now(UTC)))
        article = service.get(EDITOR, PASPOORT)
        with pytest.raises(ArticleNotSaved) as refused:
            service.update(EDITOR, dataclasses.replace(article, samenvatting="Nieuw."))
        assert refused.value.code == "kcc.article_not_saved"
        assert "INSERT" not in refused.value.message and "UPDATE" not in refused.value.message
        assert service.get(EDITOR, PASPOORT).samenvatting == "Oud."
    finally:
        if kiosk is not None:
            kiosk.dispose()
        owner.dispose()
