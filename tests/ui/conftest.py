"""UI tests: real widgets (offscreen), a real SQLite store in tmp_path, the real watcher.

Screens hear of changes only through the watcher and the bridge, as in production; tests
wait for what a user would see with qtbot.waitUntil, never with sleeps.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.balie.window import BalieWindow
from app.balie.workspace import KccServices
from app.core.clock import FakeClock
from app.core.events import EventBus
from app.core.queue.service import QueueService
from app.display.call_screen import CallScreen
from app.hardware.printer.fake import FakeTicketPrinter
from app.kiosk.window import KioskWindow
from app.store.database import Database
from app.store.seed import SeedIds, seed_demo
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner
from tests.ui.kcc_setup import MONDAY_BEFORE_KONINGSDAG, build_kcc, make_kcc_balie

# Read when pytest-qt creates the QApplication, which happens after this import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: a Monday morning in the hall (10:00 in Amsterdam)
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class CountingChime:
    """Stands in for the loudspeaker: counts the chimes."""

    def __init__(self) -> None:
        self.count = 0

    def play(self) -> None:
        self.count += 1


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database.open(f"sqlite:///{tmp_path / 'loket.db'}")
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def hall(database: Database) -> SeedIds:
    return seed_demo(database)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def printer() -> FakeTicketPrinter:
    return FakeTicketPrinter()


@pytest.fixture
def queue(database: Database, clock: FakeClock, printer: FakeTicketPrinter, hall: SeedIds) -> QueueService:
    return QueueService(database.queue_store(), clock, printer)


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def bridge(database: Database, bus: EventBus, hall: SeedIds, qapp: Any) -> Iterator[EventBridge]:
    """The bridge fed by a real watcher on the test database."""
    bridge = EventBridge(bus)
    watcher = database.watcher(bus, interval=0.01)
    watcher.start()
    assert watcher.ready.wait(10)
    yield bridge
    bridge.detach()
    watcher.stop()
    bridge.deleteLater()


@pytest.fixture
def runner() -> SyncTaskRunner:
    return SyncTaskRunner()


@pytest.fixture
def chime() -> CountingChime:
    return CountingChime()


@pytest.fixture
def keep() -> list[QWidget]:
    """Strong references: qtbot holds windows weakly, and a collected window loses its children."""
    return []


@pytest.fixture
def make_kiosk(
    keep: list[QWidget], qtbot: QtBot, queue: QueueService, hall: SeedIds, runner: SyncTaskRunner, bridge: EventBridge
) -> Callable[[], KioskWindow]:
    def make() -> KioskWindow:
        window = KioskWindow(queue, hall.location_id, runner, bridge)
        qtbot.addWidget(window)
        keep.append(window)
        window.resize(1080, 1920)
        window.show()
        return window

    return make


@pytest.fixture
def make_balie(
    keep: list[QWidget],
    qtbot: QtBot,
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    runner: SyncTaskRunner,
    bridge: EventBridge,
) -> Callable[..., BalieWindow]:
    def make(desk: str = "Balie 1", staff: str = "Sanne", *, sign_in: bool = True) -> BalieWindow:
        window = BalieWindow(queue, clock, hall.location_id, runner, bridge, desk_id=hall.desk_ids[desk], staff=staff)
        qtbot.addWidget(window)
        keep.append(window)
        window.resize(1280, 800)
        window.show()
        if sign_in:
            window.sign_in_screen.sign_in_button.click()
            assert window.desk_screen is not None
        return window

    return make


@pytest.fixture
def make_display(
    keep: list[QWidget],
    qtbot: QtBot,
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    runner: SyncTaskRunner,
    bridge: EventBridge,
    chime: CountingChime,
) -> Callable[[], CallScreen]:
    def make() -> CallScreen:
        screen = CallScreen(queue, clock, hall.location_id, runner, bridge, chime)
        qtbot.addWidget(screen)
        keep.append(screen)
        screen.resize(1920, 1080)
        screen.show()
        return screen

    return make


@pytest.fixture
def make_paying_balie(
    keep: list[QWidget],
    qtbot: QtBot,
    database: Database,
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    runner: SyncTaskRunner,
    bridge: EventBridge,
) -> Iterator[Callable[..., BalieWindow]]:
    """The real KCC desk with the tabs the composition root gives it (Betalen, Kas), on an
    in-memory terminal (app.hardware.payment.fake) that approves every payment."""
    from app.bootstrap_payment import Payments, point
    from app.hardware.payment.fake import FakeTerminal
    from app.hardware.printer.fake import FakeTicketPrinter
    from app.ui.tasks import ThreadPoolTaskRunner
    from tests.ui.kcc_setup import ACCOUNTS, build_kcc

    terminal = FakeTerminal("P400-0001")
    terminal.open()
    payments = Payments(ThreadPoolTaskRunner(workers=2), "Stadhuis", FakeTicketPrinter())
    payments.points["Balie 1"] = point("Balie 1", terminal, database, clock)
    kcc = build_kcc(database, clock)

    def make(username: str = "anna", *, sign_in: bool = True) -> BalieWindow:
        window = BalieWindow(
            queue,
            clock,
            hall.location_id,
            runner,
            bridge,
            desk_id=hall.desk_ids["Balie 1"],
            staff=username,
            kcc=kcc,
            extra_tabs=payments.desk_tabs("Balie 1"),
        )
        qtbot.addWidget(window)
        keep.append(window)
        window.resize(1280, 800)
        window.show()
        if sign_in:
            window.sign_in_screen.password_edit.setText(ACCOUNTS[username][2])
            window.sign_in_screen.sign_in_button.click()
            assert window.workspace is not None, window.sign_in_screen.error_area.text()
        return window

    yield make
    payments.close()


@pytest.fixture
def kcc(database: Database, clock: FakeClock, hall: SeedIds) -> KccServices:
    """The KCC services on the test database, on the Monday before Koningsdag 2027."""
    clock.set(MONDAY_BEFORE_KONINGSDAG)
    return build_kcc(database, clock)


@pytest.fixture
def make_kcc_desk(
    keep: list[QWidget],
    qtbot: QtBot,
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    runner: SyncTaskRunner,
    bridge: EventBridge,
    kcc: KccServices,
) -> Callable[..., BalieWindow]:
    """The KCC desk (queue panel plus the contact, kennisbank, person and forwarded tabs)."""
    return make_kcc_balie(keep, qtbot, queue, clock, hall, runner, bridge, kcc)
