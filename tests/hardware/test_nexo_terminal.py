"""NexoTerminal against the nexo simulator over real HTTPS on 127.0.0.1, every cent scenario."""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.payment.ports import (
    OutcomeUnknown,
    PaymentRequest,
    TerminalBusy,
    TerminalResult,
    TerminalUnreachable,
)
from app.core.payment.state import Outcome, StatusResult
from app.hardware.payment.nexo_crypto import NexoCredentials, derive_keys
from app.hardware.payment.nexo_sim_log import SimulatorStateInvalid
from app.hardware.payment.nexo_simulator import NexoSimulator, demo_credentials
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal, TerminalClosed
from app.hardware.payment.scenarios import Scenario, amount_for
from app.hardware.payment.tls import CertificateMismatch, FingerprintInvalid, generate_self_signed

SALE_ID = "LOKET-BALIE-3"
_ids = itertools.count(1)


def next_id() -> str:
    return f"T{next(_ids):09d}"


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[NexoSimulator]:
    sim = NexoSimulator(state_file=tmp_path / "terminal.json", slow_delay=0.05)
    sim.start()
    yield sim
    sim.stop()


def settings_for(sim: NexoSimulator, **overrides: object) -> NexoSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": sim.port,
        "poi_id": sim.poi_id,
        "sale_id": SALE_ID,
        "credentials": demo_credentials(),
        "fingerprint": sim.fingerprint,
        "connect_timeout": 5.0,
        "payment_timeout": 30.0,
        "request_timeout": 10.0,
    }
    values.update(overrides)
    return NexoSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def terminal(simulator: NexoSimulator) -> Iterator[NexoTerminal]:
    term = NexoTerminal(settings_for(simulator))
    term.open()
    yield term
    term.close()


def pay(terminal: NexoTerminal, cents: int, service_id: str | None = None) -> TerminalResult:
    request = PaymentRequest(service_id or next_id(), "leges-42", cents, operator_id="medewerker-7")
    return terminal.pay(request, lambda _text: None)


def test_approved_payment_carries_amount_card_and_receipts(terminal: NexoTerminal) -> None:
    result = pay(terminal, 7787)
    assert result.outcome is Outcome.APPROVED
    assert result.amount_cents == 7787
    assert result.approval_code is not None and len(result.approval_code) == 6
    assert result.masked_pan == "**** 0008"
    assert result.card_brand == "maestro"
    assert result.terminal_reference and result.terminal_reference.startswith("SIM")
    assert "Totaal: EUR 77,87" in result.cardholder_receipt
    assert "Bewaar dit bewijs" in result.cardholder_receipt
    assert "Handtekening niet nodig" in result.merchant_receipt
    assert "Gemeente Loket" in result.cardholder_receipt


def test_one_cent_it_test_payment(terminal: NexoTerminal) -> None:
    result = pay(terminal, 1)
    assert (result.outcome, result.amount_cents) == (Outcome.APPROVED, 1)
    assert "Totaal: EUR 0,01" in result.cardholder_receipt


def test_declined_card(terminal: NexoTerminal) -> None:
    result = pay(terminal, amount_for(Scenario.DECLINE))
    assert result.outcome is Outcome.DECLINED
    assert result.amount_cents == 0
    assert result.reason == "Not enough balance"


def test_citizen_cancels_on_the_terminal(terminal: NexoTerminal) -> None:
    result = pay(terminal, amount_for(Scenario.CITIZEN_CANCELS))
    assert result.outcome is Outcome.ABORTED


def test_abort_from_another_thread_while_pay_blocks(terminal: NexoTerminal, simulator: NexoSimulator) -> None:
    service_id = next_id()
    results: list[TerminalResult] = []
    cents = amount_for(Scenario.HANG_UNTIL_ABORTED)
    worker = threading.Thread(target=lambda: results.append(pay(terminal, cents, service_id)))
    worker.start()
    assert simulator.wait_until_in_progress(service_id)
    terminal.abort(service_id, next_id())
    worker.join(timeout=20)
    assert not worker.is_alive()
    assert results[0].outcome is Outcome.ABORTED
    assert terminal.transaction_status(service_id, next_id()).result is StatusResult.ABORTED
    assert "Abort" in simulator.requests_seen


def test_approve_then_drop_is_unknown_and_status_finds_the_approval(terminal: NexoTerminal) -> None:
    service_id = next_id()
    cents = amount_for(Scenario.APPROVE_THEN_DROP, euros=23)
    with pytest.raises(OutcomeUnknown):
        pay(terminal, cents, service_id)
    reply = terminal.transaction_status(service_id, next_id())
    assert reply.result is StatusResult.APPROVED
    assert reply.payment is not None
    assert reply.payment.amount_cents == cents
    assert reply.payment.service_id == service_id
    assert any("EUR 23,94" in line for line in reply.payment.cardholder_receipt)


def test_garbled_approval_is_unknown_and_status_finds_the_approval(terminal: NexoTerminal) -> None:
    service_id = next_id()
    with pytest.raises(OutcomeUnknown) as caught:
        pay(terminal, amount_for(Scenario.APPROVE_GARBLED), service_id)
    assert caught.value.__cause__ is not None
    assert getattr(caught.value.__cause__, "code", "") == "payment.hmac_mismatch"
    assert terminal.transaction_status(service_id, next_id()).result is StatusResult.APPROVED


def test_busy_terminal_charges_nothing(terminal: NexoTerminal) -> None:
    service_id = next_id()
    with pytest.raises(TerminalBusy):
        pay(terminal, amount_for(Scenario.BUSY), service_id)
    assert terminal.transaction_status(service_id, next_id()).result is StatusResult.NOT_FOUND


def test_second_payment_while_one_hangs_is_busy(terminal: NexoTerminal, simulator: NexoSimulator) -> None:
    hanging = next_id()
    worker = threading.Thread(target=lambda: pay(terminal, amount_for(Scenario.HANG_UNTIL_ABORTED), hanging))
    worker.start()
    assert simulator.wait_until_in_progress(hanging)
    with pytest.raises(TerminalBusy):
        pay(terminal, 1500)
    terminal.abort(hanging, next_id())
    worker.join(timeout=20)


def test_slow_payment_is_approved(terminal: NexoTerminal) -> None:
    result = pay(terminal, amount_for(Scenario.SLOW))
    assert (result.outcome, result.amount_cents) == (Outcome.APPROVED, 1096)


def test_time_out_is_unknown_still_in_progress_then_aborted(simulator: NexoSimulator) -> None:
    impatient = NexoTerminal(settings_for(simulator, payment_timeout=0.3))
    impatient.open()
    service_id = next_id()
    with pytest.raises(OutcomeUnknown):
        pay(impatient, amount_for(Scenario.HANG_UNTIL_ABORTED), service_id)
    assert impatient.transaction_status(service_id, next_id()).result is StatusResult.STILL_IN_PROGRESS
    impatient.abort(service_id, next_id())
    assert simulator.wait_until_finished(SALE_ID, service_id)
    assert impatient.transaction_status(service_id, next_id()).result is StatusResult.ABORTED
    impatient.close()


def test_status_of_a_payment_the_terminal_never_saw(terminal: NexoTerminal) -> None:
    reply = terminal.transaction_status("NeverSent1", next_id())
    assert reply.result is StatusResult.NOT_FOUND
    assert reply.payment is None


def test_reused_service_id_is_not_charged_twice(terminal: NexoTerminal, simulator: NexoSimulator) -> None:
    service_id = next_id()
    assert pay(terminal, 2500, service_id).outcome is Outcome.APPROVED
    assert pay(terminal, 2500, service_id).outcome is Outcome.DECLINED
    assert simulator.totals()[1:] == (1, 2500)


def test_totals_and_closure(terminal: NexoTerminal) -> None:
    pay(terminal, 7787)
    pay(terminal, 1)
    pay(terminal, amount_for(Scenario.DECLINE))
    before = terminal.reconcile(next_id(), close_period=False)
    assert (before.approved_count, before.approved_cents) == (2, 7788)
    closed = terminal.reconcile(next_id(), close_period=True)
    assert (closed.approved_count, closed.approved_cents) == (2, 7788)
    assert closed.period_reference == before.period_reference
    after = terminal.reconcile(next_id(), close_period=False)
    assert (after.approved_count, after.approved_cents) == (0, 0)
    assert after.period_reference != closed.period_reference


def test_text_on_the_terminal_display(terminal: NexoTerminal, simulator: NexoSimulator) -> None:
    terminal.show_text(next_id(), ("Welkom bij de gemeente",))
    assert "Welkom bij de gemeente" in simulator.displayed


def test_other_certificate_is_refused_before_sending(simulator: NexoSimulator) -> None:
    other = generate_self_signed("someone-else").fingerprint
    term = NexoTerminal(settings_for(simulator, fingerprint=other))
    term.open()
    with pytest.raises(CertificateMismatch) as caught:
        pay(term, 1000)
    assert isinstance(caught.value, TerminalUnreachable)
    assert simulator.requests_seen == []
    term.close()


def test_fingerprint_with_colons_and_capitals_is_accepted(simulator: NexoSimulator) -> None:
    spelled = ":".join(simulator.fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()
    term = NexoTerminal(settings_for(simulator, fingerprint=spelled))
    term.open()
    assert pay(term, 500).outcome is Outcome.APPROVED
    term.close()


def test_nobody_listening_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sim_fingerprint = "00" * 32
    settings = NexoSettings(
        host="127.0.0.1",
        port=port,
        poi_id="V400m-1",
        sale_id=SALE_ID,
        credentials=demo_credentials(),
        fingerprint=sim_fingerprint,
    )
    term = NexoTerminal(settings)
    term.open()
    with pytest.raises(TerminalUnreachable):
        pay(term, 1000)


def test_wrong_key_is_never_a_result(simulator: NexoSimulator) -> None:
    wrong = NexoCredentials("LoketDemoKey", 1, derive_keys("another passphrase"))
    term = NexoTerminal(settings_for(simulator, credentials=wrong))
    term.open()
    with pytest.raises(OutcomeUnknown):
        pay(term, 1000)
    assert simulator.totals()[1] == 0
    term.close()


def test_log_and_certificate_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "terminal.json"
    first = NexoSimulator(state_file=state)
    first.start()
    term = NexoTerminal(settings_for(first))
    term.open()
    service_id = next_id()
    with pytest.raises(OutcomeUnknown):
        pay(term, amount_for(Scenario.APPROVE_THEN_DROP), service_id)
    term.close()
    first.stop()

    second = NexoSimulator(state_file=state)
    second.start()
    try:
        assert second.fingerprint == first.fingerprint
        again = NexoTerminal(settings_for(second))
        again.open()
        assert again.transaction_status(service_id, next_id()).result is StatusResult.APPROVED
        again.close()
    finally:
        second.stop()


def test_close_wakes_a_waiting_payment_as_unknown(terminal: NexoTerminal, simulator: NexoSimulator) -> None:
    service_id = next_id()
    errors: list[Exception] = []

    def hang() -> None:
        try:
            pay(terminal, amount_for(Scenario.HANG_UNTIL_ABORTED), service_id)
        except OutcomeUnknown as error:
            errors.append(error)

    worker = threading.Thread(target=hang)
    worker.start()
    assert simulator.wait_until_in_progress(service_id)
    terminal.close()
    worker.join(timeout=20)
    assert not worker.is_alive()
    assert len(errors) == 1


def test_bad_fingerprint_setting_and_unopened_terminal_give_typed_errors(simulator: NexoSimulator) -> None:
    with pytest.raises(FingerprintInvalid):
        NexoTerminal(settings_for(simulator, fingerprint="not-a-fingerprint")).open()
    with pytest.raises(TerminalClosed):
        pay(NexoTerminal(settings_for(simulator)), 1000)
    assert simulator.requests_seen == []


@pytest.mark.parametrize("cents", [7, 10, 1010, 99990, 123456789])
def test_amount_comes_back_exactly_as_sent(terminal: NexoTerminal, cents: int) -> None:
    result = pay(terminal, cents)
    assert (result.outcome, result.amount_cents) == (Outcome.APPROVED, cents)


def test_unreadable_state_file_is_a_typed_error(tmp_path: Path) -> None:
    state = tmp_path / "terminal.json"
    state.write_text('{"identity": 5}', encoding="utf-8")
    with pytest.raises(SimulatorStateInvalid):
        NexoSimulator(state_file=state)


def test_abort_after_the_approval_changes_nothing(terminal: NexoTerminal) -> None:
    service_id = next_id()
    assert pay(terminal, 4200, service_id).outcome is Outcome.APPROVED
    terminal.abort(service_id, next_id())  # the citizen was quicker than the desk
    reply = terminal.transaction_status(service_id, next_id())
    assert reply.result is StatusResult.APPROVED
    assert reply.payment is not None and reply.payment.amount_cents == 4200
