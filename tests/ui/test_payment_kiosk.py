"""Paying at the kiosk as a citizen meets it: the amount and what it is for, the terminal's own
words, one big "Stoppen", and for every outcome the kiosk wording; an outcome nobody can know
brings a staff member (a DeviceAlert the host hears) and never an invitation to pay again."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.core.clock import FakeClock
from app.core.events import DeviceAlert
from app.core.payment.ports import OutcomeUnknown, StatusReply
from app.core.payment.service import PaymentService
from app.core.payment.state import PaymentState
from app.core.payment.texts import text_for
from app.core.queue.service import QueueService
from app.hardware.payment.fake import FakeTerminal
from app.kiosk.payment_screen import DEMO_PRODUCTS, PAYMENT_HELP, KioskProduct, PaymentScreen
from app.kiosk.window import KioskWindow
from app.store.database import Database
from app.store.payment_repository import SqlPaymentJournal
from app.store.seed import SeedIds
from app.ui.accessibility import describe, unlabeled_focusable
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner, TaskRunner, ThreadPoolTaskRunner

PRODUCTS = (
    KioskProduct("Uittreksel BRP", 940),
    KioskProduct("Rijbewijs", 1091),  # x,91: the card is refused
    KioskProduct("Paspoort", 1093),  # x,93: the terminal waits until it is stopped
    KioskProduct("Verklaring omtrent gedrag", 1094),  # x,94: approved, then the answer is lost
)


class StatusLostTerminal(FakeTerminal):
    """A terminal whose status answers never arrive (cable pulled after the payment)."""

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        raise OutcomeUnknown("Geen antwoord op de statusvraag.")


@pytest.fixture
def make_paying_kiosk(
    qtbot: QtBot, queue: QueueService, hall: SeedIds, bridge: EventBridge, database: Database, clock: FakeClock
) -> Iterator[Callable[..., tuple[KioskWindow, FakeTerminal]]]:
    made: list[tuple[PaymentService, FakeTerminal]] = []

    def make(
        terminal: FakeTerminal | None = None, runner: TaskRunner | None = None
    ) -> tuple[KioskWindow, FakeTerminal]:
        terminal = terminal or FakeTerminal("P400-KIOSK1")
        terminal.open()
        service = PaymentService(terminal, SqlPaymentJournal(database, clock), clock, status_retry_seconds=0)
        made.append((service, terminal))
        window = KioskWindow(
            queue,
            hall.location_id,
            SyncTaskRunner(),
            bridge,
            payment=service,
            payment_runner=runner or SyncTaskRunner(),
            payment_products=PRODUCTS,
        )
        qtbot.addWidget(window)
        window.resize(1080, 1920)
        window.show()
        return window, terminal

    yield make
    for service, terminal in made:
        service.close()
        terminal.close()


def screen_of(kiosk: KioskWindow) -> PaymentScreen:
    assert kiosk.payment_screen is not None
    return kiosk.payment_screen


def tap(kiosk: KioskWindow, product: str) -> PaymentScreen:
    button = next(b for b in kiosk.start_screen.product_buttons if product in b.text())
    button.click()
    return screen_of(kiosk)


def test_the_demo_offers_an_uittreksel_brp() -> None:
    assert [(p.name, p.amount_cents) for p in DEMO_PRODUCTS] == [("Uittreksel BRP", 940)]


def test_approved(make_paying_kiosk: Callable[..., tuple[KioskWindow, FakeTerminal]]) -> None:
    kiosk, terminal = make_paying_kiosk()
    assert kiosk.start_screen.product_buttons[0].text() == "Betalen: Uittreksel BRP (€ 9,40)"
    screen = tap(kiosk, "Uittreksel BRP")
    assert kiosk.stack.currentWidget() is screen
    assert screen.amount.text() == "€ 9,40"
    assert screen.product.text() == "Uittreksel BRP"
    assert screen.outcome.text() == "De betaling is gelukt. Dank u wel."
    assert not screen.warning.isVisible()
    assert screen.done_button.isVisible() and not screen.stop_button.isVisible()
    assert kiosk.return_timer.isActive()  # back to the start by itself after a while
    assert [describe(w) for w in unlabeled_focusable(kiosk)] == []
    screen.done_button.click()
    assert kiosk.stack.currentWidget() is kiosk.start_screen
    assert [r.amount_cents for r in terminal.requests] == [940]


def test_declined_says_no_money_was_taken_and_offers_to_try_again(
    make_paying_kiosk: Callable[..., tuple[KioskWindow, FakeTerminal]],
) -> None:
    kiosk, terminal = make_paying_kiosk()
    screen = tap(kiosk, "Rijbewijs")
    assert screen.outcome.text() == text_for(PaymentState.DECLINED).kiosk
    assert "Er is geen geld van uw rekening gegaan." in screen.outcome.text()
    assert screen.retry_button.isVisible() and screen.done_button.isVisible()
    screen.retry_button.click()
    assert len(terminal.requests) == 2
    assert terminal.requests[0].service_id != terminal.requests[1].service_id


def test_stoppen_while_the_terminal_waits(
    qtbot: QtBot, make_paying_kiosk: Callable[..., tuple[KioskWindow, FakeTerminal]]
) -> None:
    runner = ThreadPoolTaskRunner(workers=2)
    kiosk, terminal = make_paying_kiosk(runner=runner)
    screen = tap(kiosk, "Paspoort")
    assert terminal.wait_until_hanging()
    qtbot.waitUntil(lambda: screen.terminal_text.text() == terminal.displayed[-1], timeout=5000)
    assert screen.instruction.text() == "Volg de aanwijzingen op de betaalautomaat"
    assert screen.stop_button.isVisible() and screen.stop_button.text() == "Stoppen"
    assert not screen.done_button.isVisible()
    kiosk.show_start()  # the inactivity timer must not take the citizen away now
    assert kiosk.stack.currentWidget() is screen
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.state is PaymentState.ABORTED, timeout=5000)
    assert screen.outcome.text() == "De betaling is gestopt. Er is geen geld van uw rekening gegaan."
    assert len(terminal.aborts) == 1
    assert runner.wait_for_done()


def test_lost_answer_found_by_the_status_query(
    qtbot: QtBot, bridge: EventBridge, make_paying_kiosk: Callable[..., tuple[KioskWindow, FakeTerminal]]
) -> None:
    alerts: list[DeviceAlert] = []
    bridge.device_alert.connect(alerts.append)
    kiosk, terminal = make_paying_kiosk()
    screen = screen_of(kiosk)
    seen: dict[PaymentState, tuple[str, str]] = {}
    screen.state_changed.connect(
        lambda state: seen.setdefault(
            state, (screen.outcome.text(), screen.warning.text() * screen.warning.isVisible())
        )
    )
    tap(kiosk, "Verklaring")
    assert seen[PaymentState.UNKNOWN] == (
        "We weten nog niet of de betaling gelukt is. Blijf even staan. Betaal niet nog een keer.",
        "Betaal niet nog een keer; er komt een medewerker.",
    )
    assert screen.outcome.text() == "De betaling is gelukt. Dank u wel."
    assert not screen.warning.isVisible()
    assert len(terminal.requests) == 1
    # The host was asked to come the moment the outcome was unknown.
    qtbot.waitUntil(lambda: any(a.code == PAYMENT_HELP for a in alerts), timeout=5000)


def test_unknown_outcome_brings_a_staff_member_and_never_a_second_payment(
    qtbot: QtBot, bridge: EventBridge, make_paying_kiosk: Callable[..., tuple[KioskWindow, FakeTerminal]]
) -> None:
    alerts: list[DeviceAlert] = []
    bridge.device_alert.connect(alerts.append)  # what the host mode listens to
    kiosk, terminal = make_paying_kiosk(terminal=StatusLostTerminal("P400-KIOSK1"))
    screen = tap(kiosk, "Verklaring")
    assert screen.state is PaymentState.NEEDS_OPERATOR
    assert screen.outcome.text() == (
        "We kunnen niet zien of de betaling gelukt is. Er komt een medewerker naar u toe. Betaal niet nog een keer."
    )
    assert not screen.retry_button.isVisible()
    assert screen.done_button.text() == "Medewerker: klaar"  # for the staff member who comes
    assert not kiosk.return_timer.isActive()
    qtbot.waitUntil(lambda: any(a.code == PAYMENT_HELP for a in alerts), timeout=5000)
    assert [a.device for a in alerts if a.code == PAYMENT_HELP] == ["payment_terminal"]
    assert len(terminal.requests) == 1


def test_on_the_demos_small_kiosk_stoppen_stays_inside_the_margins(
    qtbot: QtBot, database: Database, clock: FakeClock
) -> None:
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from app.core.payment.service import kiosk_actor
    from app.ui.theme import kiosk_style

    terminal = FakeTerminal("P400-KIOSK1")
    terminal.open()
    service = PaymentService(terminal, SqlPaymentJournal(database, clock), clock, status_retry_seconds=0)
    runner = ThreadPoolTaskRunner(workers=2)
    window = QWidget()  # the demo's kiosk: 620 px wide, text at 0.55
    window.setStyleSheet(kiosk_style(scale=0.55))
    screen = PaymentScreen(service, runner, kiosk_actor("locatie-1"), 0.55)
    layout = QVBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(screen)
    qtbot.addWidget(window)
    window.resize(620, 1000)
    window.show()
    try:
        screen.begin(KioskProduct("Paspoort", 1093))  # x,93: the terminal waits until stopped
        assert terminal.wait_until_hanging()
        qtbot.waitUntil(lambda: screen.terminal_text.text() == terminal.displayed[-1], timeout=5000)
        stop = screen.stop_button.geometry().translated(screen.pos())
        margin = round(60 * 0.55)
        assert window.width() == 620  # nothing on the screen demands a wider window
        assert stop.left() >= margin and stop.right() <= 620 - margin, stop
        screen.stop_button.click()
        qtbot.waitUntil(lambda: screen.state is PaymentState.ABORTED, timeout=5000)
        assert runner.wait_for_done()
    finally:
        service.close()
        terminal.close()


def test_the_instruction_reads_as_a_note_not_a_button(
    qtbot: QtBot, make_paying_kiosk: Callable[..., tuple[KioskWindow, FakeTerminal]]
) -> None:
    runner = ThreadPoolTaskRunner(workers=2)
    kiosk, terminal = make_paying_kiosk(runner=runner)
    screen = tap(kiosk, "Paspoort")
    assert terminal.wait_until_hanging()
    qtbot.waitUntil(lambda: screen.terminal_text.text() == terminal.displayed[-1], timeout=5000)
    image = screen.instruction.grab().toImage()
    # A light note with a dark edge on the left, unlike the filled dark bars of the buttons.
    inside = image.pixelColor(image.width() - 4, image.height() // 2)
    edge = image.pixelColor(3, image.height() // 2)
    assert inside.lightness() > 200, inside.name()
    assert edge.lightness() < 100, edge.name()
    screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.state is PaymentState.ABORTED, timeout=5000)
    assert runner.wait_for_done()
