"""The kiosk as a citizen meets it: open and closed services, the ticket, the way back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pytestqt.qtbot import QtBot

from app.core.errors import LoketError
from app.core.queue.service import QueueService
from app.hardware.printer.fake import FakeTicketPrinter
from app.kiosk.window import RETURN_AFTER_MS, KioskWindow
from app.store.seed import SeedIds
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner, ThreadPoolTaskRunner

T = TypeVar("T")


def test_every_service_has_a_button_with_queue_and_band(make_kiosk: Callable[[], KioskWindow], hall: SeedIds) -> None:
    kiosk = make_kiosk()
    button = kiosk.start_screen.button_for(hall.service_ids["RIJBEWIJS"])
    assert button.name_label.text() == "Rijbewijs"
    assert button.isEnabled()
    assert "Niemand wacht" in button.detail_label.text()
    # No desk is open yet: the kiosk says so instead of guessing a waiting time.
    assert "geen balie open" in button.detail_label.text()


def test_waiting_band_appears_once_a_desk_serves_the_service(
    qtbot: QtBot, make_kiosk: Callable[[], KioskWindow], queue: QueueService, hall: SeedIds
) -> None:
    kiosk = make_kiosk()
    queue.open_desk(hall.desk_ids["Balie 2"], "Bram")
    queue.issue_ticket(hall.service_ids["RIJBEWIJS"])
    button = kiosk.start_screen.button_for(hall.service_ids["RIJBEWIJS"])
    qtbot.waitUntil(lambda: "1 persoon wacht" in button.detail_label.text(), timeout=5000)
    assert "ca. " in button.detail_label.text() or "minder dan" in button.detail_label.text()


def test_closed_service_is_shown_disabled_and_says_gesloten(
    qtbot: QtBot, make_kiosk: Callable[[], KioskWindow], queue: QueueService, hall: SeedIds
) -> None:
    kiosk = make_kiosk()
    queue.set_service_open(hall.service_ids["AFHALEN"], False)
    button = kiosk.start_screen.button_for(hall.service_ids["AFHALEN"])
    qtbot.waitUntil(lambda: not button.isEnabled(), timeout=5000)
    assert button.detail_label.text() == "Gesloten"
    assert "Gesloten" in button.accessibleName()


def test_ticket_screen_tells_number_people_ahead_and_estimate(
    make_kiosk: Callable[[], KioskWindow], queue: QueueService, hall: SeedIds
) -> None:
    queue.open_desk(hall.desk_ids["Balie 1"], "Sanne")
    queue.issue_ticket(hall.service_ids["REISDOC"])
    queue.issue_ticket(hall.service_ids["REISDOC"])
    kiosk = make_kiosk()
    kiosk.start_screen.button_for(hall.service_ids["REISDOC"]).click()
    screen = kiosk.ticket_screen
    assert screen.number.text() == "A003"
    assert screen.people.text() == "Er zijn 2 personen voor u"
    assert screen.wait.text().startswith("Verwachte wachttijd: ")
    assert "schatting" in screen.wait.text()
    assert "Let op het scherm" in screen.hint.text()
    assert screen.print_note.isHidden()


def test_failed_print_asks_for_a_photo_and_keeps_the_ticket(
    make_kiosk: Callable[[], KioskWindow], printer: FakeTicketPrinter, hall: SeedIds
) -> None:
    printer.fail_with = "papier op"
    kiosk = make_kiosk()
    kiosk.start_screen.button_for(hall.service_ids["BURGERZAKEN"]).click()
    assert kiosk.ticket_screen.number.text() == "C001"
    assert kiosk.ticket_screen.print_note.isVisible()
    assert "maak een foto van uw nummer" in kiosk.ticket_screen.print_note.text().lower()


def test_ticket_screen_returns_to_start_by_itself(make_kiosk: Callable[[], KioskWindow], hall: SeedIds) -> None:
    kiosk = make_kiosk()
    kiosk.start_screen.button_for(hall.service_ids["REISDOC"]).click()
    assert kiosk.stack.currentWidget() is kiosk.ticket_screen
    assert kiosk.return_timer.isActive()
    assert kiosk.return_timer.interval() == RETURN_AFTER_MS
    kiosk.return_timer.timeout.emit()  # the 15 seconds have passed
    assert kiosk.stack.currentWidget() is kiosk.start_screen
    assert not kiosk.return_timer.isActive()


def test_klaar_returns_at_once(make_kiosk: Callable[[], KioskWindow], hall: SeedIds) -> None:
    kiosk = make_kiosk()
    kiosk.start_screen.button_for(hall.service_ids["REISDOC"]).click()
    kiosk.ticket_screen.done_button.click()
    assert kiosk.stack.currentWidget() is kiosk.start_screen
    assert not kiosk.return_timer.isActive()


def test_service_closed_meanwhile_gives_a_plain_message(
    make_kiosk: Callable[[], KioskWindow], queue: QueueService, hall: SeedIds
) -> None:
    kiosk = make_kiosk()
    queue.set_service_open(hall.service_ids["RIJBEWIJS"], False)
    kiosk.issue_ticket(hall.service_ids["RIJBEWIJS"])  # the tap came before the screen knew
    assert kiosk.stack.currentWidget() is kiosk.start_screen
    error = kiosk.start_screen.error_area
    assert error.isVisible()
    assert error.text() == "Rijbewijs is gesloten"
    assert "Traceback" not in error.text()


class HeldRunner:
    """Work waits until the test releases it, as a slow database would make it wait."""

    def __init__(self) -> None:
        self.held: list[Callable[[], None]] = []

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[LoketError], None] | None = None,
    ) -> None:
        self.held.append(lambda: SyncTaskRunner().run(work, on_done, on_error))

    def release_all(self) -> None:
        while self.held:
            self.held.pop(0)()


def test_a_double_tap_gives_one_ticket(
    qtbot: QtBot, queue: QueueService, hall: SeedIds, bridge: EventBridge, printer: FakeTicketPrinter
) -> None:
    runner = HeldRunner()
    kiosk = KioskWindow(queue, hall.location_id, runner, bridge)
    qtbot.addWidget(kiosk)
    runner.release_all()  # the first picture
    button = kiosk.start_screen.button_for(hall.service_ids["REISDOC"])
    button.click()
    button.click()  # impatient second tap while the first is still being issued
    assert len(runner.held) == 1
    runner.release_all()
    assert kiosk.ticket_screen.number.text() == "A001"
    assert len(printer.jobs) == 1


def test_kiosk_with_the_production_runner(
    qtbot: QtBot, queue: QueueService, hall: SeedIds, bridge: EventBridge
) -> None:
    runner = ThreadPoolTaskRunner()
    kiosk = KioskWindow(queue, hall.location_id, runner, bridge)
    qtbot.addWidget(kiosk)
    qtbot.waitUntil(lambda: kiosk.start_screen.title.text() != "", timeout=5000)
    qtbot.waitUntil(lambda: "Welkom ·" in kiosk.start_screen.location_label.text(), timeout=5000)
    kiosk.start_screen.button_for(hall.service_ids["RIJBEWIJS"]).click()
    qtbot.waitUntil(lambda: kiosk.ticket_screen.number.text() == "B001", timeout=5000)
    assert runner.wait_for_done(5000)


def test_retranslate_keeps_the_texts(make_kiosk: Callable[[], KioskWindow], hall: SeedIds) -> None:
    kiosk = make_kiosk()
    kiosk.start_screen.button_for(hall.service_ids["REISDOC"]).click()
    before = kiosk.ticket_screen.wait.text()
    kiosk.retranslate_ui()
    assert kiosk.ticket_screen.wait.text() == before
    assert kiosk.start_screen.title.text() == "Waarvoor komt u?"


def test_a_closed_kiosk_no_longer_returns_to_its_start_screen(
    make_kiosk: Callable[[], KioskWindow], hall: SeedIds
) -> None:
    # Found by the whole suite: a kiosk closed on its ticket screen woke up 15 s later inside
    # another test and reached for a worker pool that was already gone.
    kiosk = make_kiosk()
    kiosk.start_screen.button_for(hall.service_ids["REISDOC"]).click()
    assert kiosk.return_timer.isActive()
    kiosk.close()
    assert not kiosk.return_timer.isActive()
