"""The OPI simulator's state file: its transaction log, totals and counters survive a restart, so
RepeatLastMessage still finds a payment after the terminal itself went down; a payment the
terminal was running when it was killed (SIGKILL, a separate process) ends aborted, never paid.
All over the real OPI driver on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.core.payment.ports import OutcomeUnknown, PaymentRequest
from app.core.payment.state import Outcome, StatusResult
from app.hardware.payment.opi_sim_log import OpiSimulatorStateInvalid
from app.hardware.payment.opi_simulator import OpiSimulator, main
from app.hardware.payment.opi_terminal import OpiSettings, OpiTerminal
from app.hardware.payment.scenarios import Scenario, amount_for

ROOT = Path(__file__).resolve().parents[2]
WAIT = 10.0


def open_terminal(port: int, device_port: int = 0) -> OpiTerminal:
    settings = OpiSettings(
        terminal_host="127.0.0.1",
        terminal_port=port,
        device_address="127.0.0.1",
        device_port=device_port,
        response_timeout=WAIT,
        short_timeout=WAIT,
    )
    terminal = OpiTerminal(settings)
    terminal.open()
    return terminal


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "opi-terminal.json"


def test_log_totals_and_counters_survive_a_restart(state_file: Path) -> None:
    with OpiSimulator(state_file=state_file) as sim:
        terminal = open_terminal(sim.port)
        sim.device_port = terminal.device_port
        first = terminal.pay(PaymentRequest("PAY1", "a", 7787), lambda _t: None)
        terminal.close()
    with OpiSimulator(state_file=state_file) as sim:
        terminal = open_terminal(sim.port)
        sim.device_port = terminal.device_port
        try:
            reply = terminal.transaction_status("PAY1", "STS1")
            totals = terminal.reconcile("REC1", close_period=True)
            second = terminal.pay(PaymentRequest("PAY2", "b", 1000), lambda _t: None)
        finally:
            terminal.close()
    assert reply.result is StatusResult.APPROVED
    assert reply.payment is not None and reply.payment.amount_cents == 7787
    assert reply.payment.approval_code == first.approval_code
    assert (totals.approved_count, totals.approved_cents, totals.period_reference) == (1, 7787, "1")
    assert first.approval_code == "A000001" and second.approval_code == "A000002"  # the counter goes on
    saved = json.loads(state_file.read_text(encoding="utf-8"))
    assert [t["request_id"] for t in saved["transactions"]] == ["PAY1", "PAY2"]
    assert saved["batch"] == 2 and saved["in_progress"] is None


def test_a_payment_cut_off_by_killing_the_terminal_ends_aborted(state_file: Path, tmp_path: Path) -> None:
    terminal = open_terminal(port=1)  # only for its device port; the real port follows below
    device_port = terminal.device_port
    terminal.close()

    def start() -> tuple[subprocess.Popen[str], int]:
        command = [sys.executable, "-m", "app.hardware.payment.opi_simulator", "--port", "0"]
        command += ["--device-port", str(device_port), "--state-file", str(state_file)]
        with (tmp_path / "sim.log").open("a") as errors:
            process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True)
        assert process.stdout is not None
        return process, int(json.loads(process.stdout.readline())["port"])

    process, port = start()
    terminal = open_terminal(port, device_port)
    box: dict[str, BaseException] = {}

    def pay() -> None:
        try:
            terminal.pay(PaymentRequest("PAY9", "a", amount_for(Scenario.HANG_UNTIL_ABORTED)), lambda _t: None)
        except BaseException as error:
            box["error"] = error

    payer = threading.Thread(target=pay)
    payer.start()
    try:
        # The state file says so once the terminal holds the payment (written before it waits).
        shown = terminal.transaction_status("PAY9", "STS0")
        while shown.result is not StatusResult.STILL_IN_PROGRESS:
            shown = terminal.transaction_status("PAY9", "STS0")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(WAIT)
        payer.join(WAIT)
        assert isinstance(box.get("error"), OutcomeUnknown)
        restarted, port = start()
    finally:
        terminal.close()
    terminal = open_terminal(port)
    try:
        reply = terminal.transaction_status("PAY9", "STS2")
    finally:
        terminal.close()
        restarted.terminate()
        restarted.wait(WAIT)
    assert reply.result is StatusResult.ABORTED
    assert reply.payment is not None and reply.payment.outcome is Outcome.ABORTED
    assert reply.payment.amount_cents == 0


def test_an_unreadable_state_file_is_a_clear_message(state_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state_file.write_text("{ niet af", encoding="utf-8")
    with pytest.raises(OpiSimulatorStateInvalid) as caught:
        OpiSimulator(state_file=state_file)
    assert caught.value.code == "payment.simulator_state_invalid"
    assert main(["--port", "0", "--state-file", str(state_file)]) == 2
    assert capsys.readouterr().err.strip() == f"Het statusbestand van de simulator is onleesbaar: {state_file}"
