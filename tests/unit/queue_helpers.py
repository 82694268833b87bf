"""Small builders for queue rule tests: a hall with services A/B/C, desks and tickets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.queue.model import Desk, Location, Priority, Ticket, format_number

AMS = ZoneInfo("Europe/Amsterdam")
A, B, C = 1, 2, 3
PREFIX = {A: "A", B: "B", C: "C"}
OPENING = datetime(2026, 11, 24, 8, 30, tzinfo=AMS)


def hall(
    *, ageing_minutes: int = 30, normal_per_priority: int = 2, max_recalls: int = 2, reset_time: time = time(3, 0)
) -> Location:
    return Location(
        id=1,
        name="Stadhuis",
        ageing_minutes=ageing_minutes,
        normal_per_priority=normal_per_priority,
        max_recalls=max_recalls,
        reset_time=reset_time,
    )


def desk(desk_id: int, *service_ids: int) -> Desk:
    return Desk(id=desk_id, location_id=1, name=f"Balie {desk_id}", service_ids=tuple(service_ids), is_open=True)


class TicketMaker:
    """Issues tickets with ids and per-service numbers, like the kiosk does."""

    def __init__(self) -> None:
        self._next_id = 1
        self._sequence: dict[int, int] = {}

    def issue(
        self, service_id: int, at: datetime | float, priority: Priority = Priority.NORMAL, *, day: date | None = None
    ) -> Ticket:
        """`at` is a datetime or minutes after OPENING."""
        moment = at if isinstance(at, datetime) else OPENING + timedelta(minutes=at)
        sequence = self._sequence.get(service_id, 0) + 1
        self._sequence[service_id] = sequence
        ticket = Ticket(
            id=self._next_id,
            location_id=1,
            service_id=service_id,
            number=format_number(PREFIX.get(service_id, "X"), sequence),
            sequence=sequence,
            business_date=day or OPENING.date(),
            issued_at=moment,
            priority=priority,
        )
        self._next_id += 1
        ticket.start_waiting(moment)
        return ticket


def minutes(m: float) -> datetime:
    return OPENING + timedelta(minutes=m)
