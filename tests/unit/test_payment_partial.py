"""A partial approval that only a status query reveals (the answer was lost in a crash) is caught
too: the order goes to a person, never to "paid"."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.clock import FakeClock
from app.core.payment.journal import MemoryPaymentJournal, OrderInfo
from app.core.payment.order import PaymentOrder, apply, start_attempt
from app.core.payment.ports import PaymentRequest
from app.core.payment.service import PaymentService
from app.core.payment.state import Journalled, PaymentState
from app.core.payment.texts import REASON_PARTIAL
from app.hardware.payment.fake import FakeTerminal
from app.hardware.payment.scenarios import Scenario, amount_for

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_partial_approval_found_by_status_query_after_a_crash_needs_a_person() -> None:
    clock = FakeClock(START)
    journal = MemoryPaymentJournal(clock)
    terminal = FakeTerminal()
    terminal.open()
    asked = amount_for(Scenario.PARTIAL)  # € 10,98
    order = start_attempt(PaymentOrder("o1", terminal.poi_id, asked), "a1")
    order = apply(order, Journalled("PAY1"))
    journal.create(order, OrderInfo("Paspoort", "balie 3", "jdevries"))
    # The request went out and the terminal approved € 5,49; then Loket died before the answer.
    terminal.pay(PaymentRequest("PAY1", "a1", asked), lambda _text: None)

    service = PaymentService(terminal, journal, clock, status_retry_seconds=0)
    (recovered,) = service.recover_open()

    assert recovered.current is not None and recovered.current.state is PaymentState.NEEDS_OPERATOR
    (entry,) = service.entries("o1")
    assert (entry.amount_cents, entry.approved_cents, entry.reason) == (1098, 549, REASON_PARTIAL)
    assert terminal.requests[-1].service_id == "PAY1"  # nothing was paid again
    assert len(terminal.requests) == 1
