"""Code that runs in separate processes for the concurrency and watcher tests (spawned, so
each process has its own connections, as separate PCs would)."""

from __future__ import annotations

from typing import Any

from app.core.clock import SystemClock
from app.core.errors import NothingWaiting
from app.core.queue.model import Outcome
from app.core.queue.service import QueueService
from app.store.database import Database


def serve_until_empty(url: str, desk_id: int, start: Any, results: Any) -> None:
    """Open a desk, then call and finish visitors as fast as possible until nobody waits."""
    db = Database.open(url)
    queue = QueueService(db.queue_store(), SystemClock())
    queue.open_desk(desk_id, f"medewerker {desk_id}")
    served: list[int] = []
    start.wait(30)
    while True:
        try:
            ticket = queue.call_next(desk_id)
        except NothingWaiting:
            break
        queue.finish(desk_id, Outcome.HANDLED)
        served.append(ticket.id or 0)
    results.put((desk_id, served))
    db.dispose()


def issue_many(url: str, service_id: int, count: int, start: Any, results: Any) -> None:
    db = Database.open(url)
    queue = QueueService(db.queue_store(), SystemClock())
    start.wait(30)
    numbers = [queue.issue_ticket(service_id).ticket.number for _ in range(count)]
    results.put(("issued", numbers))
    db.dispose()


def call_once(url: str, desk_id: int) -> None:
    """Another PC's desk presses 'volgende'."""
    db = Database.open(url)
    queue = QueueService(db.queue_store(), SystemClock())
    queue.open_desk(desk_id, "collega")
    queue.call_next(desk_id)
    db.dispose()
