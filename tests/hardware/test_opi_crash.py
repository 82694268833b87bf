"""The till crashes (SIGKILL) in the middle of an OPI payment; a fresh driver, as after a restart,
finds the true outcome with a status query: nothing lost, nothing charged twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.payment.state import StatusResult
from app.hardware.payment.opi_simulator import OpiSimulator
from app.hardware.payment.opi_terminal import OpiSettings, OpiTerminal
from app.hardware.payment.scenarios import Scenario, amount_for

WAIT = 10.0
ROOT = Path(__file__).resolve().parents[2]

# The till: opens channel 1, says on which port, waits for "go", then pays and blocks.
TILL = textwrap.dedent(
    """
    import sys
    from app.core.payment.ports import PaymentRequest
    from app.hardware.payment.opi_terminal import OpiSettings, OpiTerminal

    port, service_id, cents = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    terminal = OpiTerminal(OpiSettings("127.0.0.1", port, device_address="127.0.0.1", device_port=0))
    terminal.open()
    print(terminal.device_port, flush=True)
    sys.stdin.readline()
    terminal.pay(PaymentRequest(service_id, "crash", cents), lambda text: None)
    print("answered", flush=True)
    sys.stdin.readline()  # stay alive: the test kills us, early or late
    """
)


@pytest.fixture
def sim() -> Iterator[OpiSimulator]:
    simulator = OpiSimulator(slow_delay=0.5).start()
    yield simulator
    simulator.stop()


def _start_till(sim: OpiSimulator, service_id: str, cents: int) -> subprocess.Popen[str]:
    till = subprocess.Popen(
        [sys.executable, "-c", TILL, str(sim.port), service_id, str(cents)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert till.stdin is not None and till.stdout is not None
    sim.device_port = int(till.stdout.readline())
    till.stdin.write("go\n")
    till.stdin.flush()
    return till


def _kill(till: subprocess.Popen[str]) -> None:
    os.kill(till.pid, signal.SIGKILL)
    till.wait(WAIT)
    assert till.returncode == -signal.SIGKILL


def _restarted(sim: OpiSimulator) -> OpiTerminal:
    terminal = OpiTerminal(OpiSettings("127.0.0.1", sim.port, device_address="127.0.0.1", device_port=0))
    terminal.open()
    sim.device_port = terminal.device_port
    return terminal


def test_killed_while_the_terminal_waits_then_aborted_after_restart(sim: OpiSimulator) -> None:
    till = _start_till(sim, "CRASH1", amount_for(Scenario.HANG_UNTIL_ABORTED))
    assert sim.wait_in_progress(WAIT)
    _kill(till)
    terminal = _restarted(sim)
    try:
        assert terminal.transaction_status("CRASH1", "STSC1").result is StatusResult.STILL_IN_PROGRESS
        terminal.abort("CRASH1", "ABTC1")
        assert sim.wait_idle(WAIT)
        reply = terminal.transaction_status("CRASH1", "STSC2")
        assert reply.result is StatusResult.ABORTED
    finally:
        terminal.close()
    assert [t.overall_result for t in sim.transactions()] == ["Aborted"]


def test_killed_before_the_approval_arrived_then_found_after_restart(sim: OpiSimulator) -> None:
    amount = amount_for(Scenario.SLOW, euros=31)
    till = _start_till(sim, "CRASH2", amount)
    assert sim.wait_in_progress(WAIT)
    _kill(till)  # the citizen's card is still being charged while the till is gone
    assert sim.wait_logged(1, WAIT) and sim.wait_idle(WAIT)
    terminal = _restarted(sim)
    try:
        reply = terminal.transaction_status("CRASH2", "STSC3")
    finally:
        terminal.close()
    assert reply.result is StatusResult.APPROVED
    assert reply.payment is not None and reply.payment.amount_cents == amount
    assert [(t.request_id, t.overall_result) for t in sim.transactions()] == [("CRASH2", "Success")]
