"""A desk in another process calls a ticket; this process hears of it through its watcher."""

from __future__ import annotations

import multiprocessing
import queue as stdlib_queue
import threading

import pytest
from sqlalchemy import text

from app.core.clock import SystemClock
from app.core.events import DatabaseStatusChanged, Event, EventBus, TicketCalled, TicketIssued
from app.core.queue.service import QueueService
from app.store.database import Database
from app.store.seed import seed_demo
from tests.store.desk_worker import call_once


class Inbox:
    """Collects events from the watcher thread; tests wait on it, never sleep."""

    def __init__(self, bus: EventBus) -> None:
        self._items: stdlib_queue.Queue[Event] = stdlib_queue.Queue()
        bus.subscribe(Event, self._items.put)

    def next(self, kind: type[Event], timeout: float = 20.0) -> Event:
        while True:
            event = self._items.get(timeout=timeout)
            if isinstance(event, kind):
                return event


def test_call_in_other_process_reaches_this_watcher(database: Database, database_url: str) -> None:
    hall = seed_demo(database)
    queue = QueueService(database.queue_store(), SystemClock())
    issued = queue.issue_ticket(hall.service_ids["REISDOC"]).ticket

    bus = EventBus()
    inbox = Inbox(bus)
    watcher = database.watcher(bus)
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        process = multiprocessing.get_context("spawn").Process(
            target=call_once, args=(database_url, hall.desk_ids["Balie 1"])
        )
        process.start()
        process.join(60)
        assert process.exitcode == 0
        called = inbox.next(TicketCalled)
        assert isinstance(called, TicketCalled)
        assert (called.number, called.desk_name, called.ticket_id) == (issued.number, "Balie 1", issued.id)

        queue.issue_ticket(hall.service_ids["AFHALEN"])  # this process's own change arrives too
        own = inbox.next(TicketIssued)
        assert isinstance(own, TicketIssued) and own.number == "D001"
    finally:
        watcher.stop()


@pytest.mark.postgres
def test_watcher_reports_lost_connection_and_recovers(pg_url: str) -> None:
    from tests.store.conftest import fresh_database

    database = fresh_database(pg_url)
    hall = seed_demo(database)
    bus = EventBus()
    inbox = Inbox(bus)
    watcher = database.watcher(bus)
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        # The server drops the watcher's connection, as when the database restarts.
        with database.writer.begin() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'loket-watcher' AND datname = current_database()"
                )
            )
        offline = inbox.next(DatabaseStatusChanged)
        assert isinstance(offline, DatabaseStatusChanged) and offline.online is False
        online = inbox.next(DatabaseStatusChanged)
        assert isinstance(online, DatabaseStatusChanged) and online.online is True
        # Nothing confirmed is lost: a ticket issued after the return still arrives.
        QueueService(database.queue_store(), SystemClock()).issue_ticket(hall.service_ids["REISDOC"])
        assert isinstance(inbox.next(TicketIssued), TicketIssued)
    finally:
        watcher.stop()
        database.dispose()


def test_watcher_stops_promptly(database: Database) -> None:
    watcher = database.watcher(EventBus())
    watcher.start()
    assert watcher.ready.wait(10)
    stopper = threading.Thread(target=watcher.stop)
    stopper.start()
    stopper.join(5)
    assert not stopper.is_alive()
