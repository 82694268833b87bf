"""Queue entities: vestigingen, diensten, balies and tickets with their timed periods.

Plain dataclasses; the rules that change them live in `rules.py` and `service.py`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.core.errors import InvalidTransition


class TicketState(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    ON_HOLD = "on_hold"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (TicketState.DONE, TicketState.NO_SHOW, TicketState.CANCELLED)

    @property
    def at_desk(self) -> bool:
        return self in (TicketState.CALLED, TicketState.SERVING, TicketState.ON_HOLD)


class PeriodKind(enum.StrEnum):
    """The timed periods of a visit; each has a desk and staff member where one applies."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    ON_HOLD = "on_hold"


class Priority(enum.IntEnum):
    NORMAL = 0
    APPOINTMENT = 1
    URGENT = 2  # kwetsbaar/urgent: before appointments


class IssueChannel(enum.StrEnum):
    KIOSK = "kiosk"
    HOST = "host"
    APPOINTMENT = "appointment"


class Outcome(enum.StrEnum):
    """How a visit ended. Finish needs one of the first three."""

    HANDLED = "handled"  # afgehandeld in de eerste lijn
    FORWARDED = "forwarded"  # doorgezet naar de backoffice
    REFERRED = "referred"  # verwezen naar elders
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Location:
    """A vestiging. Numbers restart every day at `reset_time` local time."""

    id: int
    name: str
    timezone: str = "Europe/Amsterdam"
    reset_time: time = time(3, 0)
    max_recalls: int = 2
    normal_per_priority: int = 2  # interleave: this many normal calls, then one priority call
    ageing_minutes: int = 30  # a ticket waiting this long outranks preference and priority


@dataclass(frozen=True)
class Service:
    """A dienst with its own ticket prefix (A, B, ...)."""

    id: int
    location_id: int
    code: str
    name_nl: str
    name_en: str
    prefix: str
    is_open: bool = True
    target_wait_minutes: int = 15
    product_uri: str | None = None
    default_service_minutes: float = 8.0  # used until real service times are known
    sort_order: int = 0

    def name(self, language: str = "nl") -> str:
        return self.name_en if language == "en" else self.name_nl


@dataclass(frozen=True)
class Desk:
    """A balie. `service_ids` in order of preference. Open while a clerk is signed in."""

    id: int
    location_id: int
    name: str
    service_ids: tuple[int, ...]
    is_open: bool = False
    staff: str | None = None


@dataclass
class Period:
    kind: PeriodKind
    started_at: datetime
    ended_at: datetime | None = None
    desk_id: int | None = None
    staff: str | None = None
    service_id: int | None = None  # the ticket's dienst during this period (a transfer changes it)

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def duration(self, now: datetime) -> timedelta:
        return (self.ended_at or now) - self.started_at


@dataclass
class Ticket:
    """A volgnummer and its visit. State changes go through the methods below, which keep
    the periods consistent: exactly one open period while the ticket is not final."""

    id: int | None
    location_id: int
    service_id: int
    number: str  # display number, prefix + 3 digits: A012
    sequence: int
    business_date: date
    issued_at: datetime
    channel: IssueChannel = IssueChannel.KIOSK
    priority: Priority = Priority.NORMAL
    state: TicketState = TicketState.WAITING
    queued_at: datetime | None = None  # when it (re)entered the queue; the queue sorts on this
    front: bool = False  # transferred "to the front" of its queue
    target_desk_id: int | None = None  # only this desk may call it (transfer to a desk)
    desk_id: int | None = None  # desk holding it while called/serving/on hold
    staff: str | None = None
    recall_count: int = 0
    outcome: Outcome | None = None
    closed_at: datetime | None = None
    token: str = ""  # opaque, for a QR status link: never personal data
    estimated_wait: float | None = None  # minutes, as promised at issue; compared with reality later
    periods: list[Period] = field(default_factory=list)
    version: int = 0

    # --- derived -------------------------------------------------------------------------

    @property
    def open_period(self) -> Period | None:
        if self.periods and self.periods[-1].is_open:
            return self.periods[-1]
        return None

    def waited(self, now: datetime) -> timedelta:
        """Total time in the waiting room (all waiting periods), as the visitor feels it."""
        return sum((p.duration(now) for p in self.periods if p.kind is PeriodKind.WAITING), timedelta())

    def waiting_since(self) -> datetime:
        return self.queued_at or self.issued_at

    # --- transitions ---------------------------------------------------------------------

    def _require(self, operation: str, *allowed: TicketState) -> None:
        if self.state not in allowed:
            raise InvalidTransition(
                f"{self.number}: '{operation}' kan niet in status {self.state.value}",
                ticket=self.number,
                state=self.state.value,
                operation=operation,
            )

    def _switch(self, kind: PeriodKind | None, now: datetime, desk_id: int | None, staff: str | None) -> None:
        current = self.open_period
        if current is not None:
            current.ended_at = now
        if kind is not None:
            self.periods.append(
                Period(kind=kind, started_at=now, desk_id=desk_id, staff=staff, service_id=self.service_id)
            )

    def start_waiting(self, now: datetime) -> None:
        self.queued_at = now
        self.periods.append(Period(kind=PeriodKind.WAITING, started_at=now, service_id=self.service_id))

    def call(self, desk_id: int, staff: str | None, now: datetime) -> None:
        self._require("call", TicketState.WAITING)
        self.state = TicketState.CALLED
        self.desk_id = desk_id
        self.staff = staff
        self.recall_count = 0
        self.target_desk_id = None
        self.front = False
        self._switch(PeriodKind.CALLED, now, desk_id, staff)

    def recall(self, now: datetime, max_recalls: int) -> bool:
        """Call again. Returns True when the limit was passed and the ticket became a no-show."""
        self._require("recall", TicketState.CALLED)
        if self.recall_count >= max_recalls:
            self.no_show(now)
            return True
        self.recall_count += 1
        return False

    def start(self, now: datetime) -> None:
        self._require("start", TicketState.CALLED)
        self.state = TicketState.SERVING
        self._switch(PeriodKind.SERVING, now, self.desk_id, self.staff)

    def hold(self, now: datetime) -> None:
        self._require("hold", TicketState.SERVING)
        self.state = TicketState.ON_HOLD
        self._switch(PeriodKind.ON_HOLD, now, self.desk_id, self.staff)

    def resume(self, now: datetime) -> None:
        self._require("resume", TicketState.ON_HOLD)
        self.state = TicketState.SERVING
        self._switch(PeriodKind.SERVING, now, self.desk_id, self.staff)

    def no_show(self, now: datetime) -> None:
        self._require("no_show", TicketState.CALLED)
        self._close(TicketState.NO_SHOW, Outcome.NO_SHOW, now)

    def reactivate(self, now: datetime, *, front: bool = True) -> None:
        """A no-show who turns up after all goes back into the queue, by default in front."""
        self._require("reactivate", TicketState.NO_SHOW)
        self.state = TicketState.WAITING
        self.outcome = None
        self.closed_at = None
        self.desk_id = None
        self.recall_count = 0
        self.front = front
        self.start_waiting(now)

    def transfer(
        self,
        now: datetime,
        *,
        service_id: int | None = None,
        desk_id: int | None = None,
        front: bool = True,
    ) -> None:
        """Back into a queue with the same number: another dienst and/or a specific balie."""
        self._require("transfer", TicketState.CALLED, TicketState.SERVING, TicketState.ON_HOLD, TicketState.WAITING)
        if service_id is not None:
            self.service_id = service_id
        self.target_desk_id = desk_id
        self.front = front
        self.state = TicketState.WAITING
        self.desk_id = None
        self.staff = None
        self.recall_count = 0
        self._switch(None, now, None, None)
        self.start_waiting(now)

    def finish(self, outcome: Outcome, now: datetime) -> None:
        self._require("finish", TicketState.SERVING, TicketState.ON_HOLD, TicketState.CALLED)
        if outcome not in (Outcome.HANDLED, Outcome.FORWARDED, Outcome.REFERRED):
            raise InvalidTransition(f"{self.number}: ongeldige uitkomst {outcome}", outcome=str(outcome))
        self._close(TicketState.DONE, outcome, now)

    def cancel(self, now: datetime) -> None:
        self._require("cancel", TicketState.WAITING, TicketState.CALLED, TicketState.ON_HOLD)
        self._close(TicketState.CANCELLED, Outcome.CANCELLED, now)

    def _close(self, state: TicketState, outcome: Outcome, now: datetime) -> None:
        self._switch(None, now, None, None)
        self.state = state
        self.outcome = outcome
        self.closed_at = now


def format_number(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:03d}"
