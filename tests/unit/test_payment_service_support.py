"""Support for the payment service tests (no tests here): an in-memory terminal after the port.

It keeps its own ledger by ServiceID like a real terminal, so a status query answers from what the
terminal really did. It also checks the write-ahead rule: every request it receives must already
be in the journal with that ServiceID.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.core.payment.journal import PaymentJournal
from app.core.payment.ports import (
    DisplayCallback,
    OutcomeUnknown,
    PaymentRequest,
    StatusReply,
    TerminalBusy,
    TerminalResult,
    TerminalTotals,
    TerminalUnreachable,
)
from app.core.payment.state import Outcome, StatusResult

POI_ID = "P400-UNIT1"


@dataclass
class TerminalScript:
    pay: str = "approve"  # approve, decline, cancel, hang, drop_approved, drop_nothing, busy, unreachable
    # Scripted answers to status queries; when empty the terminal answers from its ledger.
    status: list[str] = field(default_factory=list)  # in_progress, unanswered, undecidable, ledger


class ScriptedTerminal:
    def __init__(self, journal: PaymentJournal) -> None:
        self._journal = journal
        self.script = TerminalScript()
        self.ledger: dict[str, TerminalResult] = {}
        self.requests: list[PaymentRequest] = []
        self.status_queries: list[tuple[str, str]] = []
        self.aborts: list[tuple[str, str]] = []
        self.seen_unjournalled: list[str] = []
        self._abort = threading.Event()
        self.hanging = threading.Event()

    @property
    def poi_id(self) -> str:
        return POI_ID

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def _check_journalled(self, service_id: str) -> None:
        since = datetime(2000, 1, 1, tzinfo=UTC)
        if service_id not in {u.service_id for u in self._journal.used_service_ids(POI_ID, since)}:
            self.seen_unjournalled.append(service_id)

    def pay(self, request: PaymentRequest, on_display: DisplayCallback) -> TerminalResult:
        self._check_journalled(request.service_id)
        self.requests.append(request)
        mode = self.script.pay
        if mode == "unreachable":
            raise TerminalUnreachable("Geen verbinding met de betaalautomaat.")
        if mode == "busy":
            raise TerminalBusy("De betaalautomaat is bezig.")
        on_display("Voer pincode in")
        if mode == "hang":
            self.hanging.set()
            self._abort.wait(30)
            return self._book(request, Outcome.ABORTED, reason="Aborted")
        if mode == "drop_nothing":
            raise OutcomeUnknown("Geen antwoord van de betaalautomaat.")
        outcome = {
            "approve": Outcome.APPROVED,
            "drop_approved": Outcome.APPROVED,
            "decline": Outcome.DECLINED,
            "cancel": Outcome.ABORTED,
        }[mode]
        result = self._book(request, outcome)
        if mode == "drop_approved":
            raise OutcomeUnknown("Verbinding verbroken na het versturen.")
        return result

    def _book(self, request: PaymentRequest, outcome: Outcome, reason: str | None = None) -> TerminalResult:
        approved = outcome is Outcome.APPROVED
        result = TerminalResult(
            outcome=outcome,
            service_id=request.service_id,
            amount_cents=request.amount_cents if approved else 0,
            approval_code="A1B2C3" if approved else None,
            masked_pan="**** 0011" if approved else None,
            card_brand="maestro" if approved else None,
            terminal_reference=f"T{len(self.ledger) + 1}",
            reason=reason,
            cardholder_receipt=("BETALING", "Akkoord") if approved else (),
        )
        self.ledger[request.service_id] = result
        return result

    def abort(self, payment_service_id: str, abort_service_id: str) -> None:
        self._check_journalled(abort_service_id)
        self.aborts.append((payment_service_id, abort_service_id))
        self._abort.set()

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        self._check_journalled(status_service_id)
        self.status_queries.append((payment_service_id, status_service_id))
        scripted = self.script.status.pop(0) if self.script.status else "ledger"
        if scripted == "unanswered":
            raise OutcomeUnknown("Geen antwoord op de statusvraag.")
        if scripted == "in_progress":
            return StatusReply(StatusResult.STILL_IN_PROGRESS)
        if scripted == "undecidable":
            return StatusReply(StatusResult.UNDECIDABLE)
        result = self.ledger.get(payment_service_id)
        if result is None:
            return StatusReply(StatusResult.NOT_FOUND)
        return StatusReply(StatusResult(result.outcome.value), result)

    def reconcile(self, service_id: str, close_period: bool) -> TerminalTotals:
        approved = [r for r in self.ledger.values() if r.outcome is Outcome.APPROVED]
        totals = TerminalTotals(len(approved), sum(r.amount_cents for r in approved), "P1")
        if close_period:
            self.ledger.clear()
        return totals
