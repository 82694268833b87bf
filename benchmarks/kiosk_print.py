"""(c) A citizen taps a service on the kiosk → the ticket job is at the printer port.

Runs the real kiosk window (offscreen) with the real thread-pool task runner and the
SQLite store; the clock stops when the printer port receives the job. Reference in the same
run: the bare `issue_ticket` use case without any screen.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.core.clock import SystemClock
from app.core.queue.ports import TicketPrint
from app.core.queue.service import QueueService
from app.hardware.printer.fake import FakeTicketPrinter
from app.store.seed import seed_demo
from benchmarks.common import Figure, fresh, summary


class TimedPrinter(FakeTicketPrinter):
    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[int] = []

    def print_ticket(self, ticket: TicketPrint) -> None:
        super().print_ticket(ticket)
        self.arrivals.append(time.monotonic_ns())


def run(workdir: Path, rounds: int = 200) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
    from PySide6.QtTest import QTest

    from app.bootstrap import application
    from app.kiosk.window import KioskWindow
    from app.ui.bridge import EventBridge
    from app.ui.tasks import ThreadPoolTaskRunner

    app = application()
    db = fresh(f"sqlite:///{workdir / 'kiosk.db'}")
    hall = seed_demo(db)
    printer = TimedPrinter()
    queue = QueueService(db.queue_store(), SystemClock(), printer)
    from app.core.events import EventBus

    bridge = EventBridge(EventBus())
    runner = ThreadPoolTaskRunner(bridge)
    kiosk = KioskWindow(queue, hall.location_id, runner, bridge)
    kiosk.resize(1080, 1920)
    kiosk.show()
    kiosk.refresh()
    service_id = hall.service_ids["BURGERZAKEN"]
    deadline = time.monotonic() + 10
    while service_id not in kiosk.start_screen._buttons and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    taps = []
    for _ in range(rounds):
        kiosk.show_start()
        button = kiosk.start_screen.button_for(service_id)
        while not button.isEnabled():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        before = len(printer.arrivals)
        tapped = time.monotonic_ns()
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        while len(printer.arrivals) == before:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
        taps.append((printer.arrivals[-1] - tapped) / 1e6)
        while kiosk.stack.currentWidget() is not kiosk.ticket_screen:  # let the screen finish
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    bare = []
    for _ in range(rounds):
        started = time.monotonic_ns()
        queue.issue_ticket(service_id)
        bare.append((time.monotonic_ns() - started) / 1e6)
    runner.wait_for_done(5000)
    kiosk.close()
    db.dispose()
    app.processEvents()

    tap, ref = summary(taps), summary(bare)
    return [
        Figure(
            "(c) kiosk-tik → ticket bij printerpoort p50",
            tap["p50"],
            "ms",
            "issue_ticket zonder scherm p50",
            ref["p50"],
        ),
        Figure(
            "(c) kiosk-tik → ticket bij printerpoort p95",
            tap["p95"],
            "ms",
            "issue_ticket zonder scherm p95",
            ref["p95"],
            "< 100 ms",
            tap["p95"] < 100,
        ),
    ]
