"""Queue use cases: what the kiosk, the desk, the host and the CLI ask of the queue.

Every operation is one store transaction; the change and its event commit together, so a
screen in another process learns of exactly what happened.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.clock import Clock
from app.core.errors import DeskBusy, DeskClosed, InvalidTransition, LoketError, NothingWaiting, ServiceClosed
from app.core.events import (
    DayReset,
    DeskChanged,
    DeviceAlert,
    Event,
    ServiceChanged,
    TicketCalled,
    TicketChanged,
    TicketIssued,
)
from app.core.queue.estimate import ARRIVAL_WINDOW_MINUTES, QueueState, estimate_waits, wait_band
from app.core.queue.model import (
    Desk,
    IssueChannel,
    Location,
    Outcome,
    Priority,
    Service,
    Ticket,
    TicketState,
    format_number,
)
from app.core.queue.ports import QueueStore, QueueTransaction, TicketPrint, TicketPrinter
from app.core.queue.rules import business_date, callable_by, queue_order, reset_instant

log = logging.getLogger(__name__)

#: service times older than this do not feed the estimate
SERVICE_TIME_WINDOW = timedelta(hours=3)


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    service: Service
    people_ahead: int
    estimate_minutes: float | None
    band: tuple[int, int] | None  # None: no desk serves this service right now
    printed: bool
    print_error: str | None = None


@dataclass(frozen=True)
class ServiceStatus:
    service: Service
    waiting: int
    longest_wait_minutes: float
    band_for_new: tuple[int, int] | None


@dataclass(frozen=True)
class QueueSnapshot:
    """Everything a screen shows of one vestiging at one moment."""

    location: Location
    business_day: date
    now: datetime
    services: list[ServiceStatus]
    desks: list[Desk]
    waiting: list[Ticket]
    at_desks: list[Ticket]
    estimates: dict[int, float]

    def service(self, service_id: int) -> Service:
        for status in self.services:
            if status.service.id == service_id:
                return status.service
        raise KeyError(service_id)


def people_ahead(ticket: Ticket, waiting: Sequence[Ticket], estimates: dict[int, float]) -> int:
    """Visitors of the same dienst who will be called before `ticket`."""
    others = [t for t in waiting if t.service_id == ticket.service_id and t.id != ticket.id]
    own = estimates.get(ticket.id or 0)
    if own is None:
        return sum(1 for t in others if t.waiting_since() <= ticket.waiting_since())
    return sum(1 for t in others if estimates.get(t.id or 0, float("inf")) < own)


class QueueService:
    def __init__(
        self,
        store: QueueStore,
        clock: Clock,
        printer: TicketPrinter | None = None,
        token_factory: Callable[[], str] = lambda: secrets.token_urlsafe(12),
    ) -> None:
        self._store = store
        self._clock = clock
        self._printer = printer
        self._token_factory = token_factory

    # --- issuing -----------------------------------------------------------------------

    def issue_ticket(
        self,
        service_id: int,
        *,
        channel: IssueChannel = IssueChannel.KIOSK,
        priority: Priority = Priority.NORMAL,
        print_ticket: bool = True,
    ) -> IssuedTicket:
        now = self._clock.now()
        with self._store.transaction() as tx:
            service = tx.service(service_id)
            if not service.is_open and channel is IssueChannel.KIOSK:
                raise ServiceClosed(f"{service.name_nl} is gesloten", service=service.code)
            location = tx.location(service.location_id)
            day = business_date(now, location)
            sequence = tx.next_sequence(location.id, day, service.prefix)
            if sequence == 1:
                self._close_earlier_days(tx, location, day, now)
            ticket = Ticket(
                id=None,
                location_id=location.id,
                service_id=service.id,
                number=format_number(service.prefix, sequence),
                sequence=sequence,
                business_date=day,
                issued_at=now,
                channel=channel,
                priority=priority,
                token=self._token_factory(),
            )
            ticket.start_waiting(now)
            ticket = tx.add_ticket(ticket)
            assert ticket.id is not None
            state = self._state(tx, location, day, now)
            estimates = estimate_waits(state)
            estimate = estimates.get(ticket.id)
            ticket.estimated_wait = estimate
            tx.save_ticket(ticket)
            ahead = people_ahead(ticket, state.waiting, estimates)
            tx.record(TicketIssued(location.id, ticket.id, ticket.number, service.id, int(priority)))
        band = wait_band(estimate) if estimate is not None else None
        printed, error = self._print(ticket, service, location, ahead, band)
        return IssuedTicket(ticket, service, ahead, estimate, band, printed, error)

    def _print(
        self, ticket: Ticket, service: Service, location: Location, ahead: int, band: tuple[int, int] | None
    ) -> tuple[bool, str | None]:
        if self._printer is None:
            return False, None
        job = TicketPrint(
            number=ticket.number,
            service_name_nl=service.name_nl,
            service_name_en=service.name_en,
            location_name=location.name,
            issued_at=ticket.issued_at,
            people_ahead=ahead,
            wait_band=band or (0, 0),
            token=ticket.token,
        )
        try:
            self._printer.print_ticket(job)
        except LoketError as error:
            # The ticket exists and is in the queue: the screen shows the number instead.
            log.warning("ticket %s niet geprint: %s", ticket.number, error.code)
            self.raise_device_alert(location.id, "ticket_printer", error.code, ticket.number)
            return False, error.code
        return True, None

    def raise_device_alert(self, location_id: int, device: str, code: str, ticket_number: str = "") -> None:
        """Tell the host (through the change log, so every PC hears it) that a person is needed.
        Never raises: whoever reports a device problem is already handling one."""
        alert = DeviceAlert(location_id, device, code, ticket_number, self._clock.now().isoformat())
        try:
            with self._store.transaction() as tx:
                tx.record(alert)
        except LoketError as error:  # the ticket is safe; only the alert is lost, and the log says so
            log.error("printermelding niet opgeslagen: %s", error.code)

    def _close_earlier_days(self, tx: QueueTransaction, location: Location, day: date, now: datetime) -> None:
        """First ticket of a new day: whatever earlier days left open is closed. Not only
        yesterday: after a weekend a visitor left at a desk on Friday would block that desk."""
        for ticket in tx.unfinished_before(location.id, day):
            if ticket.state is TicketState.SERVING:
                ticket.finish(Outcome.HANDLED, now)
            elif ticket.state is TicketState.CALLED:
                ticket.no_show(now)
            else:
                ticket.cancel(now)
            tx.save_ticket(ticket)
        tx.record(DayReset(location.id, day.isoformat()))

    # --- desk operations ---------------------------------------------------------------

    def open_desk(self, desk_id: int, staff: str, service_ids: tuple[int, ...] | None = None) -> Desk:
        with self._store.transaction() as tx:
            desk = tx.desk(desk_id)
            updated = Desk(
                id=desk.id,
                location_id=desk.location_id,
                name=desk.name,
                service_ids=service_ids if service_ids is not None else desk.service_ids,
                is_open=True,
                staff=staff,
            )
            tx.set_desk(updated)
            tx.record(DeskChanged(desk.location_id, desk.id, True))
        return updated

    def close_desk(self, desk_id: int) -> Desk:
        now = self._clock.now()
        with self._store.transaction() as tx:
            desk = tx.desk(desk_id)
            current = tx.ticket_at_desk(desk_id)
            if current is not None:
                if current.state is TicketState.CALLED:
                    current.transfer(now, front=True)  # nobody loses their turn
                    tx.save_ticket(current)
                    tx.record(self._changed(current))
                else:
                    raise DeskBusy(f"{desk.name} helpt nog {current.number}", ticket=current.number)
            updated = Desk(desk.id, desk.location_id, desk.name, desk.service_ids, False, None)
            tx.set_desk(updated)
            tx.record(DeskChanged(desk.location_id, desk.id, False))
        return updated

    def call_next(self, desk_id: int) -> Ticket:
        """The atomic claim: lock the candidates, apply the rule, mark the pick as called."""
        now = self._clock.now()
        with self._store.transaction() as tx:
            desk, location = self._desk_ready(tx, desk_id)
            day = business_date(now, location)
            candidates = tx.claim_candidates(desk, day)
            recent = tx.recent_calls(location.id, reset_instant(day, location.reset_time, location.timezone))
            taken: set[int] = set()
            while True:
                # The rule's full order, so that when other desks hold the first choice the
                # store can lock the next one in the same statement.
                order = [t.id for t in queue_order(candidates, desk, location, recent, now) if t.id is not None]
                if not order:
                    raise NothingWaiting(f"Niemand wacht voor {desk.name}", desk=desk.name)
                pick = tx.lock_first_waiting(order)
                if pick is not None:
                    break
                taken.update(order)  # all taken a moment ago by other desks: look further down
                candidates = tx.claim_candidates(desk, day, exclude=taken)
            pick.call(desk.id, desk.staff, now)
            tx.save_ticket(pick)
            tx.record(self._called(pick, desk, now))
        return pick

    def call_ticket(self, desk_id: int, ticket_id: int) -> Ticket:
        """Call a specific ticket out of order (e.g. the host asks for it)."""
        now = self._clock.now()
        with self._store.transaction() as tx:
            desk, _ = self._desk_ready(tx, desk_id)
            found = tx.lock_first_waiting([ticket_id])
            if found is None:
                number = tx.ticket(ticket_id).number
                raise InvalidTransition(f"{number} wacht niet (meer)", ticket=number)
            ticket = found
            if not callable_by(ticket, desk) and ticket.target_desk_id not in (None, desk.id):
                raise InvalidTransition(f"{ticket.number} is voor een andere balie", ticket=ticket.number)
            ticket.call(desk.id, desk.staff, now)
            tx.save_ticket(ticket)
            tx.record(self._called(ticket, desk, now))
        return ticket

    def recall(self, desk_id: int) -> Ticket:
        """Call the same ticket again; past the location's limit it becomes a no-show."""
        now = self._clock.now()
        with self._store.transaction() as tx:
            desk = tx.desk(desk_id)
            location = tx.location(desk.location_id)
            ticket = self._current(tx, desk_id)
            became_no_show = ticket.recall(now, location.max_recalls)
            tx.save_ticket(ticket)
            if became_no_show:
                tx.record(self._changed(ticket))
            else:
                tx.record(self._called(ticket, desk, now))
        return ticket

    def start(self, desk_id: int) -> Ticket:
        return self._at_desk(desk_id, lambda t, now: t.start(now))

    def hold(self, desk_id: int) -> Ticket:
        return self._at_desk(desk_id, lambda t, now: t.hold(now))

    def resume(self, desk_id: int) -> Ticket:
        return self._at_desk(desk_id, lambda t, now: t.resume(now))

    def no_show(self, desk_id: int) -> Ticket:
        return self._at_desk(desk_id, lambda t, now: t.no_show(now))

    def finish(self, desk_id: int, outcome: Outcome = Outcome.HANDLED) -> Ticket:
        return self._at_desk(desk_id, lambda t, now: t.finish(outcome, now))

    def transfer(
        self, desk_id: int, *, service_id: int | None = None, to_desk_id: int | None = None, front: bool = True
    ) -> Ticket:
        """Hand the visitor on with the same number, to another dienst and/or a given balie."""
        now = self._clock.now()
        with self._store.transaction() as tx:
            ticket = self._current(tx, desk_id)
            if service_id is not None:
                tx.service(service_id)  # must exist
            if to_desk_id is not None:
                target = tx.desk(to_desk_id)
                wanted = service_id if service_id is not None else ticket.service_id
                if wanted not in target.service_ids:
                    raise InvalidTransition(f"{target.name} helpt niet voor deze dienst", desk=target.name)
            ticket.transfer(now, service_id=service_id, desk_id=to_desk_id, front=front)
            tx.save_ticket(ticket)
            tx.record(self._changed(ticket))
        return ticket

    # --- ticket operations (host, kiosk) -----------------------------------------------

    def reactivate(self, ticket_id: int, *, front: bool = True) -> Ticket:
        return self._on_ticket(ticket_id, lambda t, now: t.reactivate(now, front=front))

    def cancel(self, ticket_id: int) -> Ticket:
        return self._on_ticket(ticket_id, lambda t, now: t.cancel(now))

    def set_service_open(self, service_id: int, is_open: bool) -> None:
        with self._store.transaction() as tx:
            service = tx.service(service_id)
            tx.set_service_open(service_id, is_open)
            tx.record(ServiceChanged(service.location_id, service_id, is_open))

    # --- reading -----------------------------------------------------------------------

    def snapshot(self, location_id: int) -> QueueSnapshot:
        now = self._clock.now()
        with self._store.reading() as tx:
            location = tx.location(location_id)
            day = business_date(now, location)
            state = self._state(tx, location, day, now)
        estimates = estimate_waits(state)
        statuses = []
        for service in state.services:
            waiting = [t for t in state.waiting if t.service_id == service.id]
            longest = max((t.waited(now).total_seconds() / 60 for t in waiting), default=0.0)
            statuses.append(ServiceStatus(service, len(waiting), longest, self._band_for_new(state, service)))
        return QueueSnapshot(
            location, day, now, statuses, list(state.desks), list(state.waiting), list(state.at_desks), estimates
        )

    def current_ticket(self, desk_id: int) -> Ticket | None:
        with self._store.reading() as tx:
            return tx.ticket_at_desk(desk_id)

    def _band_for_new(self, state: QueueState, service: Service) -> tuple[int, int] | None:
        """What a citizen taking a ticket for `service` now would be told."""
        probe = Ticket(
            id=-1,
            location_id=service.location_id,
            service_id=service.id,
            number="",
            sequence=10**6,
            business_date=state.now.date(),
            issued_at=state.now,
            queued_at=state.now,
        )
        probe_state = dataclasses.replace(state, waiting=[*state.waiting, probe])
        estimate = estimate_waits(probe_state).get(-1)
        return wait_band(estimate) if estimate is not None else None

    # --- helpers -------------------------------------------------------------------------

    def _state(self, tx: QueueTransaction, location: Location, day: date, now: datetime) -> QueueState:
        desks = tx.desks(location.id)
        return QueueState(
            location=location,
            services=tx.services(location.id),
            desks=desks,
            at_desks=tx.tickets_at_desks(location.id),
            waiting=tx.waiting(location.id, day),
            recent=tx.recent_calls(location.id, reset_instant(day, location.reset_time, location.timezone)),
            service_times=tx.service_times(location.id, now - SERVICE_TIME_WINDOW),
            now=now,
            arrivals=tx.arrivals(location.id, now - timedelta(minutes=ARRIVAL_WINDOW_MINUTES)),
        )

    def _desk_ready(self, tx: QueueTransaction, desk_id: int) -> tuple[Desk, Location]:
        desk = tx.desk(desk_id)
        if not desk.is_open:
            raise DeskClosed(f"{desk.name} is niet aangemeld", desk=desk.name)
        current = tx.ticket_at_desk(desk_id)
        if current is not None:
            raise DeskBusy(f"{desk.name} heeft nog {current.number}", ticket=current.number)
        return desk, tx.location(desk.location_id)

    def _current(self, tx: QueueTransaction, desk_id: int) -> Ticket:
        ticket = tx.ticket_at_desk(desk_id)
        if ticket is None:
            raise InvalidTransition("Er is geen bezoeker aan deze balie", desk=desk_id)
        return ticket

    def _at_desk(self, desk_id: int, change: Callable[[Ticket, datetime], None]) -> Ticket:
        now = self._clock.now()
        with self._store.transaction() as tx:
            ticket = self._current(tx, desk_id)
            change(ticket, now)
            tx.save_ticket(ticket)
            tx.record(self._changed(ticket))
        return ticket

    def _on_ticket(self, ticket_id: int, change: Callable[[Ticket, datetime], None]) -> Ticket:
        now = self._clock.now()
        with self._store.transaction() as tx:
            ticket = tx.ticket(ticket_id)
            change(ticket, now)
            tx.save_ticket(ticket)
            tx.record(self._changed(ticket))
        return ticket

    @staticmethod
    def _called(ticket: Ticket, desk: Desk, now: datetime) -> Event:
        assert ticket.id is not None
        return TicketCalled(
            ticket.location_id,
            ticket.id,
            ticket.number,
            ticket.service_id,
            desk.id,
            desk.name,
            ticket.recall_count,
            now.isoformat(),
        )

    @staticmethod
    def _changed(ticket: Ticket) -> Event:
        assert ticket.id is not None
        return TicketChanged(
            ticket.location_id, ticket.id, ticket.number, ticket.service_id, ticket.state.value, ticket.desk_id
        )
