"""The shared Qt layer: the bridge's thread hop, the task runners, the banner, the chime file."""

from __future__ import annotations

import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.balie.window import BalieWindow
from app.core.errors import LoketError, NothingWaiting
from app.core.events import DatabaseStatusChanged, EventBus, TicketIssued
from app.display.call_screen import CallScreen
from app.kiosk.window import KioskWindow
from app.ui.bridge import EventBridge
from app.ui.refresh import Refresher
from app.ui.sound import SAMPLE_RATE, TONES, write_chime_wav
from app.ui.tasks import SyncTaskRunner, ThreadPoolTaskRunner, UnexpectedError
from app.ui.widgets import ErrorArea

T = TypeVar("T")


def test_bridge_delivers_events_from_another_thread_on_the_ui_thread(qtbot: QtBot, qapp: QApplication) -> None:
    bus = EventBus()
    bridge = EventBridge(bus)
    seen: list[tuple[str, bool]] = []

    def on_issued(event: TicketIssued) -> None:
        seen.append((event.number, QThread.currentThread() is qapp.thread()))

    bridge.ticket_issued.connect(on_issued)
    worker = threading.Thread(target=lambda: bus.publish(TicketIssued(1, 7, "C007", 3, 0)))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [("C007", True)]
    bridge.detach()
    bus.publish(TicketIssued(1, 8, "C008", 3, 0))
    QApplication.processEvents()
    assert len(seen) == 1


@pytest.fixture
def windows(
    make_kiosk: Callable[[], KioskWindow],
    make_balie: Callable[..., BalieWindow],
    make_display: Callable[[], CallScreen],
) -> list[QWidget]:
    return [make_kiosk(), make_balie(), make_display()]


def test_offline_banner_follows_the_database_status(qtbot: QtBot, windows: list[QWidget], bus: EventBus) -> None:
    banners = [w.findChild(QWidget, "offlineBanner") for w in windows]
    assert all(b is not None and b.isHidden() for b in banners)
    threading.Thread(target=lambda: bus.publish(DatabaseStatusChanged(0, False, "verbinding weg"))).start()
    qtbot.waitUntil(lambda: all(b is not None and b.isVisible() for b in banners), timeout=5000)
    assert banners[0] is not None and "Geen verbinding" in banners[0].text()  # type: ignore[attr-defined]
    bus.publish(DatabaseStatusChanged(0, True, ""))
    qtbot.waitUntil(lambda: all(b is not None and b.isHidden() for b in banners), timeout=5000)


def test_thread_pool_runner_returns_results_on_the_ui_thread(qtbot: QtBot, qapp: QApplication) -> None:
    runner = ThreadPoolTaskRunner()
    results: list[tuple[object, bool]] = []
    errors: list[LoketError] = []

    def work() -> bool:
        return QThread.currentThread() is not qapp.thread()  # ran on a worker

    def fail() -> None:
        raise ZeroDivisionError("bug")

    def refuse() -> None:
        raise NothingWaiting("Niemand wacht voor Balie 2")

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=5000):
        runner.run(work, lambda value: results.append((value, QThread.currentThread() is qapp.thread())))
        runner.run(fail, None, errors.append)
        runner.run(refuse, None, errors.append)
    assert results == [(True, True)]
    assert isinstance(errors[0], UnexpectedError)
    assert "Er ging iets mis" in errors[0].message and "ZeroDivisionError" not in errors[0].message
    assert errors[1].message == "Niemand wacht voor Balie 2"
    assert runner.wait_for_done(1000)


def test_refresher_folds_a_burst_into_one_more_load() -> None:
    loads: list[int] = []
    shown: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    class HeldRunner:
        """Keeps each load 'running' until the test lets it finish."""

        def __init__(self) -> None:
            self.held: list[Callable[[], None]] = []

        def run(
            self,
            work: Callable[[], T],
            on_done: Callable[[T], None] | None = None,
            on_error: Callable[[LoketError], None] | None = None,
        ) -> None:
            self.held.append(lambda: SyncTaskRunner().run(work, on_done, on_error))

    runner = HeldRunner()
    refresher: Refresher[int] = Refresher(runner, load, shown.append, lambda error: None)
    refresher.request()
    for _ in range(5):
        refresher.request()
    assert len(runner.held) == 1
    runner.held.pop(0)()
    assert len(runner.held) == 1  # exactly one more load for the five requests
    runner.held.pop(0)()
    assert shown == [1, 2] and not runner.held


def test_error_area_shows_the_message_only(qtbot: QtBot) -> None:
    area = ErrorArea()
    qtbot.addWidget(area)
    area.show_error(LoketError("De database is niet bereikbaar", detail="psycopg.OperationalError: ..."))
    assert area.text() == "De database is niet bereikbaar"
    area.clear_error()
    assert area.isHidden()


def test_chime_is_a_short_two_tone_wav(tmp_path: Path) -> None:
    path = write_chime_wav(tmp_path / "oproep.wav")
    with wave.open(str(path)) as chime:
        assert (chime.getnchannels(), chime.getsampwidth(), chime.getframerate()) == (1, 2, SAMPLE_RATE)
        seconds = chime.getnframes() / SAMPLE_RATE
    assert len(TONES) == 2
    assert 0.5 < seconds < 2.0
