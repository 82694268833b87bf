"""Typed events and the bus that carries them.

Every change to the queue is written to the database's change log in the same transaction;
the store's watcher turns new log rows into these events in every process. Payloads are
dataclasses, never dicts. `EVENT_TYPES` maps the stored name back to its class.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of all events. `location_id` lets a screen ignore other vestigingen."""

    location_id: int

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TicketIssued(Event):
    ticket_id: int
    number: str
    service_id: int
    priority: int


@dataclass(frozen=True)
class TicketCalled(Event):
    """A desk called a ticket (also a recall): the display shows it and chimes."""

    ticket_id: int
    number: str
    service_id: int
    desk_id: int
    desk_name: str
    recall: int
    called_at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class TicketChanged(Event):
    """Any other state change of a ticket (start, hold, transfer, finish, no-show, ...)."""

    ticket_id: int
    number: str
    service_id: int
    state: str
    desk_id: int | None


@dataclass(frozen=True)
class DeskChanged(Event):
    desk_id: int
    is_open: bool


@dataclass(frozen=True)
class ServiceChanged(Event):
    service_id: int
    is_open: bool


@dataclass(frozen=True)
class DayReset(Event):
    business_date: str


@dataclass(frozen=True)
class DatabaseStatusChanged(Event):
    """Published by the watcher when the database goes away or comes back (location_id 0)."""

    online: bool
    detail: str = ""


@dataclass(frozen=True)
class DeviceAlert(Event):
    """A device needs a person: e.g. the kiosk's ticket printer is out of paper. The host mode
    shows it; the ticket that met the problem was issued all the same (shown on screen)."""

    device: str  # "ticket_printer"
    code: str  # the PrinterError's stable code, e.g. "printer.paper_out"
    ticket_number: str
    raised_at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class ContactChanged(Event):
    """A klantcontact was saved (location_id 0: contacts follow the clerk, not a vestiging).
    Only ids: the change log is readable by more roles than the contacts themselves."""

    contact_id: str
    staff_id: int | None


@dataclass(frozen=True)
class TaskChanged(Event):
    """A forwarded question (interne taak) was created or answered (location_id 0)."""

    task_id: str
    owner_staff_id: int | None  # who forwarded it: the KCC owner whose list shows it
    status: str  # te_verwerken | verwerkt


@dataclass(frozen=True)
class KnowledgeChanged(Event):
    """A redacteur saved a knowledge-base article (location_id 0); open desks reload it."""

    uri: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        TicketIssued,
        TicketCalled,
        TicketChanged,
        DeskChanged,
        ServiceChanged,
        DayReset,
        DatabaseStatusChanged,
        DeviceAlert,
        ContactChanged,
        TaskChanged,
        KnowledgeChanged,
    )
}


def event_from_payload(kind: str, payload: dict[str, Any]) -> Event | None:
    """Rebuild an event from the change log; unknown kinds (a newer version wrote them) are skipped."""
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        log.warning("onbekend event-type %s overgeslagen", kind)
        return None
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in payload.items() if k in names})


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


class EventBus:
    """In-process publish/subscribe. Handlers run on the publishing thread; the Qt bridge
    moves them to the UI thread. A failing handler is logged and does not stop the others."""

    def __init__(self) -> None:
        self._handlers: list[tuple[type[Event], Handler]] = []
        self._lock = threading.Lock()

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        entry = (event_type, handler)
        with self._lock:
            self._handlers.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._handlers:
                    self._handlers.remove(entry)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            handlers = [h for t, h in self._handlers if isinstance(event, t)]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("event handler faalde voor %s", type(event).__name__)
