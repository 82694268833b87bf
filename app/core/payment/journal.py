"""The write-ahead payment journal as the core sees it (the store implements it in SQL).

The rule that keeps money safe: an attempt is committed in state SENT, with its ServiceID,
before a single byte goes to the terminal. After a crash the journal therefore knows every
payment that may have reached the terminal, and start-up recovery asks the terminal about each.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from app.core.clock import Clock
from app.core.errors import NotFound
from app.core.payment.errors import PaymentError, ServiceIdInvalid
from app.core.payment.order import PaymentOrder
from app.core.payment.ports import TerminalResult
from app.core.payment.service_id import UsedServiceId
from app.core.payment.state import OPEN_STATES, Payment, PaymentState


class OrderExists(PaymentError):
    code = "payment.order_exists"


class JournalConflict(PaymentError):
    """A write from an outdated copy of the order: another process changed it meanwhile."""

    code = "payment.journal_conflict"


@dataclass(frozen=True)
class OrderInfo:
    """What the journal keeps about an order besides its attempts."""

    description: str  # what is paid for ("Paspoort"), printed on the receipt; no personal data
    workstation: str  # desk or kiosk that took the payment (the kas it belongs to)
    operator: str  # username of the staff member, or the kiosk's system actor


@dataclass(frozen=True)
class JournalEntry:
    """One attempt of one order, as journalled. Never holds card numbers beyond the masked PAN."""

    order_id: str
    attempt_id: str
    poi_id: str
    amount_cents: int
    description: str
    state: PaymentState
    service_id: str | None
    status_service_ids: tuple[str, ...]
    approval_code: str | None
    masked_pan: str | None
    card_brand: str | None
    terminal_reference: str | None
    reason: str | None
    cardholder_receipt: tuple[str, ...]
    merchant_receipt: tuple[str, ...]
    decided_by: str | None
    created_at: datetime
    updated_at: datetime
    workstation: str
    operator: str
    approved_cents: int | None = None  # what the terminal authorised; may differ from amount_cents


class PaymentJournal(Protocol):
    def create(self, order: PaymentOrder, info: OrderInfo) -> None:
        """Journal a new order (with its first, idle attempt). Committed before it returns.
        Raises OrderExists when the order id is taken."""
        ...

    def record(self, order: PaymentOrder, result: TerminalResult | None = None) -> None:
        """Journal the order's attempts as they are now; `result` belongs to the current attempt.

        Committed before it returns: this IS the write-ahead. Every ServiceID the order uses is
        stored with the time of first use; an id another order already holds for the same terminal
        raises ServiceIdInvalid (the unique constraint is the last line of defence)."""
        ...

    def reserve_service_id(self, used: UsedServiceId, order_id: str | None, purpose: str) -> None:
        """Journal a ServiceID that is not part of the state machine (an abort's, a reconciliation's)."""
        ...

    def load(self, order_id: str) -> PaymentOrder:
        """The order with all its attempts, or NotFound."""
        ...

    def info(self, order_id: str) -> OrderInfo: ...

    def entries(self, order_id: str) -> list[JournalEntry]:
        """Every attempt of the order, oldest first (receipts, history on screen)."""
        ...

    def open_orders(self, poi_id: str | None = None) -> list[PaymentOrder]:
        """Orders with an attempt in an open state (sent, in progress, unknown, recovering,
        needs_operator): money may have moved. Idle attempts have nothing to recover."""
        ...

    def used_service_ids(self, poi_id: str, since: datetime) -> list[UsedServiceId]: ...

    def approved_between(self, start: datetime, end: datetime, poi_id: str | None = None) -> list[JournalEntry]:
        """Approved attempts whose approval was journalled in [start, end)."""
        ...


class MemoryPaymentJournal:
    """The journal in memory, for unit and screen tests (the demo and production use the SQL one).
    Same rules as the SQL journal: a ServiceID is held by one order per terminal."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._orders: dict[str, PaymentOrder] = {}
        self._info: dict[str, OrderInfo] = {}
        self._entries: dict[str, dict[str, JournalEntry]] = {}
        self._ids: dict[tuple[str, str], tuple[str | None, datetime]] = {}

    def create(self, order: PaymentOrder, info: OrderInfo) -> None:
        with self._lock:
            if order.order_id in self._orders:
                raise OrderExists("Deze betaling bestaat al.", order_id=order.order_id)
            self._info[order.order_id] = info
            self._entries[order.order_id] = {}
        self.record(order)

    def record(self, order: PaymentOrder, result: TerminalResult | None = None) -> None:
        now = self._clock.now()
        with self._lock:
            for sid in order.used_service_ids():
                holder = self._ids.get((order.poi_id, sid))
                if holder is not None and holder[0] != order.order_id:
                    raise ServiceIdInvalid("Deze ServiceID is al gebruikt.", poi_id=order.poi_id)
            for sid in order.used_service_ids():
                self._ids.setdefault((order.poi_id, sid), (order.order_id, now))
            self._orders[order.order_id] = order
            entries = self._entries[order.order_id]
            info = self._info[order.order_id]
            for payment in order.attempts:
                old = entries.get(payment.attempt_id)
                if old is not None and payment is not order.current:
                    continue  # earlier attempts are final: their approval time stays put
                entries[payment.attempt_id] = _entry(order, payment, info, old, result, now)

    def reserve_service_id(self, used: UsedServiceId, order_id: str | None, purpose: str) -> None:
        with self._lock:
            if (used.poi_id, used.service_id) in self._ids:
                raise ServiceIdInvalid("Deze ServiceID is al gebruikt.", poi_id=used.poi_id)
            self._ids[(used.poi_id, used.service_id)] = (order_id, used.used_at)

    def load(self, order_id: str) -> PaymentOrder:
        with self._lock:
            if order_id not in self._orders:
                raise NotFound("Deze betaling staat niet in het journaal.", order_id=order_id)
            return self._orders[order_id]

    def info(self, order_id: str) -> OrderInfo:
        self.load(order_id)
        return self._info[order_id]

    def entries(self, order_id: str) -> list[JournalEntry]:
        self.load(order_id)
        with self._lock:
            return list(self._entries[order_id].values())

    def open_orders(self, poi_id: str | None = None) -> list[PaymentOrder]:
        with self._lock:
            return [
                order
                for order_id, order in sorted(self._orders.items())
                if (poi_id is None or order.poi_id == poi_id)
                and any(attempt.state in OPEN_STATES for attempt in order.attempts)
            ]

    def used_service_ids(self, poi_id: str, since: datetime) -> list[UsedServiceId]:
        with self._lock:
            return [
                UsedServiceId(poi, sid, at)
                for (poi, sid), (_order, at) in self._ids.items()
                if poi == poi_id and at >= since
            ]

    def approved_between(self, start: datetime, end: datetime, poi_id: str | None = None) -> list[JournalEntry]:
        with self._lock:
            hits = [
                entry
                for entries in self._entries.values()
                for entry in entries.values()
                if entry.state is PaymentState.APPROVED
                and start <= entry.updated_at < end
                and (poi_id is None or entry.poi_id == poi_id)
            ]
        return sorted(hits, key=lambda entry: (entry.updated_at, entry.attempt_id))


def _entry(
    order: PaymentOrder,
    payment: Payment,
    info: OrderInfo,
    old: JournalEntry | None,
    result: TerminalResult | None,
    now: datetime,
) -> JournalEntry:
    base = old or JournalEntry(
        order_id=order.order_id,
        attempt_id=payment.attempt_id,
        poi_id=payment.poi_id,
        amount_cents=payment.amount_cents,
        description=info.description,
        state=payment.state,
        service_id=None,
        status_service_ids=(),
        approval_code=None,
        masked_pan=None,
        card_brand=None,
        terminal_reference=None,
        reason=None,
        cardholder_receipt=(),
        merchant_receipt=(),
        decided_by=None,
        created_at=now,
        updated_at=now,
        workstation=info.workstation,
        operator=info.operator,
    )
    entry = replace(
        base,
        state=payment.state,
        service_id=payment.service_id,
        status_service_ids=payment.status_service_ids,
        decided_by=payment.decided_by,
        updated_at=now,
    )
    if result is not None and payment is order.current:
        entry = replace(
            entry,
            approval_code=result.approval_code,
            masked_pan=result.masked_pan,
            card_brand=result.card_brand,
            terminal_reference=result.terminal_reference,
            reason=result.reason,
            approved_cents=result.amount_cents,
            cardholder_receipt=result.cardholder_receipt,
            merchant_receipt=result.merchant_receipt,
        )
    return entry
