"""The crash test of issue #5: a Loket process is killed (SIGKILL) in each state of a payment; a
restarted process recovers from the journal, and the nexo simulator's own transaction log shows
that every payment ended at its true outcome: none lost, none charged twice.

The simulator runs in its own process (as a terminal would), the worker in another; both talk
real nexo over HTTPS on 127.0.0.1. The worker announces each point on stdout and waits there, so
the kill lands exactly where the test wants it, without sleeps.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from app.core.payment.state import PaymentState, StatusResult
from app.hardware.payment.nexo_simulator import demo_credentials
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal
from app.hardware.payment.scenarios import Scenario, amount_for
from app.store.database import Database
from app.store.payment_repository import SqlPaymentJournal

ROOT = Path(__file__).resolve().parents[2]
POI_ID = "V400m-CRASH001"
WAIT = 60.0  # upper bound for a process to reach a point; normally well under a second


@dataclass
class Simulator:
    port: int
    fingerprint: str
    state_file: Path

    def transactions(self, sale_id: str) -> list[dict[str, Any]]:
        """The terminal's own log of payments from this workstation (written atomically)."""
        state = json.loads(self.state_file.read_text(encoding="utf-8"))
        return [t for t in state["transactions"] if t["sale_id"] == sale_id]

    def terminal(self, sale_id: str) -> NexoTerminal:
        settings = NexoSettings(
            host="127.0.0.1",
            port=self.port,
            poi_id=POI_ID,
            sale_id=sale_id,
            credentials=demo_credentials(),
            fingerprint=self.fingerprint,
            request_timeout=10.0,
        )
        terminal = NexoTerminal(settings)
        terminal.open()
        return terminal


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    folder = tmp_path_factory.mktemp("nexo")
    command = [sys.executable, "-m", "app.hardware.payment.nexo_simulator", "--port", "0", "--poi-id", POI_ID]
    command += ["--state-file", str(folder / "terminal.json")]
    with (folder / "simulator.log").open("w") as errors:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True)
    assert process.stdout is not None
    ready = json.loads(process.stdout.readline())  # one line when it listens
    yield Simulator(ready["port"], ready["fingerprint"], folder / "terminal.json")
    process.terminate()
    process.wait(30)


class Worker:
    def __init__(self, log_file: Path, *args: str) -> None:
        command = [sys.executable, "-m", "tests.store.payment_crash_worker", *args]
        with log_file.open("a") as errors:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True
            )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line.strip())
        self._lines.put("EOF")

    def line(self) -> str:
        return self._lines.get(timeout=WAIT)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(WAIT) == -signal.SIGKILL

    def finish(self) -> dict[str, str]:
        line = self.line()
        assert line.startswith("DONE "), line
        assert self.process.wait(WAIT) == 0
        return dict(json.loads(line.removeprefix("DONE ")))


def wait_until_terminal_holds(sim: Simulator, sale_id: str, service_id: str) -> None:
    """Ask the terminal itself (status queries over nexo) until it reports the payment running."""
    terminal = sim.terminal(sale_id)
    deadline = time.monotonic() + WAIT
    try:
        while time.monotonic() < deadline:
            reply = terminal.transaction_status(service_id, f"W{secrets.token_hex(4)}")
            if reply.result is StatusResult.STILL_IN_PROGRESS:
                return
        pytest.fail("the terminal never started the payment")
    finally:
        terminal.close()


# (point where the worker dies, what the terminal does, the true outcome)
CASES = [
    ("before_send", Scenario.APPROVE, PaymentState.ABORTED),
    ("in_terminal", Scenario.HANG_UNTIL_ABORTED, PaymentState.ABORTED),
    ("answered", Scenario.APPROVE, PaymentState.APPROVED),
    ("answered", Scenario.DECLINE, PaymentState.DECLINED),
    ("status", Scenario.APPROVE_THEN_DROP, PaymentState.APPROVED),
    ("status", Scenario.APPROVE_GARBLED, PaymentState.APPROVED),
    ("status_answered", Scenario.APPROVE_THEN_DROP, PaymentState.APPROVED),
]


@pytest.mark.parametrize(("point", "scenario", "truth"), CASES, ids=[f"{p}-{s.value}" for p, s, _ in CASES])
def test_killed_in_each_state_the_restart_finds_the_true_outcome(
    database: Database,
    database_url: str,
    simulator: Simulator,
    tmp_path: Path,
    point: str,
    scenario: Scenario,
    truth: PaymentState,
) -> None:
    sale_id = f"CRASH{secrets.token_hex(4).upper()}"  # this workstation's id at the terminal
    order_id = f"crash-{point}-{scenario.value}"
    connection = [database_url, str(simulator.port), simulator.fingerprint, POI_ID, sale_id]
    log_file = tmp_path / "worker.log"

    worker = Worker(log_file, "pay", *connection, order_id, str(amount_for(scenario)), point)
    at = worker.line()
    assert at.startswith(f"AT {point} "), f"{at}: see {log_file}"
    if point == "in_terminal":
        wait_until_terminal_holds(simulator, sale_id, at.split()[2])
    worker.kill()

    journal = SqlPaymentJournal(database)
    assert [o.order_id for o in journal.open_orders(POI_ID)] == [order_id], "the journal lost the payment"

    recovered = Worker(log_file, "recover", *connection).finish()

    assert recovered == {order_id: truth.value}
    order = journal.load(order_id)
    assert order.current is not None and order.current.state is truth
    assert journal.open_orders() == []
    # The terminal's own log: at most the one payment request, charged only if the journal says so.
    at_terminal = simulator.transactions(sale_id)
    approved = [t for t in at_terminal if t["approved"]]
    assert len(approved) == (1 if truth is PaymentState.APPROVED else 0)
    assert len(at_terminal) == (0 if point == "before_send" else 1)
    assert {t["service_id"] for t in at_terminal} <= set(order.used_service_ids())
    assert all(t["state"] == "final" for t in at_terminal)
