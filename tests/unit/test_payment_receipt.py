"""The legesnota built in the core from the journal: the same for desk and kiosk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.clock import FakeClock
from app.core.payment.journal import MemoryPaymentJournal
from app.core.payment.receipt import ReceiptUnavailable, order_receipt
from app.core.payment.service import PaymentService, kiosk_actor
from app.hardware.payment.fake import FakeTerminal
from app.hardware.payment.scenarios import Scenario, amount_for

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def service() -> PaymentService:
    clock = FakeClock(START)
    terminal = FakeTerminal("P400-0042")
    terminal.open()
    return PaymentService(terminal, MemoryPaymentJournal(clock), clock, workstation="Zuil 1", status_retry_seconds=0)


def test_receipt_of_an_approved_order_carries_card_details_and_the_terminal_text(service: PaymentService) -> None:
    order = service.create_order(kiosk_actor("zuil-1"), 940, "Uittreksel BRP")
    service.pay(order.order_id, lambda _u: None)
    receipt = order_receipt(service.entries(order.order_id), "Stadhuis")
    assert (receipt.number, receipt.location, receipt.point) == (order.order_id, "Stadhuis", "Zuil 1")
    assert receipt.total_cents == 940 and receipt.lines[0].product == "Uittreksel BRP"
    assert receipt.payment.masked_card == "**** 0008" and receipt.payment.terminal_id == "P400-0042"
    assert receipt.payment.approval_code and receipt.payment.cardholder_receipt[-1] == "Bewaar dit bewijs"
    assert receipt.issued_at == START


@pytest.mark.parametrize("scenario", [Scenario.DECLINE, Scenario.PARTIAL])
def test_no_receipt_without_an_approved_payment(service: PaymentService, scenario: Scenario) -> None:
    order = service.create_order(kiosk_actor("zuil-1"), amount_for(scenario), "Uittreksel BRP")
    service.pay(order.order_id, lambda _u: None)
    with pytest.raises(ReceiptUnavailable) as caught:
        order_receipt(service.entries(order.order_id), "Stadhuis")
    assert caught.value.code == "payment.no_receipt"
    assert caught.value.message == "Er is geen gelukte betaling om een bon van te maken."
