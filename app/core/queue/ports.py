"""What the queue needs from outside, as Protocols. The store and hardware implement them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from app.core.events import Event
from app.core.queue.model import Desk, Location, Priority, Service, Ticket
from app.core.queue.rules import RecentCall


@dataclass(frozen=True)
class ServiceTime:
    """One finished service period (serving + on hold), for the waiting-time estimate."""

    service_id: int
    desk_id: int
    started_at: datetime
    minutes: float


@dataclass(frozen=True)
class Arrival:
    """A ticket taken earlier: the recent pace per dienst and priority, for the estimate."""

    service_id: int
    priority: Priority
    issued_at: datetime


class QueueTransaction(Protocol):
    """One database transaction. Writes are atomic with the events recorded in it."""

    def location(self, location_id: int) -> Location: ...
    def services(self, location_id: int) -> list[Service]: ...
    def service(self, service_id: int) -> Service: ...
    def desks(self, location_id: int) -> list[Desk]: ...
    def desk(self, desk_id: int) -> Desk: ...
    def ticket(self, ticket_id: int) -> Ticket: ...
    def ticket_at_desk(self, desk_id: int) -> Ticket | None: ...
    def tickets_at_desks(self, location_id: int) -> list[Ticket]:
        """Tickets called, being served or on hold at any desk of the location."""
        ...

    def waiting(self, location_id: int, business_day: date) -> list[Ticket]:
        """All waiting tickets of the day, without locks (for display and estimates)."""
        ...

    def claim_candidates(self, desk: Desk, business_day: date, exclude: Collection[int] = ()) -> list[Ticket]:
        """Waiting tickets this desk could call, not locked: the rule picks one, then locks it.
        May return only the first few of each queue group (service, priority level, front,
        desk target) in waiting order, since the rule only ever takes a group's first.
        The tickets carry no periods: they are for choosing, not for saving."""
        ...

    def lock_first_waiting(self, ticket_ids: Sequence[int]) -> Ticket | None:
        """Lock and return the first ticket of `ticket_ids` (in that order) that still waits and
        that no other desk holds right now; None when all are gone (PostgreSQL SKIP LOCKED; on
        SQLite the transaction already holds the write lock)."""
        ...

    def unfinished_before(self, location_id: int, business_day: date) -> list[Ticket]:
        """Tickets of days before `business_day` that never reached a final state."""
        ...

    def arrivals(self, location_id: int, since: datetime) -> list[Arrival]:
        """Tickets taken at or after `since`, whatever became of them: the recent pace of visitors."""
        ...

    def recent_calls(self, location_id: int, since: datetime, limit: int = 20) -> list[RecentCall]:
        """Calls since `since` (the start of the business day), newest first."""
        ...

    def service_times(self, location_id: int, since: datetime) -> list[ServiceTime]: ...
    def tickets_of_day(self, location_id: int, business_day: date) -> list[Ticket]: ...

    def next_sequence(self, location_id: int, business_day: date, prefix: str) -> int:
        """Atomically increment and return the day's counter for this prefix."""
        ...

    def add_ticket(self, ticket: Ticket) -> Ticket: ...
    def save_ticket(self, ticket: Ticket) -> None: ...
    def set_desk(self, desk: Desk) -> None: ...
    def set_service_open(self, service_id: int, is_open: bool) -> None: ...
    def record(self, event: Event) -> None:
        """Append to the change log (and NOTIFY), committed with the rest."""
        ...


class QueueStore(Protocol):
    def transaction(self) -> AbstractContextManager[QueueTransaction]:
        """A write transaction: SQLite BEGIN IMMEDIATE, PostgreSQL READ COMMITTED."""
        ...

    def reading(self) -> AbstractContextManager[QueueTransaction]:
        """A read-only transaction; must not write (screens and estimates)."""
        ...


@dataclass(frozen=True)
class TicketPrint:
    """What goes on a paper ticket. No personal data, ever."""

    number: str
    service_name_nl: str
    service_name_en: str
    location_name: str
    issued_at: datetime
    people_ahead: int
    wait_band: tuple[int, int]
    token: str


class TicketPrinter(Protocol):
    def print_ticket(self, ticket: TicketPrint) -> None: ...


class EventPublisher(Protocol):
    def publish(self, event: Event) -> None: ...
