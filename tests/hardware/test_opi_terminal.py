"""Every OPI simulator scenario through the real driver over TCP on 127.0.0.1 (both channels):
what a desk or kiosk would see — the outcome, the amount in cents, the display texts and receipts —
and the recovery of every unknown outcome by a status query."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from app.core.payment.ports import OutcomeUnknown, PaymentRequest, TerminalBusy, TerminalUnreachable
from app.core.payment.state import Outcome, StatusResult
from app.hardware.payment.opi_simulator import OpiSimulator
from app.hardware.payment.opi_terminal import OpiNotOpen, OpiRequestInvalid, OpiSettings, OpiTerminal
from app.hardware.payment.scenarios import Scenario, amount_for

WAIT = 10.0


def _terminal(sim: OpiSimulator, **overrides: float) -> OpiTerminal:
    settings = OpiSettings(
        terminal_host="127.0.0.1",
        terminal_port=sim.port,
        device_address="127.0.0.1",
        device_port=0,
        response_timeout=overrides.get("response_timeout", WAIT),
        short_timeout=WAIT,
    )
    terminal = OpiTerminal(settings)
    terminal.open()
    sim.device_port = terminal.device_port
    return terminal


@pytest.fixture
def sim() -> Iterator[OpiSimulator]:
    simulator = OpiSimulator(slow_delay=0.3).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def terminal(sim: OpiSimulator) -> Iterator[OpiTerminal]:
    term = _terminal(sim)
    yield term
    term.close()


def _pay_in_thread(terminal: OpiTerminal, request: PaymentRequest) -> tuple[threading.Thread, dict[str, object]]:
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["result"] = terminal.pay(request, lambda _text: None)
        except Exception as error:
            box["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


def test_approved_payment_with_exact_amount_display_and_receipts(sim: OpiSimulator, terminal: OpiTerminal) -> None:
    shown: list[str] = []
    result = terminal.pay(PaymentRequest("PAY1", "att-1", 7787), shown.append)
    assert result.outcome is Outcome.APPROVED
    assert result.amount_cents == 7787
    assert result.service_id == "PAY1"
    assert result.masked_pan == "****0017"
    assert result.approval_code
    assert shown == ["Presenteer kaart\nEUR 77,87", "Voer pincode in", "Betaling akkoord"]
    assert "Bedrag: EUR 77,87" in result.cardholder_receipt
    assert result.merchant_receipt[0] == "KOPIE HANDELAAR"
    assert [(t.request_id, t.amount_cents, t.overall_result) for t in sim.transactions()] == [("PAY1", 7787, "Success")]


def test_declined_card(terminal: OpiTerminal) -> None:
    result = terminal.pay(PaymentRequest("PAY2", "a", amount_for(Scenario.DECLINE)), lambda _t: None)
    assert result.outcome is Outcome.DECLINED
    assert result.amount_cents == 0
    assert result.reason is not None and result.reason.startswith("Failure")
    assert "GEWEIGERD" in result.cardholder_receipt


def test_citizen_cancels_on_the_terminal(terminal: OpiTerminal) -> None:
    result = terminal.pay(PaymentRequest("PAY3", "a", amount_for(Scenario.CITIZEN_CANCELS)), lambda _t: None)
    assert result.outcome is Outcome.ABORTED
    assert result.amount_cents == 0


def test_abort_from_another_thread_stops_a_hanging_payment(sim: OpiSimulator, terminal: OpiTerminal) -> None:
    thread, box = _pay_in_thread(terminal, PaymentRequest("PAY4", "a", amount_for(Scenario.HANG_UNTIL_ABORTED)))
    assert sim.wait_in_progress(WAIT)
    terminal.abort("PAY4", "ABT4")
    thread.join(WAIT)
    result = box["result"]
    assert getattr(result, "outcome", None) is Outcome.ABORTED
    assert sim.transactions()[-1].overall_result == "Aborted"


def test_approve_then_drop_is_unknown_and_the_status_query_finds_the_approval(
    sim: OpiSimulator, terminal: OpiTerminal
) -> None:
    amount = amount_for(Scenario.APPROVE_THEN_DROP, euros=25)
    with pytest.raises(OutcomeUnknown):
        terminal.pay(PaymentRequest("PAY5", "a", amount), lambda _t: None)
    reply = terminal.transaction_status("PAY5", "STS5")
    assert reply.result is StatusResult.APPROVED
    assert reply.payment is not None
    assert reply.payment.amount_cents == amount
    assert reply.payment.service_id == "PAY5"
    assert "Bedrag: EUR 25,94" in reply.payment.cardholder_receipt  # the terminal prints a copy
    assert len([t for t in sim.transactions() if t.overall_result == "Success"]) == 1  # charged once


def test_garbled_answer_is_unknown_and_the_status_query_finds_the_approval(terminal: OpiTerminal) -> None:
    amount = amount_for(Scenario.APPROVE_GARBLED)
    with pytest.raises(OutcomeUnknown):
        terminal.pay(PaymentRequest("PAY6", "a", amount), lambda _t: None)
    reply = terminal.transaction_status("PAY6", "STS6")
    assert reply.result is StatusResult.APPROVED
    assert reply.payment is not None and reply.payment.amount_cents == amount


def test_busy_terminal_charges_nothing(sim: OpiSimulator, terminal: OpiTerminal) -> None:
    with pytest.raises(TerminalBusy) as caught:
        terminal.pay(PaymentRequest("PAY7", "a", amount_for(Scenario.BUSY)), lambda _t: None)
    assert caught.value.code == "payment.terminal_busy"
    assert sim.transactions() == ()


def test_second_payment_while_one_runs_is_busy_and_status_says_still_in_progress(
    sim: OpiSimulator, terminal: OpiTerminal
) -> None:
    thread, box = _pay_in_thread(terminal, PaymentRequest("PAY8", "a", amount_for(Scenario.HANG_UNTIL_ABORTED)))
    assert sim.wait_in_progress(WAIT)
    with pytest.raises(TerminalBusy):
        terminal.pay(PaymentRequest("PAY9", "b", 1000), lambda _t: None)
    assert terminal.transaction_status("PAY8", "STS8").result is StatusResult.STILL_IN_PROGRESS
    terminal.abort("PAY8", "ABT8")
    thread.join(WAIT)
    assert getattr(box["result"], "outcome", None) is Outcome.ABORTED


def test_slow_terminal_is_approved(terminal: OpiTerminal) -> None:
    result = terminal.pay(PaymentRequest("PAYA", "a", amount_for(Scenario.SLOW)), lambda _t: None)
    assert result.outcome is Outcome.APPROVED


def test_time_out_is_unknown_then_recovered_when_the_terminal_finishes(sim: OpiSimulator) -> None:
    impatient = _terminal(sim, response_timeout=0.05)
    try:
        with pytest.raises(OutcomeUnknown):
            impatient.pay(PaymentRequest("PAYB", "a", amount_for(Scenario.SLOW)), lambda _t: None)
        first = impatient.transaction_status("PAYB", "STSB1")
        assert first.result in (StatusResult.STILL_IN_PROGRESS, StatusResult.APPROVED)
        assert sim.wait_logged(1, WAIT) and sim.wait_idle(WAIT)
        assert impatient.transaction_status("PAYB", "STSB2").result is StatusResult.APPROVED
    finally:
        impatient.close()


def test_status_of_a_payment_the_terminal_never_ran(terminal: OpiTerminal) -> None:
    # Nothing on the terminal yet: it cannot tell, so a person decides.
    assert terminal.transaction_status("LOST1", "STSL1").result is StatusResult.UNDECIDABLE
    terminal.pay(PaymentRequest("PAYC", "a", 500), lambda _t: None)
    # The last payment of this workstation is another one: ours never ran.
    assert terminal.transaction_status("LOST1", "STSL2").result is StatusResult.NOT_FOUND


def test_declined_payment_found_by_status(terminal: OpiTerminal) -> None:
    terminal.pay(PaymentRequest("PAYD", "a", amount_for(Scenario.DECLINE)), lambda _t: None)
    reply = terminal.transaction_status("PAYD", "STSD")
    assert reply.result is StatusResult.DECLINED


def test_reconciliation_with_closure(terminal: OpiTerminal) -> None:
    terminal.pay(PaymentRequest("PAYE", "a", 7787), lambda _t: None)
    terminal.pay(PaymentRequest("PAYF", "a", 1), lambda _t: None)
    terminal.pay(PaymentRequest("PAYG", "a", amount_for(Scenario.DECLINE)), lambda _t: None)
    totals = terminal.reconcile("REC1", close_period=False)
    assert (totals.approved_count, totals.approved_cents) == (2, 7788)
    closed = terminal.reconcile("REC2", close_period=True)
    assert (closed.approved_count, closed.approved_cents, closed.period_reference) == (2, 7788, "1")
    after = terminal.reconcile("REC3", close_period=False)
    assert (after.approved_count, after.approved_cents, after.period_reference) == (0, 0, "2")


def test_unreachable_terminal() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    term = OpiTerminal(OpiSettings("127.0.0.1", closed_port, device_address="127.0.0.1", device_port=0))
    term.open()
    try:
        with pytest.raises(TerminalUnreachable) as caught:
            term.pay(PaymentRequest("PAYH", "a", 100), lambda _t: None)
        assert caught.value.code == "payment.terminal_unreachable"
    finally:
        term.close()


def test_close_while_paying_gives_unknown(sim: OpiSimulator, terminal: OpiTerminal) -> None:
    thread, box = _pay_in_thread(terminal, PaymentRequest("PAYI", "a", amount_for(Scenario.HANG_UNTIL_ABORTED)))
    assert sim.wait_in_progress(WAIT)
    terminal.close()
    thread.join(WAIT)
    assert isinstance(box["error"], OutcomeUnknown)


@pytest.mark.parametrize(
    "request_",
    [
        PaymentRequest("PAYJ", "a", 100, currency="USD"),
        PaymentRequest("PAYK", "a", 0),
        PaymentRequest("PAYL", "a", -5),
        PaymentRequest("not valid!", "a", 100),
        PaymentRequest("", "a", 100),
    ],
)
def test_bad_requests_never_leave_the_desk(sim: OpiSimulator, terminal: OpiTerminal, request_: PaymentRequest) -> None:
    with pytest.raises(OpiRequestInvalid):
        terminal.pay(request_, lambda _t: None)
    assert sim.transactions() == ()


def test_pay_needs_open(sim: OpiSimulator) -> None:
    term = OpiTerminal(OpiSettings("127.0.0.1", sim.port, device_address="127.0.0.1", device_port=0))
    with pytest.raises(OpiNotOpen):
        term.pay(PaymentRequest("PAYM", "a", 100), lambda _t: None)
    assert sim.transactions() == ()


def test_a_failing_display_callback_does_not_break_the_payment(terminal: OpiTerminal) -> None:
    def broken(_text: str) -> None:
        raise RuntimeError("scherm weg")

    assert terminal.pay(PaymentRequest("PAYN", "a", 1234), broken).outcome is Outcome.APPROVED
