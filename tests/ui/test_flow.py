"""A citizen takes a ticket, a clerk calls it, the waiting room sees it: through the screens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.balie.actions import Action
from app.core.clock import FakeClock
from app.core.queue.service import QueueService
from app.display.call_screen import CallScreen
from app.hardware.printer.fake import FakeTicketPrinter
from app.kiosk.window import KioskWindow
from app.store.database import Database
from app.store.seed import SeedIds
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner
from tests.ui.conftest import CountingChime
from tests.ui.kcc_setup import ACCOUNTS, build_kcc, make_kcc_balie


def test_ticket_from_kiosk_is_called_at_the_desk_and_shown_in_the_waiting_room(
    qtbot: QtBot,
    keep: list[QWidget],
    make_kiosk: Callable[[], KioskWindow],
    make_display: Callable[[], CallScreen],
    queue: QueueService,
    clock: FakeClock,
    runner: SyncTaskRunner,
    bridge: EventBridge,
    database: Database,
    hall: SeedIds,
    printer: FakeTicketPrinter,
    chime: CountingChime,
) -> None:
    kiosk = make_kiosk()
    display = make_display()
    kcc = build_kcc(database, clock)
    balie = make_kcc_balie(keep, qtbot, queue, clock, hall, runner, bridge, kcc)("anna", sign_in=False)

    # The clerk signs in with user name and password and presses Aanmelden.
    balie.sign_in_screen.staff_edit.clear()
    qtbot.keyClicks(balie.sign_in_screen.staff_edit, "anna")
    qtbot.keyClicks(balie.sign_in_screen.password_edit, ACCOUNTS["anna"][2])
    balie.sign_in_screen.sign_in_button.click()
    desk = balie.desk_screen
    assert desk is not None
    assert "Balie 1" in desk.title.text() and "Anna de Vries" in desk.title.text()
    assert not desk.buttons[Action.NEXT].isEnabled()  # nobody waits yet

    # A citizen taps "Paspoort en ID-kaart" on the kiosk.
    kiosk.start_screen.button_for(hall.service_ids["REISDOC"]).click()
    assert kiosk.stack.currentWidget() is kiosk.ticket_screen
    assert kiosk.ticket_screen.number.text() == "A001"
    assert kiosk.ticket_screen.service.text() == "Paspoort en ID-kaart"
    assert [job.number for job in printer.jobs] == ["A001"]

    # The desk hears of the new ticket through the watcher and may call.
    qtbot.waitUntil(lambda: desk.buttons[Action.NEXT].isEnabled(), timeout=5000)
    desk.buttons[Action.NEXT].click()
    assert desk.number_label.text() == "A001"
    assert desk.state_label.text() == "Opgeroepen"

    # The waiting room shows the call with the desk and chimes once.
    qtbot.waitUntil(lambda: display.newest_text() == "A001 → Balie 1", timeout=5000)
    assert display.newest_number.text() == "A001"
    assert display.newest_desk.text() == "Balie 1"
    assert display.flashing
    assert chime.count == 1

    # The kiosk's start screen counts the waiting queue down again.
    kiosk.show_start()
    button = kiosk.start_screen.button_for(hall.service_ids["REISDOC"])
    qtbot.waitUntil(lambda: "Niemand wacht" in button.detail_label.text(), timeout=5000)
