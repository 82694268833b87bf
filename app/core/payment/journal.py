"""The write-ahead payment journal as the core sees it (the store implements it in SQL).

The rule that keeps money safe: an attempt is committed in state SENT, with its ServiceID,
before a single byte goes to the terminal. After a crash the journal therefore knows every
payment that may have reached the terminal, and start-up recovery asks the terminal about each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.core.payment.errors import PaymentError
from app.core.payment.order import PaymentOrder
from app.core.payment.ports import TerminalResult
from app.core.payment.service_id import UsedServiceId
from app.core.payment.state import PaymentState


class OrderExists(PaymentError):
    code = "payment.order_exists"


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
