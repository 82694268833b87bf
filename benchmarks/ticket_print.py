"""(e) `issue_ticket` → the last byte of the ticket at the ESC/POS simulator (loopback TCP).

The real driver: DLE EOT status questions before the job, the ticket with its native QR, the
cut. The clock stops when the simulator receives the chunk that holds the cut (its arrival,
before it renders). Reference in the same run: `issue_ticket` with the in-memory printer.
"""

from __future__ import annotations

import time
from pathlib import Path

from app.config import PrinterSettings
from app.core.clock import SystemClock
from app.core.printing import Branding
from app.core.queue.ports import TicketPrint
from app.core.queue.service import QueueService
from app.hardware.printer.escpos_printer import EscposPrinter
from app.hardware.printer.fake import FakeTicketPrinter
from app.hardware.printer.simulator import PrinterSimulator
from app.store.seed import seed_demo
from benchmarks.common import Figure, fresh, summary


def run(workdir: Path, rounds: int = 200) -> list[Figure]:
    db = fresh(f"sqlite:///{workdir / 'print.db'}")
    hall = seed_demo(db)
    service_id = hall.service_ids["BURGERZAKEN"]
    bare_queue = QueueService(db.queue_store(), SystemClock(), FakeTicketPrinter())
    printed: list[float] = []
    bare: list[float] = []
    with PrinterSimulator() as sim:
        settings = PrinterSettings(kind="network", host=sim.host, port=sim.port, municipality="Gemeente Loket")
        printer = EscposPrinter(settings, Branding("Gemeente Loket"))
        queue = QueueService(db.queue_store(), SystemClock(), printer)
        for _ in range(rounds):
            # Interleaved: both see the same queue length, which is what issue_ticket's time depends on.
            before = len(sim.pages)
            started = time.monotonic_ns()
            issued = queue.issue_ticket(service_id)
            if not issued.printed or not sim.wait_for_pages(before + 1, timeout=10):
                raise RuntimeError(f"ticket niet geprint: {issued.print_error}")
            printed.append((sim.last_byte_ns - started) / 1e6)
            started = time.monotonic_ns()
            bare_queue.issue_ticket(service_id)
            bare.append((time.monotonic_ns() - started) / 1e6)
        # The printer's own share: status questions, building the job, sending it.
        alone: list[float] = []
        job = issued.ticket
        ticket = TicketPrint(
            job.number, "Burgerzaken", "Civil affairs", "Stadhuis", job.issued_at, 3, (5, 10), job.token
        )
        for _ in range(rounds):
            before = len(sim.pages)
            started = time.monotonic_ns()
            printer.print_ticket(ticket)
            if not sim.wait_for_pages(before + 1, timeout=10):
                raise RuntimeError("ticket niet geprint")
            alone.append((sim.last_byte_ns - started) / 1e6)
        printer.close()
    db.dispose()
    real, ref, own = summary(printed), summary(bare), summary(alone)
    return [
        Figure("(e) print_ticket alleen → laatste byte p50", own["p50"], "ms", extra={"p95": own["p95"]}),
        Figure(
            "(e) issue_ticket → laatste byte bij printersimulator p50",
            real["p50"],
            "ms",
            "issue_ticket met nepprinter p50",
            ref["p50"],
        ),
        Figure(
            "(e) issue_ticket → laatste byte bij printersimulator p95",
            real["p95"],
            "ms",
            "issue_ticket met nepprinter p95",
            ref["p95"],
            "< 100 ms",
            real["p95"] < 100,
        ),
    ]
