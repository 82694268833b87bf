"""Support for the payment service tests (no tests here): the project's FakeTerminal, watched.

`WatchedTerminal` is the in-memory FakeTerminal (scenarios by cents, its own log for status
queries) with two additions the service tests need: it records every ServiceID that reaches it
before the journal held it (the write-ahead rule), and it can play status answers a fake never
gives by itself (no answer, still in progress, undecidable) or lose a request on the way.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from app.core.payment.journal import PaymentJournal
from app.core.payment.ports import DisplayCallback, OutcomeUnknown, PaymentRequest, StatusReply, TerminalResult
from app.core.payment.state import StatusResult
from app.hardware.payment.fake import FakeTerminal
from app.hardware.payment.scenarios import Scenario, amount_for

POI_ID = "P400-UNIT1"
EVER = datetime(2000, 1, 1, tzinfo=UTC)


def cents(scenario: Scenario, euros: int = 77) -> int:
    return amount_for(scenario, euros)


class WatchedTerminal(FakeTerminal):
    def __init__(self, journal: PaymentJournal) -> None:
        super().__init__(POI_ID)
        self._journal = journal
        self.seen_unjournalled: list[str] = []
        self.status_queries: list[tuple[str, str]] = []
        self.status_script: list[str] = []  # unanswered, in_progress, undecidable; then the real log
        self.lose_next_request = False  # the request never reaches the terminal; the caller times out
        self.crash_after_charge = False  # the driver fails with a bug after the terminal charged
        self._paying: set[str] = set()
        self._pays = threading.Condition()
        self.open()

    def _check_journalled(self, service_id: str) -> None:
        if service_id not in {u.service_id for u in self._journal.used_service_ids(POI_ID, EVER)}:
            self.seen_unjournalled.append(service_id)

    def pay(self, request: PaymentRequest, on_display: DisplayCallback) -> TerminalResult:
        self._check_journalled(request.service_id)
        if self.lose_next_request:
            self.lose_next_request = False
            raise OutcomeUnknown("Geen antwoord van de betaalautomaat.")
        with self._pays:
            self._paying.add(request.service_id)
        try:
            result = super().pay(request, on_display)
            if self.crash_after_charge:
                raise RuntimeError("driver bug after the answer came in")
            return result
        finally:
            with self._pays:
                self._paying.discard(request.service_id)
                self._pays.notify_all()

    def abort(self, payment_service_id: str, abort_service_id: str) -> None:
        self._check_journalled(abort_service_id)
        super().abort(payment_service_id, abort_service_id)
        # Returns once the aborted payment has ended in the terminal's log, so a status query right
        # after it has a settled answer: the tests stay deterministic without any waiting.
        with self._pays:
            self._pays.wait_for(lambda: payment_service_id not in self._paying, 10)

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        self._check_journalled(status_service_id)
        self.status_queries.append((payment_service_id, status_service_id))
        scripted = self.status_script.pop(0) if self.status_script else "log"
        if scripted == "unanswered":
            raise OutcomeUnknown("Geen antwoord op de statusvraag.")
        if scripted == "in_progress":
            return StatusReply(StatusResult.STILL_IN_PROGRESS)
        if scripted == "undecidable":
            return StatusReply(StatusResult.UNDECIDABLE)
        return super().transaction_status(payment_service_id, status_service_id)
