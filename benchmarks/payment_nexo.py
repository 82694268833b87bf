"""One approved nexo payment round trip: NexoTerminal.pay → nexo simulator on loopback → result.

Each payment is a fresh HTTPS connection (TLS handshake, certificate pin check), the request
encrypted (AES-256-CBC + HMAC), the simulator decrypts, writes its transaction log (fsync),
answers encrypted, the driver decrypts, verifies and parses. The simulator's card "wait" is zero
for an approve amount. Reference in the same run: the in-memory FakeTerminal.

    python -m benchmarks.payment_nexo --rounds 100
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

from app.core.payment.ports import PaymentRequest, PaymentTerminal
from app.core.payment.state import Outcome
from app.hardware.payment.fake import FakeTerminal
from app.hardware.payment.nexo_simulator import NexoSimulator, demo_credentials
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal
from benchmarks.common import Figure, format_table, summary


def _terminal(sim: NexoSimulator) -> NexoTerminal:
    terminal = NexoTerminal(
        NexoSettings(
            host="127.0.0.1",
            port=sim.port,
            poi_id=sim.poi_id,
            sale_id="BENCH",
            credentials=demo_credentials(),
            fingerprint=sim.fingerprint,
        )
    )
    terminal.open()
    return terminal


def _pay(terminal: PaymentTerminal, service_id: str) -> float:
    started = time.perf_counter_ns()
    result = terminal.pay(PaymentRequest(service_id, "bench", 7787), lambda _text: None)
    elapsed = (time.perf_counter_ns() - started) / 1e6
    if result.outcome is not Outcome.APPROVED:
        raise RuntimeError(f"betaling niet goedgekeurd: {result.outcome}")
    return elapsed


def run(workdir: Path, rounds: int = 200) -> list[Figure]:
    ids = (f"B{n:09d}" for n in itertools.count(1))
    nexo: list[float] = []
    memory: list[float] = []
    status: list[float] = []
    fake: list[float] = []
    reference = FakeTerminal()
    reference.open()
    # The simulator writes its transaction log (fsync) when a payment starts and when it ends, as
    # a terminal must; the second simulator keeps its log in memory, which shows the driver's share.
    with NexoSimulator(state_file=workdir / "nexo-bench.json") as sim, NexoSimulator() as bare:
        terminal, quick = _terminal(sim), _terminal(bare)
        for _ in range(rounds):
            service_id = next(ids)
            nexo.append(_pay(terminal, service_id))
            started = time.perf_counter_ns()
            terminal.transaction_status(service_id, next(ids))
            status.append((time.perf_counter_ns() - started) / 1e6)
            memory.append(_pay(quick, next(ids)))
            fake.append(_pay(reference, next(ids)))
        terminal.close()
        quick.close()
    pay_s, memory_s, status_s, fake_s = summary(nexo), summary(memory), summary(status), summary(fake)
    return [
        Figure(
            "nexo betaling (goedgekeurd) heen en terug p50",
            pay_s["p50"],
            "ms",
            "FakeTerminal p50",
            fake_s["p50"],
            extra={"p95": pay_s["p95"]},
        ),
        Figure("nexo betaling (goedgekeurd) heen en terug p95", pay_s["p95"], "ms", "FakeTerminal p95", fake_s["p95"]),
        Figure(
            "nexo betaling, simulatorlog in geheugen p50",
            memory_s["p50"],
            "ms",
            extra={"p95": memory_s["p95"]},
        ),
        Figure("nexo betaling, simulatorlog in geheugen p95", memory_s["p95"], "ms"),
        Figure("nexo statusvraag p50", status_s["p50"], "ms", extra={"p95": status_s["p95"]}),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.payment_nexo")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(Path(tmp), args.rounds)
    sys.stdout.write(format_table(figures) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
