"""Every focusable control on every screen has an accessible name (WCAG 2.1 AA, EN 301 549)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.balie.actions import Action
from app.balie.window import BalieWindow
from app.core.clock import FakeClock
from app.core.queue.service import QueueService
from app.display.call_screen import CallScreen
from app.kiosk.window import KioskWindow
from app.store.seed import SeedIds
from app.ui.accessibility import describe, unlabeled_focusable


def assert_labelled(root: QWidget) -> None:
    missing = [describe(w) for w in unlabeled_focusable(root)]
    assert missing == [], f"focusable widgets without an accessible name: {missing}"


def test_detector_finds_an_unlabelled_button(make_kiosk: Callable[[], KioskWindow]) -> None:
    from PySide6.QtWidgets import QPushButton

    kiosk = make_kiosk()
    stray = QPushButton("?", kiosk)
    assert stray in unlabeled_focusable(kiosk)


def test_kiosk_screens_are_labelled(make_kiosk: Callable[[], KioskWindow], hall: SeedIds) -> None:
    kiosk = make_kiosk()
    assert_labelled(kiosk)
    kiosk.start_screen.button_for(hall.service_ids["REISDOC"]).click()
    assert_labelled(kiosk)


def test_balie_screens_are_labelled(make_balie: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds) -> None:
    window = make_balie(sign_in=False)
    window.sign_in_screen.desk_combo.view()  # the popup list exists once opened
    assert_labelled(window)
    window.sign_in_screen.sign_in_button.click()
    desk = window.desk_screen
    assert desk is not None
    queue.issue_ticket(hall.service_ids["REISDOC"])
    desk.refresh()
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.TRANSFER].click()
    desk.transfer_panel.target_combo.view()
    assert_labelled(window)
    desk.buttons[Action.START].setEnabled(True)
    desk.buttons[Action.START].click()
    desk.buttons[Action.FINISH].click()
    assert_labelled(window)


def test_display_is_labelled(make_display: Callable[[], CallScreen]) -> None:
    assert_labelled(make_display())


def test_every_tab_of_the_kcc_desk_is_labelled(
    qtbot: QtBot, clock: FakeClock, make_paying_balie: Callable[..., BalieWindow]
) -> None:
    from app.balie.kas_screen import KasScreen
    from app.balie.payment_panel import PaymentPanel

    window = make_paying_balie()
    workspace = window.workspace
    assert workspace is not None
    titles = [workspace.tabs.tabText(i) for i in range(workspace.tabs.count())]
    assert titles[-2:] == ["Betalen (5)", "Kas (6)"]
    for index in range(workspace.tabs.count()):
        workspace.tabs.setCurrentIndex(index)
        assert_labelled(window)
    panel = next(w for _, w in workspace.extra if isinstance(w, PaymentPanel))
    workspace.tabs.setCurrentWidget(panel)
    panel.amount_edit.setText("9,40")
    panel.card_button.click()
    qtbot.waitUntil(lambda: panel.print_button.isVisible(), timeout=10000)  # approved: receipt, new payment
    assert_labelled(window)
    kas = next(w for _, w in workspace.extra if isinstance(w, KasScreen))
    workspace.tabs.setCurrentWidget(kas)
    clock.advance(60)  # the kas shows what was paid until now
    kas.refresh()
    qtbot.waitUntil(lambda: len(kas.lines) == 1, timeout=10000)
    assert_labelled(window)
