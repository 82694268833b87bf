"""An in-memory PIN terminal for unit and UI tests: the simulators' cent scenarios, no network.

Deterministic: approval codes count up, nothing waits except the hang scenario (x,93), which
blocks `pay` until `abort` or the test's `release`. Like a real terminal it keeps a log, so
`transaction_status` tells what happened to a payment whose answer was "lost" (x,94, x,97).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from app.core.payment.errors import PaymentError
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
from app.core.payment.state import Outcome, StatusResult, check_service_id
from app.hardware.payment.nexo_display import EVENT_TEXTS
from app.hardware.payment.scenarios import Scenario, partial_cents, scenario_for


class FakeTerminalClosed(PaymentError):
    code = "payment.terminal_closed"


@dataclass
class _Hanging:
    service_id: str
    done: threading.Event = field(default_factory=threading.Event)
    outcome: Outcome = Outcome.ABORTED


class FakeTerminal:
    def __init__(self, poi_id: str = "FAKE-P400", *, hang_limit: float = 120.0) -> None:
        self._poi_id = poi_id
        self.hang_limit = hang_limit
        self.unreachable = False  # tests set this: every call then raises TerminalUnreachable
        self.is_open = False
        self.displayed: list[str] = []
        self.requests: list[PaymentRequest] = []
        self.aborts: list[tuple[str, str]] = []
        self._log: dict[str, TerminalResult | None] = {}  # None: still in progress
        self._closed_period: list[TerminalResult] = []
        self._period = 1
        self._approvals = 0
        self._lock = threading.Condition()
        self._hanging: _Hanging | None = None

    @property
    def poi_id(self) -> str:
        return self._poi_id

    def open(self) -> None:
        self.is_open = True

    def close(self) -> None:
        self.is_open = False
        self.release(Outcome.ABORTED)

    # --- the port ---------------------------------------------------------------------------------

    def pay(self, request: PaymentRequest, on_display: DisplayCallback) -> TerminalResult:
        self._reachable()
        check_service_id(request.service_id)
        scenario = scenario_for(request.amount_cents)
        with self._lock:
            self.requests.append(request)
            if scenario is Scenario.BUSY or self._hanging is not None:
                raise TerminalBusy("De betaalautomaat is bezig met een andere betaling.")
            if request.service_id in self._log:
                return self._finish(request, Outcome.DECLINED, reason="NotAllowed", log=False)
            self._log[request.service_id] = None
        # The same cashier texts the nexo driver passes on from the terminal's display notifications.
        self._show(on_display, "TENDER_CREATED")
        if scenario is Scenario.HANG_UNTIL_ABORTED:
            outcome = self._hang(request.service_id)
            self._show(on_display, "TENDER_FINAL")
            return self._finish(request, outcome)
        if scenario is Scenario.CITIZEN_CANCELS:
            self._show(on_display, "TENDER_FINAL")
            return self._finish(request, Outcome.ABORTED, reason="Cancel")
        self._show(on_display, "CARD_PRESENTED")
        if scenario is Scenario.DECLINE:
            self._show(on_display, "TENDER_FINAL")
            return self._finish(request, Outcome.DECLINED, reason="Refusal")
        for event in ("WAIT_FOR_PIN", "PIN_ENTERED", "TENDER_FINAL"):
            self._show(on_display, event)
        partial = partial_cents(request.amount_cents) if scenario is Scenario.PARTIAL else None
        result = self._finish(request, Outcome.APPROVED, reason="Partial" if partial else None, authorised=partial)
        if scenario in (Scenario.APPROVE_THEN_DROP, Scenario.APPROVE_GARBLED):
            raise OutcomeUnknown("Geen bruikbaar antwoord van de betaalautomaat.", service_id=request.service_id)
        return result

    def abort(self, payment_service_id: str, abort_service_id: str) -> None:
        self._reachable()
        check_service_id(abort_service_id)
        with self._lock:
            self.aborts.append((payment_service_id, abort_service_id))
            hanging = self._hanging
        if hanging is not None and hanging.service_id == payment_service_id:
            self.release(Outcome.ABORTED)

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        self._reachable()
        check_service_id(status_service_id)
        with self._lock:
            if payment_service_id not in self._log:
                return StatusReply(StatusResult.NOT_FOUND)
            result = self._log[payment_service_id]
        if result is None:
            return StatusReply(StatusResult.STILL_IN_PROGRESS)
        return StatusReply(StatusResult(result.outcome.value), result)

    def reconcile(self, service_id: str, close_period: bool) -> TerminalTotals:
        self._reachable()
        check_service_id(service_id)
        with self._lock:
            seen = {id(r) for r in self._closed_period}
            approved = [
                r for r in self._log.values() if r is not None and r.outcome is Outcome.APPROVED and id(r) not in seen
            ]
            totals = TerminalTotals(len(approved), sum(r.amount_cents for r in approved), str(self._period))
            if close_period:
                self._closed_period.extend(approved)
                self._period += 1
        return totals

    # --- test hooks -------------------------------------------------------------------------------

    def wait_until_hanging(self, timeout: float = 10.0) -> bool:
        """True once a x,93 payment waits for an abort (or `release`)."""
        with self._lock:
            return self._lock.wait_for(lambda: self._hanging is not None, timeout)

    def release(self, outcome: Outcome = Outcome.APPROVED) -> None:
        """End the hanging payment with `outcome` (APPROVED: the citizen was quicker than the abort)."""
        with self._lock:
            hanging = self._hanging
        if hanging is not None:
            hanging.outcome = outcome
            hanging.done.set()

    # --- inside -----------------------------------------------------------------------------------

    def _hang(self, service_id: str) -> Outcome:
        hanging = _Hanging(service_id)
        with self._lock:
            self._hanging = hanging
            self._lock.notify_all()
        hanging.done.wait(self.hang_limit)
        with self._lock:
            self._hanging = None
        return hanging.outcome

    def _finish(
        self,
        request: PaymentRequest,
        outcome: Outcome,
        reason: str | None = None,
        log: bool = True,
        authorised: int | None = None,
    ) -> TerminalResult:
        approved = outcome is Outcome.APPROVED
        with self._lock:
            if approved:
                self._approvals += 1
            code = f"{self._approvals:06d}" if approved else None
        cents = (authorised or request.amount_cents) if approved else request.amount_cents
        euros = f"{cents // 100},{cents % 100:02d}"
        receipt = ("Gemeente Loket", f"Totaal: EUR {euros}", "GOEDGEKEURD" if approved else "NIET GELUKT")
        result = TerminalResult(
            outcome=outcome,
            service_id=request.service_id,
            amount_cents=cents if approved else 0,
            approval_code=code,
            masked_pan="**** 0008" if approved else None,
            card_brand="maestro" if approved else None,
            terminal_reference=f"FAKE{request.service_id}",
            reason=reason,
            cardholder_receipt=(*receipt, "Bewaar dit bewijs"),
            merchant_receipt=receipt,
        )
        if log:
            with self._lock:
                self._log[request.service_id] = result
        return result

    def _show(self, on_display: DisplayCallback, event: str) -> None:
        line = EVENT_TEXTS[event]
        self.displayed.append(line)
        on_display(line)

    def _reachable(self) -> None:
        if self.unreachable:
            raise TerminalUnreachable("De betaalautomaat is niet bereikbaar.")
        if not self.is_open:
            raise FakeTerminalClosed("De verbinding met de betaalautomaat is niet geopend.")
