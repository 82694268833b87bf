"""The composition root: the one place that builds concrete objects and wires them together.

`run_demo` shows the whole flow on one PC (kiosk, two desks, the waiting-room display) on an
embedded SQLite database; `run_mode` runs one mode per process against a shared database.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.bootstrap_kcc import demo_person_registry, kcc_services, person_registry, seed_demo_kcc, workstation_kcc
from app.bootstrap_kiosk import kiosk_paying, kiosk_payments
from app.bootstrap_payment import (
    KIOSK_POINT,
    Payments,
    arrange_demo,
    chime_for,
    demo_payments,
    demo_printer,
    mode_payments,
    printer_hooks,
    settings_parts,
    specimen_card_reader,
)
from app.core.clock import Clock, SystemClock
from app.core.errors import ConfigError, DatabaseUnavailable, LoketError
from app.core.events import EventBus
from app.core.queue.ports import TicketPrinter
from app.core.queue.service import QueueService
from app.ui import theme
from app.ui.bridge import EventBridge
from app.ui.shell import ModeShell
from app.ui.sound import Chime
from app.ui.tasks import TaskRunner, ThreadPoolTaskRunner

if TYPE_CHECKING:
    from app.balie.workspace import KccServices
    from app.store.database import Database

# The store (SQLAlchemy, psycopg) and the mode screens are imported where they are used:
# a mode's window then paints before those few hundred milliseconds of imports.

log = logging.getLogger(__name__)

APP_NAME = "loket"
DEMO_DESKS = ("Balie 1", "Balie 2")
#: the demo desks come with these user names filled in (passwords: README, "Demo")
DEMO_DESK_USERS = ("balie1", "balie2")

#: how long a mode's shell may take to appear before the store is built anyway (seconds)
FIRST_PAINT_WAIT = 1.0


def application() -> QApplication:
    """The QApplication, created once, with Loket's name (which decides the data folder)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(sys.argv[:1])
    theme.apply_base(app)
    return app


def default_data_dir() -> Path:
    QCoreApplication.setApplicationName(APP_NAME)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / ".local" / "share" / APP_NAME


@dataclass
class Runtime:
    """Everything one process runs on; `close()` shuts it down in the right order."""

    database: Database
    bus: EventBus
    bridge: EventBridge
    runner: TaskRunner
    queue: QueueService
    watcher: Any
    clock: Clock
    location_id: int
    windows: list[QWidget] = field(default_factory=list)
    kcc: KccServices | None = None
    printer: TicketPrinter | None = None
    simulator: Any = None  # the demo's printer simulator
    paper: QWidget | None = None  # the demo's window on the simulator's paper
    payments: Payments | None = None

    def close(self) -> None:
        if self.simulator is not None:
            self.simulator.on_page = None  # its threads must not reach a window being closed
        for window in [*self.windows, *([self.paper] if self.paper is not None else [])]:
            window.close()
        self.bridge.detach()
        self.watcher.stop()
        if isinstance(self.runner, ThreadPoolTaskRunner):
            self.runner.wait_for_done(5000)
        if self.payments is not None:
            self.payments.close()  # before the database: a payment's last step is a journal line
        self.database.dispose()
        close_printer = getattr(self.printer, "close", None)
        if close_printer is not None:
            close_printer()
        if self.simulator is not None:
            self.simulator.stop()


def _runtime(database: Database, location_id: int, printer: TicketPrinter | None, runner: TaskRunner | None) -> Runtime:
    bus = EventBus()
    bridge = EventBridge(bus)
    clock = SystemClock()
    queue = QueueService(database.queue_store(), clock, printer)
    watcher = database.watcher(bus)
    watcher.start()
    return Runtime(
        database=database,
        bus=bus,
        bridge=bridge,
        runner=runner or ThreadPoolTaskRunner(bridge),
        queue=queue,
        watcher=watcher,
        clock=clock,
        location_id=location_id,
        printer=printer,
    )


def build_demo(data_dir: Path, *, runner: TaskRunner | None = None, chime: Chime | None = None) -> Runtime:
    """The demo hall in `data_dir/demo.db`: seeded when empty, two desks, all screens."""
    from app.balie.window import BalieWindow
    from app.display.call_screen import CallScreen
    from app.kiosk.payment_screen import DEMO_PRODUCTS
    from app.kiosk.window import KioskWindow
    from app.store.database import Database
    from app.store.seed import seed_demo

    data_dir.mkdir(parents=True, exist_ok=True)
    database = Database.open(f"sqlite:///{data_dir / 'demo.db'}")
    database.upgrade()
    if database.is_empty():
        log.info("demo: nieuwe database met voorbeeldstadhuis in %s", data_dir)
        seed_demo(database)
    seed_demo_kcc(database)
    location_id, location = _location(database, None)
    simulator, printer = demo_printer(data_dir)
    rt = _runtime(database, location_id, printer, runner)
    rt.kcc = kcc_services(database, rt.clock, demo_person_registry(), events=rt.bus)
    rt.simulator = simulator
    rt.payments = pay = demo_payments(database, rt.clock, data_dir, [*DEMO_DESKS, KIOSK_POINT], location, printer)
    if simulator is not None:
        from app.ui.paper_preview import PaperPreview

        rt.paper = PaperPreview()
        simulator.on_page = rt.paper.deliver
    kiosk = KioskWindow(
        rt.queue,
        location_id,
        rt.runner,
        rt.bridge,
        text_scale=0.55,
        read_specimen_card=specimen_card_reader(),
        payment=pay.points[KIOSK_POINT].service,
        payment_runner=pay.runner,
        payment_products=DEMO_PRODUCTS,
        receipt_printer=printer,
        receipt_place=(location, KIOSK_POINT),
        **printer_hooks(printer),
    )
    desks = {d.name: d.id for d in rt.queue.snapshot(location_id).desks}
    balies = [
        BalieWindow(
            rt.queue,
            rt.clock,
            location_id,
            rt.runner,
            rt.bridge,
            desk_id=desks.get(name),
            staff=user,
            text_scale=0.8,
            kcc=rt.kcc,
            extra_tabs=pay.desk_tabs(name),
        )
        for name, user in zip(DEMO_DESKS, DEMO_DESK_USERS, strict=True)
    ]
    display = CallScreen(
        rt.queue, rt.clock, location_id, rt.runner, rt.bridge, chime or chime_for(data_dir), text_scale=0.45
    )
    rt.windows = [kiosk, *balies, display]
    pay.start_recovery()
    return rt


def run_demo(data_dir: Path | None = None) -> int:
    """Kiosk, two desks and the display in one process, on SQLite in the user's data folder."""
    app = application()
    folder = data_dir or default_data_dir()
    rt = build_demo(folder)
    arrange_demo(rt.windows)
    if rt.paper is not None:
        rt.paper.setGeometry(rt.windows[-1].geometry().right() + 10, 30, 660, 900)
        rt.paper.show()
    log.info("demo draait; gegevens in %s", folder)
    # Ctrl+C in the terminal ends the demo through close(): payments, terminals and simulators
    # stop in order. Qt's loop only lets Python see the signal when Python code runs now and then.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)
    try:
        return int(app.exec())
    finally:
        heartbeat.stop()
        rt.close()


def _check_mode(mode: str) -> None:
    if mode not in ("kiosk", "balie", "display"):
        raise ConfigError(f"de modus '{mode}' is nog niet beschikbaar", key="mode")


def build_mode(
    mode: str,
    database_url: str,
    location: str,
    desk: str | None = None,
    *,
    data_dir: Path | None = None,
    printer: TicketPrinter | None = None,
    brp: Any = None,
    kcc: Any = None,
    kiosk: Any = None,
    terminal: Any = None,
    receipt_printer: Any = None,
) -> Runtime:
    """Everything one mode needs, its window built but not shown. Raises LoketError
    (ConfigError, DatabaseUnavailable) before any window exists. `brp`: a balie's [brp] settings
    (the Haal Centraal BRP API; without them, person lookups say that no BRP is connected);
    `kcc` its [kcc] settings (channels, forward targets, norm). `terminal`: the PC's
    [devices.payment_terminal] (kind none or None: no Betalen tab; a kiosk uses it only when
    `kiosk`, its [kiosk] settings, lists products); `receipt_printer` prints its receipts."""
    from app.hardware.printer.fake import FakeTicketPrinter
    from app.store.database import Database

    _check_mode(mode)
    application()
    database = Database.open(database_url)
    try:
        location_id, location_name = _location(database, location)
        if mode == "kiosk" and printer is None:
            log.warning("nog geen echte volgnummerprinter: de kiosk gebruikt de nepprinter")
            printer = FakeTicketPrinter()
        registry = person_registry(brp) if mode == "balie" else None
        rt = _runtime(database, location_id, printer, None)
    except LoketError:
        database.dispose()
        raise
    if registry is not None:
        rt.kcc = workstation_kcc(database, rt.clock, registry, kcc, rt.bus)
    folder = data_dir or default_data_dir()
    # A kiosk without receipt printer uses its ticket printer; a balie without desk lets the clerk choose.
    shop = (database, rt.clock, rt.queue, location_id, location_name)
    if mode == "kiosk":
        rt.payments = kiosk_payments(kiosk, terminal, *shop, folder, receipt_printer or printer)
    if mode == "balie":
        rt.payments = mode_payments(terminal, *shop, desk, folder, receipt_printer)
    rt.windows = [_mode_window(rt, mode, desk, folder)]
    if rt.payments is not None:
        rt.payments.start_recovery()
    return rt


def launch_mode(
    mode: str,
    database_url: str,
    location: str,
    desk: str | None = None,
    *,
    data_dir: Path | None = None,
    printer: TicketPrinter | None = None,
    full_screen: bool = True,
    **parts: Any,
) -> tuple[ModeShell, Runtime]:
    """Show the mode's shell at once and let it paint, then build_mode(**parts) into it.
    A LoketError while building closes the shell and is raised."""
    _check_mode(mode)
    app = application()
    shell = ModeShell(f"Loket – {mode}", dark=mode == "display")
    if full_screen and mode in ("kiosk", "display"):
        shell.showFullScreen()
    elif full_screen:
        shell.showMaximized()
    else:
        shell.show()
    deadline = time.monotonic() + FIRST_PAINT_WAIT
    while not shell.painted and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    try:
        runtime = build_mode(mode, database_url, location, desk, data_dir=data_dir, printer=printer, **parts)
    except LoketError:
        shell.close()
        raise
    shell.set_content(runtime.windows[0])
    return shell, runtime


def run_mode(
    mode: str,
    database_url: str,
    location: str,
    desk: str | None = None,
    *,
    settings: Any = None,
    data_dir: Path | None = None,
    printer: TicketPrinter | None = None,
) -> int:
    """One mode per process: `kiosk`, `balie` or `display`. `location` is the vestiging's name
    (or id); `desk` the balie's name (balie only; without it the clerk chooses). A LoketError
    (ConfigError, DatabaseUnavailable) while starting is raised; the event loop never ran."""
    if printer is None and mode == "kiosk" and settings is not None:
        from app.hardware.printer.factory import ticket_printer

        printer = ticket_printer(settings.devices.ticket_printer, location)
    parts = settings_parts(settings, mode, location)
    shell, runtime = launch_mode(mode, database_url, location, desk, data_dir=data_dir, printer=printer, **parts)
    try:
        return int(application().exec())
    finally:
        runtime.close()
        shell.close()


def _mode_window(rt: Runtime, mode: str, desk: str | None, data_dir: Path) -> QWidget:
    from app.balie.window import BalieWindow
    from app.display.call_screen import CallScreen
    from app.kiosk.window import KioskWindow

    if mode == "kiosk":
        paying = kiosk_paying(rt.payments)  # no products or no terminal: no Betalen tile
        return KioskWindow(rt.queue, rt.location_id, rt.runner, rt.bridge, **paying, **printer_hooks(rt.printer))
    if mode == "display":
        return CallScreen(rt.queue, rt.clock, rt.location_id, rt.runner, rt.bridge, chime_for(data_dir))
    desk_id = None
    if desk is not None:
        desks = {d.name: d.id for d in rt.queue.snapshot(rt.location_id).desks}
        if desk not in desks:
            rt.close()
            raise ConfigError(f"balie '{desk}' bestaat niet in deze vestiging", key="desk")
        desk_id = desks[desk]
    tabs = rt.payments.desk_tabs(rt.payments.this_pc) if rt.payments is not None else None
    return BalieWindow(
        rt.queue,
        rt.clock,
        rt.location_id,
        rt.runner,
        rt.bridge,
        desk_id=desk_id,
        desk_locked=bool(desk),
        kcc=rt.kcc,
        extra_tabs=tabs,
    )


def _location(database: Database, location: str | None) -> tuple[int, str]:
    """The vestiging's id and name, found by name or id; None takes the first (the demo has one)."""
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError

    from app.store.schema import locations

    query = select(locations.c.id, locations.c.name).order_by(locations.c.id)
    try:
        with database.reader.connect() as conn:
            rows = conn.execute(query).all()
    except OperationalError as error:
        raise DatabaseUnavailable(
            "De database is niet bereikbaar of nog niet ingericht (loket db upgrade)", detail=str(error.orig)[:200]
        ) from error
    for row in rows:
        if location is None or location in (row.name, str(row.id)):
            return int(row.id), str(row.name)
    known = ", ".join(r.name for r in rows) or "geen"
    raise ConfigError(f"vestiging '{location}' staat niet in de database (bekend: {known})", key="location")
