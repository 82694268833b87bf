"""The desk's six tabs (Klantcontact ... Kas) all stay in sight on the demo's desk window, which
is about 1151 px wide: no tab behind scroll arrows, no title cut short; the Kas tab's field shows
its whole example."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import bootstrap
from app.balie.kas_screen import KasScreen
from app.balie.window import BalieWindow
from app.balie.workspace import KccWorkspace
from app.store.staff_seed import DEMO_STAFF
from app.ui.tasks import SyncTaskRunner
from tests.ui.conftest import CountingChime


@pytest.fixture
def desk(tmp_path: Path, qapp: QApplication, qtbot: QtBot) -> Iterator[tuple[BalieWindow, KccWorkspace]]:
    runtime = bootstrap.build_demo(tmp_path / "data", runner=SyncTaskRunner(), chime=CountingChime())
    try:
        window = runtime.windows[1]
        assert isinstance(window, BalieWindow)
        window.show()
        qtbot.keyClicks(window.sign_in_screen.password_edit, DEMO_STAFF["balie1"][2])
        window.sign_in_screen.sign_in_button.click()
        assert window.workspace is not None
        yield window, window.workspace
    finally:
        runtime.close()
        for window in runtime.windows:
            window.deleteLater()


@pytest.mark.parametrize("width", [1150, 1151, 1280, 1920])
def test_every_tab_is_whole_and_in_sight(desk: tuple[BalieWindow, KccWorkspace], width: int) -> None:
    window, workspace = desk
    window.resize(width, 800)
    QApplication.processEvents()
    bar = workspace.tabs.tabBar()
    assert bar.count() == 6
    titles = [bar.tabText(i) for i in range(bar.count())]
    expected = ("Klantcontact (1)", "Kennisbank (2)", "Persoon (3)", "Doorgezet (4)", "Betalen (5)", "Kas (6)")
    assert titles == list(expected)
    for index in range(bar.count()):
        rect = bar.tabRect(index)
        assert bar.rect().contains(rect), titles[index]
        assert rect.right() < workspace.tabs.width()
        assert rect.width() >= bar.tabSizeHint(index).width(), f"{titles[index]} is shortened"


def test_shortcuts_and_names_stay(qtbot: QtBot, desk: tuple[BalieWindow, KccWorkspace]) -> None:
    window, workspace = desk
    window.resize(1151, 800)
    window.activateWindow()
    bar = workspace.tabs.tabBar()
    assert bar.accessibleName() == "Tabbladen van de balie"
    assert bar.tabToolTip(5) == "Kas (Ctrl+6)"
    keys = {shortcut.key().toString() for shortcut in workspace.shortcuts}
    assert {f"Ctrl+{n}" for n in range(1, 7)} <= keys
    shortcut = next(s for s in workspace.shortcuts if s.key().toString() == "Ctrl+6")
    shortcut.activated.emit()
    assert workspace.tabs.currentIndex() == 5


def test_the_kas_count_field_shows_its_whole_example(desk: tuple[BalieWindow, KccWorkspace]) -> None:
    window, workspace = desk
    window.resize(1151, 800)
    kas = next(widget for _title, widget in workspace.extra if isinstance(widget, KasScreen))
    workspace.tabs.setCurrentWidget(kas)
    QApplication.processEvents()
    edit = kas.counted_edit
    # 10 px padding and up to a 3 px focus border each side (app.ui.theme), 2 px of Qt's own margin
    room = edit.width() - 2 * (10 + 3 + 2)
    assert edit.fontMetrics().horizontalAdvance(edit.placeholderText()) <= room
    assert kas.counted_hint.isVisible() and "wisselgeld" in kas.counted_hint.text()
