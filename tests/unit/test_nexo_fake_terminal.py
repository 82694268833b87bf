"""FakeTerminal (for other screens' tests) plays the same cent scenarios as the simulators."""

from __future__ import annotations

import threading

import pytest

from app.core.payment.ports import OutcomeUnknown, PaymentRequest, TerminalBusy, TerminalResult, TerminalUnreachable
from app.core.payment.state import Outcome, StatusResult
from app.hardware.payment.fake import FakeTerminal, FakeTerminalClosed
from app.hardware.payment.scenarios import Scenario, amount_for


def opened() -> FakeTerminal:
    terminal = FakeTerminal()
    terminal.open()
    return terminal


def pay(terminal: FakeTerminal, cents: int, service_id: str = "S1") -> TerminalResult:
    return terminal.pay(PaymentRequest(service_id, "leges-1", cents), lambda _text: None)


def test_approved_with_receipt_and_display_texts() -> None:
    terminal = opened()
    shown: list[str] = []
    result = terminal.pay(PaymentRequest("S1", "leges-1", 7787), shown.append)
    assert (result.outcome, result.amount_cents, result.approval_code) == (Outcome.APPROVED, 7787, "000001")
    assert "Totaal: EUR 77,87" in result.cardholder_receipt
    assert shown == [
        "Betaling gestart op de betaalautomaat",
        "Kaart gelezen",
        "De klant toetst de pincode in",
        "Pincode ingevoerd",
        "Betaling afgerond op de betaalautomaat",
    ]


@pytest.mark.parametrize(
    ("scenario", "outcome"),
    [
        (Scenario.DECLINE, Outcome.DECLINED),
        (Scenario.CITIZEN_CANCELS, Outcome.ABORTED),
        (Scenario.SLOW, Outcome.APPROVED),
    ],
)
def test_final_scenarios(scenario: Scenario, outcome: Outcome) -> None:
    assert pay(opened(), amount_for(scenario)).outcome is outcome


@pytest.mark.parametrize("scenario", [Scenario.APPROVE_THEN_DROP, Scenario.APPROVE_GARBLED])
def test_lost_answer_is_unknown_and_status_finds_the_approval(scenario: Scenario) -> None:
    terminal = opened()
    with pytest.raises(OutcomeUnknown):
        pay(terminal, amount_for(scenario))
    assert terminal.transaction_status("S1", "Q1").result is StatusResult.APPROVED


def test_busy_and_not_found() -> None:
    terminal = opened()
    with pytest.raises(TerminalBusy):
        pay(terminal, amount_for(Scenario.BUSY))
    assert terminal.transaction_status("S1", "Q1").result is StatusResult.NOT_FOUND


@pytest.mark.parametrize(("how", "outcome"), [("abort", Outcome.ABORTED), ("release", Outcome.APPROVED)])
def test_hanging_payment_ends_by_abort_or_release(how: str, outcome: Outcome) -> None:
    terminal = opened()
    results: list[TerminalResult] = []
    worker = threading.Thread(target=lambda: results.append(pay(terminal, amount_for(Scenario.HANG_UNTIL_ABORTED))))
    worker.start()
    assert terminal.wait_until_hanging()
    assert terminal.transaction_status("S1", "Q1").result is StatusResult.STILL_IN_PROGRESS
    with pytest.raises(TerminalBusy):
        pay(terminal, 100, "S2")
    if how == "abort":
        terminal.abort("S1", "A1")
    else:
        terminal.release(Outcome.APPROVED)
    worker.join(timeout=10)
    assert results[0].outcome is outcome


def test_totals_and_closure() -> None:
    terminal = opened()
    pay(terminal, 1000, "S1")
    pay(terminal, 1, "S2")
    pay(terminal, amount_for(Scenario.DECLINE), "S3")
    assert terminal.reconcile("R1", close_period=False).approved_cents == 1001
    closed = terminal.reconcile("R2", close_period=True)
    assert (closed.approved_count, closed.approved_cents) == (2, 1001)
    assert terminal.reconcile("R3", close_period=False).approved_count == 0


def test_unreachable_and_closed() -> None:
    terminal = opened()
    terminal.unreachable = True
    with pytest.raises(TerminalUnreachable):
        pay(terminal, 1000)
    with pytest.raises(FakeTerminalClosed):
        pay(FakeTerminal(), 1000)


def test_reused_service_id_is_not_charged_twice() -> None:
    terminal = opened()
    assert pay(terminal, 500).outcome is Outcome.APPROVED
    assert pay(terminal, 500).outcome is Outcome.DECLINED
    assert terminal.reconcile("R1", close_period=False).approved_count == 1
