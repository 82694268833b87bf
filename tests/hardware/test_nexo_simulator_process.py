"""The nexo simulator as its own process (`python -m app.hardware.payment.nexo_simulator`), restarted
on the same state file: what it did survives, and its certificate (so the pin) stays the same."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.core.payment.ports import OutcomeUnknown, PaymentRequest
from app.core.payment.state import StatusResult
from app.hardware.payment.nexo_simulator import demo_credentials
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal
from app.hardware.payment.scenarios import Scenario, amount_for


@contextmanager
def simulator_process(state: Path, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, Any]]]:
    with log.open("ab") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.hardware.payment.nexo_simulator", "--port", "0", "--state-file", str(state)],
            stdout=subprocess.PIPE,
            stderr=errors,
        )
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())
        yield process, ready
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def terminal_for(ready: dict[str, Any]) -> NexoTerminal:
    terminal = NexoTerminal(
        NexoSettings(
            host="127.0.0.1",
            port=ready["port"],
            poi_id=ready["poi_id"],
            sale_id="LOKET-KIOSK-1",
            credentials=demo_credentials(),
            fingerprint=ready["fingerprint"],
            payment_timeout=30.0,
        )
    )
    terminal.open()
    return terminal


def test_approval_survives_a_restart_of_the_simulator(tmp_path: Path) -> None:
    state, log = tmp_path / "terminal.json", tmp_path / "sim.log"
    with simulator_process(state, log) as (process, ready):
        terminal = terminal_for(ready)
        with pytest.raises(OutcomeUnknown):
            terminal.pay(PaymentRequest("Drop000001", "leges-9", amount_for(Scenario.APPROVE_THEN_DROP)), ignore)
        terminal.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    with simulator_process(state, log) as (_process, again):
        assert again["fingerprint"] == ready["fingerprint"]
        terminal = terminal_for(again)
        reply = terminal.transaction_status("Drop000001", "Status0001")
        assert reply.result is StatusResult.APPROVED
        assert reply.payment is not None and reply.payment.amount_cents == 1094
        terminal.close()


def test_payment_cut_off_by_a_killed_terminal_ends_aborted(tmp_path: Path) -> None:
    state, log = tmp_path / "terminal.json", tmp_path / "sim.log"
    with simulator_process(state, log) as (process, ready):
        terminal = terminal_for(ready)
        errors: list[Exception] = []

        def hang() -> None:
            try:
                terminal.pay(PaymentRequest("Hang000001", "leges-9", amount_for(Scenario.HANG_UNTIL_ABORTED)), ignore)
            except OutcomeUnknown as error:
                errors.append(error)

        worker = threading.Thread(target=hang)
        worker.start()
        # Wait (by asking the terminal itself) until the payment is on the terminal, then kill it.
        while terminal.transaction_status("Hang000001", _next_status()).result is not StatusResult.STILL_IN_PROGRESS:
            pass  # the request is still on its way; each status query is a full round trip
        process.kill()
        worker.join(timeout=30)
        assert errors and isinstance(errors[0], OutcomeUnknown)
        terminal.close()
    with simulator_process(state, log) as (_process, again):
        terminal = terminal_for(again)
        assert terminal.transaction_status("Hang000001", _next_status()).result is StatusResult.ABORTED
        terminal.close()


def ignore(_text: str) -> None:
    return None


_status_numbers = iter(range(1, 10**6))


def _next_status() -> str:
    return f"Q{next(_status_numbers):09d}"
