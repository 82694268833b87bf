"""The demo wires the KCC desks to the process's event bus: what one desk window does, the other
sees without pressing anything (the real watcher on the demo's SQLite database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import bootstrap
from app.balie.window import BalieWindow
from app.balie.workspace import KccWorkspace
from app.store.staff_seed import DEMO_STAFF
from app.ui.tasks import SyncTaskRunner
from tests.ui.conftest import CountingChime
from tests.ui.test_kcc_live import forward_a_phone_question


@pytest.fixture
def demo(tmp_path: Path, qapp: QApplication) -> Iterator[bootstrap.Runtime]:
    runtime = bootstrap.build_demo(tmp_path / "data", runner=SyncTaskRunner(), chime=CountingChime())
    yield runtime
    runtime.close()
    for window in runtime.windows:
        window.deleteLater()


def signed_in(qtbot: QtBot, window: object, user: str) -> KccWorkspace:
    assert isinstance(window, BalieWindow)
    window.show()
    qtbot.waitUntil(lambda: window.sign_in_screen.selected_desk_id() is not None, timeout=10_000)
    window.sign_in_screen.staff_edit.setText(user)
    window.sign_in_screen.password_edit.setText(DEMO_STAFF[user][2])
    window.sign_in_screen.sign_in_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    assert window.workspace is not None
    return window.workspace


def test_an_answer_given_at_one_demo_desk_shows_at_the_other_by_itself(qtbot: QtBot, demo: bootstrap.Runtime) -> None:
    _kiosk, desk_1, desk_2, _display = demo.windows
    anna = signed_in(qtbot, desk_1, "balie1")
    forward_a_phone_question(qtbot, anna)
    mine = anna.forwarded_screen
    anna.show_tab(mine)
    assert mine.cell(0, 3).startswith("te verwerken")

    lead = signed_in(qtbot, desk_2, "teamleider")
    team = lead.forwarded_screen
    lead.show_tab(team)
    team.all_check.setChecked(True)
    qtbot.waitUntil(lambda: team.cell(0, 0) == "Bezwaar tegen de WOZ-beschikking", timeout=10_000)
    team.table.selectRow(0)
    qtbot.keyClicks(team.answer_edit, "Taxateur belt inwoner terug")
    team.answer_button.click()
    assert team.error_area.isHidden(), team.error_area.text()

    # Anna presses nothing: the demo's watcher publishes on the bus her desk listens to.
    qtbot.waitUntil(lambda: mine.cell(0, 3) == "verwerkt", timeout=10_000)
    assert mine.cell(0, 4) == "Taxateur belt inwoner terug"
