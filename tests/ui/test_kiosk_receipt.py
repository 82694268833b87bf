"""After an approved payment the kiosk prints the legesnota itself (the receipt built in the core,
the real ESC/POS driver), says so, and on a printer failure sends the citizen to a staff member
for a receipt without ever holding them up. An approval for less than asked prints nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config import PrinterSettings
from app.core.clock import FakeClock
from app.core.payment.service import PaymentService
from app.core.payment.state import PaymentState
from app.core.printing import Branding, ReceiptPrinter
from app.core.queue.service import QueueService
from app.hardware.payment.fake import FakeTerminal
from app.hardware.printer.escpos_printer import EscposPrinter
from app.hardware.printer.simulator import PrinterSimulator
from app.kiosk.payment_screen import RECEIPT_FAILED, RECEIPT_PRINTING, KioskProduct, PaymentScreen
from app.kiosk.window import KioskWindow
from app.store.database import Database
from app.store.payment_repository import SqlPaymentJournal
from app.store.seed import SeedIds
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner, TaskRunner, ThreadPoolTaskRunner

BRANDING = Branding(municipality="Gemeente Zuidhaven")
PRODUCTS = (KioskProduct("Uittreksel BRP", 940), KioskProduct("Paspoort", 1098))  # x,98: approved for half

MakeKiosk = Callable[..., tuple[KioskWindow, PaymentScreen]]


@pytest.fixture
def make_kiosk(
    qtbot: QtBot, queue: QueueService, hall: SeedIds, bridge: EventBridge, database: Database, clock: FakeClock
) -> Iterator[MakeKiosk]:
    made: list[tuple[PaymentService, FakeTerminal]] = []

    def make(printer: ReceiptPrinter, runner: TaskRunner | None = None) -> tuple[KioskWindow, PaymentScreen]:
        terminal = FakeTerminal("P400-KIOSK1")
        terminal.open()
        service = PaymentService(terminal, SqlPaymentJournal(database, clock), clock, workstation="Zuil 1")
        made.append((service, terminal))
        window = KioskWindow(
            queue,
            hall.location_id,
            SyncTaskRunner(),
            bridge,
            payment=service,
            payment_runner=runner or SyncTaskRunner(),
            payment_products=PRODUCTS,
            receipt_printer=printer,
            receipt_place=("Stadhuis Zuidhaven", "Zuil 1"),
        )
        qtbot.addWidget(window)
        window.resize(1080, 1920)
        window.show()
        assert window.payment_screen is not None
        return window, window.payment_screen

    yield make
    for service, terminal in made:
        service.close()
        terminal.close()


def tap(kiosk: KioskWindow, product: str) -> None:
    next(b for b in kiosk.start_screen.product_buttons if product in b.text()).click()


def test_approved_payment_prints_the_legesnota_and_says_so(make_kiosk: MakeKiosk, tmp_path: Path) -> None:
    paper_file = tmp_path / "bon.bin"
    printer = EscposPrinter(PrinterSettings(kind="file", path=str(paper_file)), BRANDING)
    kiosk, screen = make_kiosk(printer)
    try:
        tap(kiosk, "Uittreksel BRP")
    finally:
        printer.close()
    assert screen.outcome.text() == "De betaling is gelukt. Dank u wel."
    assert (
        screen.receipt_note.isVisible() and screen.receipt_note.text() == RECEIPT_PRINTING == "Uw bon wordt afgedrukt."
    )
    assert not screen.receipt_failed.isVisible()
    paper = paper_file.read_bytes().decode("cp858")
    assert "Uittreksel BRP" in paper and "€ 9,40" in paper
    assert "**** 0008" in paper and "Autorisatiecode" in paper
    assert "Zuil 1" in paper and "Stadhuis Zuidhaven" in paper
    assert "Bewaar dit bewijs" in paper  # the terminal's own receipt, verbatim
    screen.done_button.click()
    assert not screen.receipt_note.isVisible()  # the next citizen starts clean


def test_printer_failure_sends_the_citizen_to_a_staff_member_for_a_receipt(qtbot: QtBot, make_kiosk: MakeKiosk) -> None:
    with PrinterSimulator() as sim:
        sim.state = "out"
        printer = EscposPrinter(PrinterSettings(kind="network", host=sim.host, port=sim.port), BRANDING, timeout=0.5)
        runner = ThreadPoolTaskRunner(workers=2)
        kiosk, screen = make_kiosk(printer, runner)
        try:
            tap(kiosk, "Uittreksel BRP")
            qtbot.waitUntil(lambda: screen.receipt_failed.isVisible(), timeout=10000)
            assert runner.wait_for_done()
        finally:
            printer.close()
        assert sim.pages == []
    assert screen.receipt_failed.text() == RECEIPT_FAILED
    assert RECEIPT_FAILED == "De bon kon niet worden afgedrukt. Vraag een medewerker om een bon."
    assert not screen.receipt_note.isVisible()
    assert screen.state is PaymentState.APPROVED  # the payment itself stands
    assert screen.outcome.text() == "De betaling is gelukt. Dank u wel."
    assert screen.done_button.isVisible() and not screen.retry_button.isVisible()


def test_approval_for_less_than_asked_prints_nothing_and_brings_a_staff_member(
    make_kiosk: MakeKiosk, tmp_path: Path
) -> None:
    paper_file = tmp_path / "bon.bin"
    printer = EscposPrinter(PrinterSettings(kind="file", path=str(paper_file)), BRANDING)
    kiosk, screen = make_kiosk(printer)
    try:
        tap(kiosk, "Paspoort")
    finally:
        printer.close()
    assert screen.state is PaymentState.NEEDS_OPERATOR
    assert screen.outcome.text() == (
        "De betaalautomaat heeft € 5,49 afgeschreven in plaats van € 10,98. De betaling is nog niet rond. "
        "Er komt een medewerker naar u toe. Betaal niet nog een keer."
    )
    assert not screen.receipt_note.isVisible() and not screen.receipt_failed.isVisible()
    assert not paper_file.exists() or "Paspoort" not in paper_file.read_bytes().decode("cp858")
    assert screen.done_button.text() == "Medewerker: klaar" and not screen.retry_button.isVisible()
