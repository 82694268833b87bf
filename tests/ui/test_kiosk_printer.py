"""The kiosk with the real ESC/POS driver on the loopback simulator: paper runs out mid-day."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.config import PrinterSettings
from app.core.clock import FakeClock
from app.core.events import DeviceAlert
from app.core.printing import Branding
from app.core.queue.service import QueueService
from app.hardware.printer.escpos_printer import EscposPrinter
from app.hardware.printer.simulator import PrinterSimulator
from app.kiosk.window import KioskWindow
from app.store.database import Database
from app.store.seed import SeedIds
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner

BRANDING = Branding(municipality="Gemeente Zuidhaven", status_url="https://loket.zuidhaven.example/t/{token}")


@pytest.fixture
def sim() -> Iterator[PrinterSimulator]:
    with PrinterSimulator() as simulator:
        yield simulator


def test_paper_runs_out_mid_day_and_every_citizen_still_gets_a_number(
    qtbot: QtBot,
    keep: list[QWidget],
    database: Database,
    hall: SeedIds,
    clock: FakeClock,
    runner: SyncTaskRunner,
    bridge: EventBridge,
    sim: PrinterSimulator,
    tmp_path: Path,
) -> None:
    alerts: list[DeviceAlert] = []
    bridge.device_alert.connect(alerts.append)  # what the host mode listens to
    printer = EscposPrinter(PrinterSettings(kind="network", host=sim.host, port=sim.port), BRANDING, timeout=0.5)
    queue = QueueService(database.queue_store(), clock, printer)
    kiosk = KioskWindow(
        queue, hall.location_id, runner, bridge, ticket_url=BRANDING.ticket_url, printer_status=printer.status
    )
    qtbot.addWidget(kiosk)
    keep.append(kiosk)
    kiosk.resize(1080, 1920)
    kiosk.show()
    service = hall.service_ids["BURGERZAKEN"]
    screen = kiosk.ticket_screen
    numbers = []
    for citizen in range(24):
        if citizen == 8:
            sim.state = "near_end"  # still prints
        if citizen == 14:
            sim.state = "out"
        assert kiosk.printer_note.isVisible() == (citizen > 14)  # said before the tap, not after
        kiosk.start_screen.button_for(service).click()
        numbers.append(screen.number.text())
        if citizen < 14:
            assert screen.print_note.isHidden()
        else:
            assert "maak een foto" in screen.print_note.text().lower()
            assert screen.qr.isVisible()
        if citizen == 14:
            shot = tmp_path / "qr.png"
            screen.qr.pixmap().save(str(shot))
            ticket = queue.snapshot(hall.location_id).waiting[-1]
            decoded = [c.text for c in zxingcpp.read_barcodes(Image.open(shot).convert("L"))]
            assert decoded == [f"https://loket.zuidhaven.example/t/{ticket.token}"]
        screen.done_button.click()
        clock.advance(60)
    prefix = numbers[0][0]
    assert numbers == [f"{prefix}{n:03d}" for n in range(1, 25)]  # nobody was skipped or lost
    assert sim.wait_for_pages(14)
    assert len(sim.pages) == 14
    # The host hears: near end once and out once from the kiosk's own checks, and every ticket
    # that could not be printed, with its number.
    qtbot.waitUntil(lambda: len(alerts) == 12, timeout=5000)
    from_checks = [a.code for a in alerts if not a.ticket_number]
    assert from_checks == ["printer.paper_near_end", "printer.paper_out"]
    assert [a.ticket_number for a in alerts if a.ticket_number] == numbers[14:]
    assert {a.code for a in alerts if a.ticket_number} == {"printer.paper_out"}

    sim.state = "ok"  # the host put in a new roll
    kiosk.check_printer()
    assert kiosk.printer_note.isHidden()
    kiosk.start_screen.button_for(service).click()
    assert screen.print_note.isHidden()
    assert sim.wait_for_pages(15)
    printer.close()
