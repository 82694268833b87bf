"""The PIN terminal as the core sees it, whatever protocol (nexo, OPI) the driver speaks.

The contract that keeps money safe:
- `pay` is only called after the attempt is in the journal with its ServiceID.
- `pay` returns a `TerminalResult` only for an answer that really came from the terminal. Every
  case where the outcome is not known (time-out, connection lost after sending, an unreadable or
  unverifiable answer) raises `OutcomeUnknown`; the caller then asks `transaction_status`.
- `TerminalUnreachable` means the request provably never reached the terminal (no connection
  could be made), so nothing can have been charged.
- Drivers never retry a payment and never reuse a ServiceID on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.core.payment.errors import PaymentError
from app.core.payment.state import Outcome, StatusResult


class OutcomeUnknown(PaymentError):
    """We sent the request but have no trustworthy answer. Recover with a status query."""

    code = "payment.outcome_unknown"


class TerminalUnreachable(PaymentError):
    """No connection to the terminal could be made; the request was not delivered."""

    code = "payment.terminal_unreachable"


class TerminalBusy(PaymentError):
    """The terminal refused because it is busy with another transaction; nothing was charged."""

    code = "payment.terminal_busy"


@dataclass(frozen=True)
class PaymentRequest:
    service_id: str  # nexo ServiceID / OPI RequestID: 1-10 alphanumerics, journalled before sending
    transaction_reference: str  # our attempt id (nexo SaleTransactionID, OPI POSdata reference)
    amount_cents: int
    currency: str = "EUR"
    operator_id: str = ""  # staff member or "kiosk"


@dataclass(frozen=True)
class TerminalResult:
    """A definite answer from the terminal about one payment."""

    outcome: Outcome
    service_id: str  # the payment's ServiceID, echoed by the terminal
    amount_cents: int  # the amount the terminal says it authorised (0 unless approved)
    approval_code: str | None = None
    masked_pan: str | None = None  # at most the last four digits visible
    card_brand: str | None = None
    terminal_reference: str | None = None  # POI transaction id, for the day closing
    reason: str | None = None  # error condition / refusal reason as the terminal gave it
    cardholder_receipt: tuple[str, ...] = ()  # printed verbatim on the citizen's receipt
    merchant_receipt: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusReply:
    """What the terminal says about an earlier payment, looked up by its ServiceID."""

    result: StatusResult
    payment: TerminalResult | None = None  # set when result is approved/declined/aborted


@dataclass(frozen=True)
class TerminalTotals:
    """The terminal's own totals for a period (reconciliation / closure)."""

    approved_count: int
    approved_cents: int
    period_reference: str | None = None  # the terminal's id for the closed period


# Display texts from the terminal ("Voer pincode in") as they arrive, on the driver's thread.
DisplayCallback = Callable[[str], None]


class PaymentTerminal(Protocol):
    @property
    def poi_id(self) -> str: ...

    def open(self) -> None: ...

    def close(self) -> None: ...

    def pay(self, request: PaymentRequest, on_display: DisplayCallback) -> TerminalResult:
        """Blocks until the terminal answers. Raises OutcomeUnknown, TerminalUnreachable,
        TerminalBusy or another PaymentError; never returns a guess."""
        ...

    def abort(self, payment_service_id: str, abort_service_id: str) -> None:
        """Ask the terminal to stop the payment; safe to call from another thread while `pay`
        blocks. `pay` then returns ABORTED — or APPROVED when the citizen was just too quick."""
        ...

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        """Raises OutcomeUnknown / TerminalUnreachable when no answer came."""
        ...

    def reconcile(self, service_id: str, close_period: bool) -> TerminalTotals:
        """The terminal's totals since its last closure; with close_period, close it."""
        ...
