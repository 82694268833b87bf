"""Paying an order at the PIN terminal: journal first, then send; recover every unknown outcome.

`pay` blocks and runs on a worker thread. Order of work per attempt: allocate a ServiceID →
journal SENT (committed) → terminal.pay → journal the result. Without a trustworthy answer the
attempt becomes UNKNOWN and is recovered with status queries, each with a new ServiceID that is
journalled before it goes out. Nothing here ever sends a payment a second time: a new attempt is
only made when a person asks for it (`new_attempt`), and `start_attempt` refuses it while an
earlier outcome is open.

The kiosk has no signed-in staff member; it uses `kiosk_actor()`, a system actor that may only
take payments (PAYMENT_TAKE), never resolve them or read anything else.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.payment.errors import PaymentError, ServiceIdInvalid
from app.core.payment.journal import JournalEntry, OrderInfo, PaymentJournal
from app.core.payment.order import PaymentOrder, apply, start_attempt
from app.core.payment.ports import (
    OutcomeUnknown,
    PaymentRequest,
    PaymentTerminal,
    TerminalBusy,
    TerminalResult,
    TerminalUnreachable,
)
from app.core.payment.service_id import UNIQUE_FOR, ServiceIdAllocator, UsedServiceId
from app.core.payment.state import (
    Journalled,
    OperatorDecided,
    OperatorEscalated,
    OtherAmountApproved,
    Outcome,
    PaymentEvent,
    PaymentState,
    ResponseMissing,
    ResultReceived,
    StatusAnswered,
    StatusQuerySent,
    StatusResult,
    StatusUnanswered,
)
from app.core.payment.texts import REASON_BUSY, REASON_PARTIAL, REASON_STOPPED, REASON_UNREACHABLE
from app.core.staff import Actor, Permission, require

log = logging.getLogger(__name__)

MAX_AMOUNT_CENTS = 1_000_000  # € 10.000: far above any leges; a typo guard, not a business rule
# "Still in progress" answers before a person has to look (the citizen walked away mid-PIN).
MAX_IN_PROGRESS_ANSWERS = 60
STATUS_RETRY_SECONDS = 2.0
# A fresh ServiceID clashing with one in the database is astronomically rare; a few tries suffice.
ALLOCATE_TRIES = 3


class AmountInvalid(PaymentError):
    code = "payment.amount_invalid"


class PaymentActive(PaymentError):
    """Another thread of this program is paying this order right now."""

    code = "payment.active"


@dataclass(frozen=True)
class PaymentUpdate:
    """Progress of one payment for the screen. `display_text` is what the terminal shows, if any;
    the state's own Dutch text is `app.core.payment.texts.text_for(state)`."""

    order_id: str
    state: PaymentState
    display_text: str | None = None
    reason: str | None = None
    approved_cents: int | None = None  # set when the terminal approved another amount than asked


UpdateCallback = Callable[[PaymentUpdate], None]


@dataclass(frozen=True)
class _SystemActor(Actor):
    granted: frozenset[Permission] = field(default=frozenset())

    @property
    def permissions(self) -> frozenset[Permission]:
        return self.granted


def kiosk_actor(kiosk_id: str) -> Actor:
    """The kiosk's own actor: it may take a payment, nothing else (no staff role fits a kiosk)."""
    return _SystemActor(
        staff_id=None,
        username=f"kiosk:{kiosk_id}",
        display_name="Zuil",
        roles=frozenset(),
        granted=frozenset({Permission.PAYMENT_TAKE}),
    )


def _new_id() -> str:
    return secrets.token_hex(8)


class _Running:
    """Bookkeeping of one `pay` call in this process, shared with `abort` on another thread."""

    def __init__(self) -> None:
        self.service_id: str | None = None
        self.abort_requested = threading.Event()


class PaymentService:
    def __init__(
        self,
        terminal: PaymentTerminal,
        journal: PaymentJournal,
        clock: Clock,
        allocator: ServiceIdAllocator | None = None,
        *,
        workstation: str = "",
        status_retry_seconds: float = STATUS_RETRY_SECONDS,
        new_id: Callable[[], str] = _new_id,
    ) -> None:
        self._terminal = terminal
        self._journal = journal
        self._clock = clock
        self._allocator = allocator or ServiceIdAllocator(clock)
        self._workstation = workstation
        self._retry_seconds = status_retry_seconds
        self._new_id = new_id
        self._lock = threading.Lock()
        self._running: dict[str, _Running] = {}
        self._closing = threading.Event()  # set by close(): stop waiting between status queries

    @property
    def poi_id(self) -> str:
        return self._terminal.poi_id

    # --- use cases ------------------------------------------------------------------------

    def create_order(
        self, actor: Actor, amount_cents: int, description: str, order_id: str | None = None
    ) -> PaymentOrder:
        require(actor, Permission.PAYMENT_TAKE)
        if not isinstance(amount_cents, int) or not 0 < amount_cents <= MAX_AMOUNT_CENTS:
            raise AmountInvalid("Het bedrag moet tussen € 0,01 en € 10.000 liggen.")
        order = PaymentOrder(order_id=order_id or _new_id(), poi_id=self.poi_id, amount_cents=amount_cents)
        order = start_attempt(order, self._new_id())
        info = OrderInfo(description=description.strip()[:200], workstation=self._workstation, operator=actor.username)
        self._journal.create(order, info)
        return order

    def new_attempt(self, actor: Actor, order_id: str) -> PaymentOrder:
        """A person asks to try again after a declined or aborted attempt."""
        require(actor, Permission.PAYMENT_TAKE)
        self._refuse_if_running(order_id)
        order = start_attempt(self._journal.load(order_id), self._new_id())
        self._journal.record(order)
        return order

    def pay(self, order_id: str, on_update: UpdateCallback) -> PaymentOrder:
        running = _Running()
        with self._lock:
            if order_id in self._running:
                raise PaymentActive("Deze betaling loopt al.", order_id=order_id)
            self._running[order_id] = running
        try:
            return self._pay(order_id, running, on_update)
        finally:
            with self._lock:
                del self._running[order_id]

    def abort(self, order_id: str) -> None:
        """Ask the terminal to stop. Journals only the abort's ServiceID: the outcome still comes
        from the terminal (the citizen may have been just too quick)."""
        with self._lock:
            running = self._running.get(order_id)
        if running is None:
            log.info("abort: order %s is not being paid here", order_id)
            return
        running.abort_requested.set()
        if running.service_id is not None:
            self._send_abort(order_id, running.service_id)

    def entries(self, order_id: str) -> list[JournalEntry]:
        """The order's attempts as journalled, oldest first (receipt, history on screen)."""
        return self._journal.entries(order_id)

    def recover_open(self) -> list[PaymentOrder]:
        """At start-up: ask the terminal about every open attempt of this terminal in the journal.
        Returns every order it looked at, resolved or waiting for a person."""
        handled = []
        for order in self._journal.open_orders(self.poi_id):
            with self._lock:
                if order.order_id in self._running:
                    continue
            try:
                handled.append(self._recover_after_restart(order))
            except LoketError as error:
                # One order that cannot be settled now (database gone, changed elsewhere) does not
                # stop the others; it stays open in the journal for the next start or a person.
                log.warning("recovery of order %s postponed (%s)", order.order_id, error.code)
        return handled

    def resolve_by_operator(self, actor: Actor, order_id: str, paid: bool) -> PaymentOrder:
        """Staff record what the receipt or the terminal's overview says about an unknown outcome."""
        require(actor, Permission.PAYMENT_RESOLVE)
        self._refuse_if_running(order_id)
        order = self._journal.load(order_id)
        current = order.current
        if current is not None and current.state in (PaymentState.UNKNOWN, PaymentState.RECOVERING):
            order = apply(order, OperatorEscalated())
        order = apply(order, OperatorDecided(paid=paid, staff_id=actor.username))
        self._journal.record(order)
        log.info("order %s decided by staff: %s", order_id, "paid" if paid else "not paid")
        return order

    def close(self) -> None:
        """Stop waiting between status queries (program exit); open outcomes stay journalled."""
        self._closing.set()

    # --- paying ---------------------------------------------------------------------------

    def _pay(self, order_id: str, running: _Running, on_update: UpdateCallback) -> PaymentOrder:
        order = self._journal.load(order_id)
        current = order.current
        if current is None:
            order = start_attempt(order, self._new_id())
        elif current.state is not PaymentState.IDLE:
            # Never a retry by itself: after any outcome a person asks for a new attempt first.
            raise PaymentActive("Deze poging is al gedaan. Vraag een nieuwe poging aan.", order_id=order_id)
        order = self._journal_with_new_id(order, Journalled)
        payment = order.current
        assert payment is not None and payment.service_id is not None
        running.service_id = payment.service_id
        on_update(PaymentUpdate(order_id, PaymentState.SENT))
        if running.abort_requested.is_set():
            return self._finish(order, self._local_result(order, Outcome.ABORTED, REASON_STOPPED), on_update)
        info = self._journal.info(order_id)
        request = PaymentRequest(
            service_id=payment.service_id,
            transaction_reference=payment.attempt_id,
            amount_cents=payment.amount_cents,
            operator_id=info.operator,
        )

        def on_display(text: str) -> None:
            on_update(PaymentUpdate(order_id, PaymentState.IN_PROGRESS, display_text=text))

        try:
            result = self._terminal.pay(request, on_display)
        except TerminalUnreachable:
            result = self._local_result(order, Outcome.ABORTED, REASON_UNREACHABLE)
        except TerminalBusy:
            result = self._local_result(order, Outcome.ABORTED, REASON_BUSY)
        except Exception as error:
            # Whatever went wrong after sending, money may have moved: OutcomeUnknown, an answer we
            # cannot trust (garbled, failed HMAC), or a driver bug. Only a status query can tell.
            if not isinstance(error, OutcomeUnknown):
                code = error.code if isinstance(error, PaymentError) else type(error).__name__
                log.warning("payment answer unusable (%s): recovering by status query", code)
            order = apply(order, ResponseMissing())
            self._journal.record(order)
            on_update(PaymentUpdate(order_id, PaymentState.UNKNOWN))
            return self._recover(order, running, on_update)
        return self._finish(order, result, on_update)

    def _finish(self, order: PaymentOrder, result: TerminalResult, on_update: UpdateCallback) -> PaymentOrder:
        if _other_amount(order, result):
            return self._other_amount(order, result, on_update)
        order = apply(order, ResultReceived(result.outcome))
        self._journal.record(order, result)
        state = self._state(order)
        log.info("order %s: %s", order.order_id, state.value)
        on_update(PaymentUpdate(order.order_id, state, reason=result.reason))
        return order

    def _other_amount(self, order: PaymentOrder, result: TerminalResult, on_update: UpdateCallback) -> PaymentOrder:
        """Approved for another amount: journal what the terminal authorised, and ask a person."""
        order = apply(order, OtherAmountApproved(result.amount_cents))
        self._journal.record(order, replace(result, reason=REASON_PARTIAL))
        log.warning("order %s: terminal approved another amount than asked; needs a person", order.order_id)
        on_update(PaymentUpdate(order.order_id, PaymentState.NEEDS_OPERATOR, None, REASON_PARTIAL, result.amount_cents))
        return order

    def _local_result(self, order: PaymentOrder, outcome: Outcome, reason: str) -> TerminalResult:
        """A definite outcome we know without the terminal: the request never reached it."""
        payment = order.current
        assert payment is not None and payment.service_id is not None
        return TerminalResult(outcome=outcome, service_id=payment.service_id, amount_cents=0, reason=reason)

    # --- recovery -------------------------------------------------------------------------

    def _recover_after_restart(self, order: PaymentOrder) -> PaymentOrder:
        state = self._state(order)
        log.info("recovering order %s from state %s", order.order_id, state.value)
        if state in (PaymentState.SENT, PaymentState.IN_PROGRESS):
            order = apply(order, ResponseMissing())
            self._journal.record(order)
        elif state is PaymentState.RECOVERING:
            # The crash came between journalling a status query and its answer.
            order = apply(order, StatusUnanswered())
            self._journal.record(order)
        if self._state(order) is not PaymentState.UNKNOWN:
            return order
        # Nobody is waiting at the terminal for this payment any more: stop it if it still runs.
        running = _Running()
        running.abort_requested.set()
        return self._recover(order, running, lambda _update: None)

    def _recover(self, order: PaymentOrder, running: _Running, on_update: UpdateCallback) -> PaymentOrder:
        in_progress_answers = 0
        aborted = False
        payment_sid = order.current.service_id if order.current else None
        assert payment_sid is not None
        while self._state(order) is PaymentState.UNKNOWN and not self._closing.is_set():
            order = self._journal_with_new_id(order, StatusQuerySent)
            status_sid = order.current.status_service_ids[-1] if order.current else ""
            on_update(PaymentUpdate(order.order_id, PaymentState.RECOVERING))
            try:
                reply = self._terminal.transaction_status(payment_sid, status_sid)
            except PaymentError as error:
                log.warning("status query for order %s unanswered (%s)", order.order_id, error.code)
                order = apply(order, StatusUnanswered())
                self._journal.record(order)
            else:
                if reply.payment is not None and _other_amount(order, reply.payment):
                    return self._other_amount(order, reply.payment, on_update)
                order = apply(order, StatusAnswered(reply.result))
                self._journal.record(order, reply.payment)
                if reply.result is StatusResult.STILL_IN_PROGRESS:
                    in_progress_answers += 1
                    if in_progress_answers >= MAX_IN_PROGRESS_ANSWERS:
                        order = apply(order, OperatorEscalated())
                        self._journal.record(order)
                        break
                    if running.abort_requested.is_set():
                        if not aborted:
                            # Only an abort, never a new payment: the answer still decides the outcome.
                            aborted = self._send_abort(order.order_id, payment_sid)
                        self._closing.wait(self._retry_seconds)
                    else:
                        running.abort_requested.wait(self._retry_seconds)
            on_update(PaymentUpdate(order.order_id, self._state(order)))
        log.info("order %s recovered: %s", order.order_id, self._state(order).value)
        return order

    # --- helpers --------------------------------------------------------------------------

    def _journal_with_new_id(self, order: PaymentOrder, event: Callable[[str], PaymentEvent]) -> PaymentOrder:
        """Apply `event(new ServiceID)` and commit it before the id is used on the wire."""
        for attempt in range(ALLOCATE_TRIES):
            sid = self._allocate().service_id
            updated = apply(order, event(sid))
            try:
                self._journal.record(updated)
            except ServiceIdInvalid:
                # Another process took the same id first: nothing was sent, take another one.
                log.warning("ServiceID clash on %s (try %d)", self.poi_id, attempt + 1)
                continue
            return updated
        raise ServiceIdInvalid("Geen vrije ServiceID gevonden.", poi_id=self.poi_id)

    def _allocate(self) -> UsedServiceId:
        since = self._clock.now() - UNIQUE_FOR
        return self._allocator.allocate(self.poi_id, self._journal.used_service_ids(self.poi_id, since))

    def _send_abort(self, order_id: str, payment_sid: str) -> bool:
        used = self._allocate()
        try:
            self._journal.reserve_service_id(used, order_id, "abort")
            self._terminal.abort(payment_sid, used.service_id)
        except PaymentError as error:
            log.warning("abort of order %s not delivered (%s)", order_id, error.code)
            return False
        return True

    def _refuse_if_running(self, order_id: str) -> None:
        with self._lock:
            if order_id in self._running:
                raise PaymentActive("Deze betaling loopt nog. Wacht op de uitkomst.", order_id=order_id)

    @staticmethod
    def _state(order: PaymentOrder) -> PaymentState:
        return order.current.state if order.current else PaymentState.IDLE


def _other_amount(order: PaymentOrder, result: TerminalResult) -> bool:
    current = order.current
    return result.outcome is Outcome.APPROVED and current is not None and result.amount_cents != current.amount_cents
