"""The desk: signing in, buttons that follow the visitor's state, F-keys, transfer, finish."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.balie.actions import Action, allowed_actions
from app.balie.desk_screen import DeskScreen
from app.balie.window import BalieWindow
from app.core.clock import FakeClock
from app.core.queue.model import Outcome, TicketState
from app.core.queue.service import QueueService
from app.store.seed import SeedIds


def enabled(desk: DeskScreen) -> set[Action]:
    return {action for action, button in desk.buttons.items() if button.isEnabled()}


def desk_of(window: BalieWindow) -> DeskScreen:
    assert window.desk_screen is not None
    return window.desk_screen


@pytest.mark.parametrize(
    ("state", "waiting", "expected"),
    [
        (None, 0, set()),
        (None, 3, {Action.NEXT}),
        (TicketState.CALLED, 3, {Action.RECALL, Action.NO_SHOW, Action.START, Action.TRANSFER}),
        (TicketState.SERVING, 0, {Action.PAUSE, Action.TRANSFER, Action.FINISH}),
        (TicketState.ON_HOLD, 0, {Action.PAUSE, Action.TRANSFER, Action.FINISH}),
    ],
)
def test_allowed_actions_follow_the_ticket_state(
    state: TicketState | None, waiting: int, expected: set[Action]
) -> None:
    assert allowed_actions(state, waiting) == expected


def test_sign_in_needs_a_name(make_balie: Callable[..., BalieWindow]) -> None:
    window = make_balie(staff="", sign_in=False)
    window.sign_in_screen.sign_in_button.click()
    assert window.desk_screen is None
    assert window.sign_in_screen.error_area.text() == "Vul uw naam in."


def test_buttons_follow_the_visit(
    qtbot: QtBot,
    make_balie: Callable[..., BalieWindow],
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
) -> None:
    desk = desk_of(make_balie())
    assert enabled(desk) == set()
    assert desk.state_label.text() == "Geen bezoeker"

    queue.issue_ticket(hall.service_ids["REISDOC"])
    qtbot.waitUntil(lambda: enabled(desk) == {Action.NEXT}, timeout=5000)

    clock.advance(7 * 60)
    desk.buttons[Action.NEXT].click()
    assert desk.number_label.text() == "A001"
    assert enabled(desk) == {Action.RECALL, Action.NO_SHOW, Action.START, Action.TRANSFER}
    assert desk.waited_label.text() == "Gewacht: 7 min"

    desk.buttons[Action.RECALL].click()
    assert desk.state_label.text() == "Opgeroepen (2e keer)"

    desk.buttons[Action.START].click()
    assert desk.state_label.text() == "In gesprek"
    assert enabled(desk) == {Action.PAUSE, Action.TRANSFER, Action.FINISH}
    assert desk.buttons[Action.PAUSE].text().startswith("Pauze")

    desk.buttons[Action.PAUSE].click()
    assert desk.state_label.text() == "Gepauzeerd"
    assert desk.buttons[Action.PAUSE].text().startswith("Hervatten")
    desk.buttons[Action.PAUSE].click()
    assert desk.state_label.text() == "In gesprek"

    desk.buttons[Action.FINISH].click()
    assert desk.finish_panel.isVisible()
    desk.finish_panel.outcome_buttons[Outcome.REFERRED].click()
    assert desk.finish_panel.isHidden()
    assert desk.state_label.text() == "Geen bezoeker"
    assert enabled(desk) == set()
    with queue._store.reading() as tx:  # the outcome was registered
        assert tx.ticket_at_desk(hall.desk_ids["Balie 1"]) is None
    finished = [t for t in queue.snapshot(hall.location_id).at_desks if t.number == "A001"]
    assert finished == []


def test_no_show_frees_the_desk(make_balie: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds) -> None:
    queue.issue_ticket(hall.service_ids["REISDOC"])
    desk = desk_of(make_balie())
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.NO_SHOW].click()
    assert desk.current is None
    assert desk.state_label.text() == "Geen bezoeker"


def test_transfer_to_another_service_keeps_the_number(
    qtbot: QtBot, make_balie: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    queue.issue_ticket(hall.service_ids["REISDOC"])
    desk = desk_of(make_balie())
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.TRANSFER].click()
    panel = desk.transfer_panel
    assert panel.isVisible()
    index = panel.target_combo.findText("Dienst: Rijbewijs")
    assert index >= 0
    panel.target_combo.setCurrentIndex(index)
    panel.confirm_button.click()
    assert desk.current is None
    waiting = queue.snapshot(hall.location_id).waiting
    assert [(t.number, t.service_id, t.front) for t in waiting] == [("A001", hall.service_ids["RIJBEWIJS"], True)]


def test_transfer_to_a_desk_offers_desks_that_help_with_the_service(
    make_balie: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    queue.issue_ticket(hall.service_ids["AFHALEN"])
    desk = desk_of(make_balie("Balie 3"))
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.TRANSFER].click()
    options = [desk.transfer_panel.target_combo.itemText(i) for i in range(desk.transfer_panel.target_combo.count())]
    assert "Balie 4 (nu dicht)" in options
    assert not any(o.startswith("Balie 1") for o in options)  # Balie 1 does not hand out documents
    desk.transfer_panel.cancel_button.click()
    assert desk.transfer_panel.isHidden()
    assert desk.current is not None and desk.current.number == "D001"


def test_function_keys_drive_the_desk(
    qtbot: QtBot, make_balie: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    queue.issue_ticket(hall.service_ids["REISDOC"])
    window = make_balie()
    desk = desk_of(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    # A shortcut "animates" the click: the button releases 100 ms later, so wait for it.
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: desk.number_label.text() == "A001", timeout=5000)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: desk.state_label.text() == "In gesprek", timeout=5000)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F7)
    qtbot.waitUntil(desk.finish_panel.isVisible, timeout=5000)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_1)
    qtbot.waitUntil(lambda: desk.current is None, timeout=5000)


def test_a_refused_operation_shows_its_message(
    make_balie: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    desk = desk_of(make_balie())
    # Nobody waits, but the button is pressed anyway (a stale screen): the core refuses politely.
    desk.buttons[Action.NEXT].setEnabled(True)
    desk.buttons[Action.NEXT].click()
    assert desk.error_area.isVisible()
    assert desk.error_area.text() == "Niemand wacht voor Balie 1"


def test_sign_out_closes_the_desk_and_returns_to_sign_in(
    make_balie: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_balie()
    desk_of(window).sign_out_button.click()
    assert window.desk_screen is None
    assert window.stack.currentWidget() is window.sign_in_screen
    desks = {d.name: d for d in queue.snapshot(hall.location_id).desks}
    assert not desks["Balie 1"].is_open


def test_desk_closed_elsewhere_returns_to_sign_in_with_a_reason(
    qtbot: QtBot, make_balie: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_balie()
    queue.close_desk(hall.desk_ids["Balie 1"])  # e.g. the host closes it from the floor
    qtbot.waitUntil(lambda: window.desk_screen is None, timeout=5000)
    assert window.stack.currentWidget() is window.sign_in_screen
    assert "afgemeld op een andere plek" in window.sign_in_screen.error_area.text()
