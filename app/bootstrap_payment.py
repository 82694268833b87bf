"""The payment part of the composition root (app.bootstrap): PIN terminals, journal, kas, screens;
and the devices of the demo and of a workstation (printer simulator, specimen card, receipts).

One terminal per paying workstation, as in a real hall: each desk has its own terminal on the
counter and the kiosk has one built in. A terminal does one payment at a time, so a shared one
would make Balie 2 wait for the citizen at Balie 1; and the kas of a desk counts the payments of
its own terminal (by POI id), which only adds up when each desk has its own. The demo therefore
starts one nexo simulator per paying workstation, each with its own POI id and transaction log.

Payments run on their own runner with two workers: `pay` blocks one for as long as the citizen
takes, and "Afbreken" must not queue behind it (nor behind the KCC desk's searches).
Only app.bootstrap imports this module.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.core.clock import Clock
from app.core.errors import ConfigError, LoketError
from app.core.staff import Actor
from app.ui.tasks import ThreadPoolTaskRunner

if TYPE_CHECKING:
    from app.core.identity.reading import IdentityReading
    from app.core.payment.kas import KasService
    from app.core.payment.ports import PaymentTerminal
    from app.core.payment.service import PaymentService
    from app.core.printing import ReceiptPrinter
    from app.core.queue.service import QueueService
    from app.hardware.printer.escpos_printer import EscposPrinter
    from app.hardware.printer.fake import FakeTicketPrinter
    from app.kiosk.payment_screen import KioskProduct
    from app.store.database import Database
    from app.store.payment_repository import SqlPaymentJournal
    from app.ui.sound import Chime

log = logging.getLogger(__name__)

#: workers of the payment runner: one blocked by `pay`, one free for "Afbreken" and the kas
PAYMENT_WORKERS = 2
#: how long close() waits for a payment worker after the terminals are gone (milliseconds)
CLOSE_WAIT_MS = 10_000
#: the kiosk's name as a paying workstation (journal, kas, receipt)
KIOSK_POINT = "Zuil 1"
#: the simulators' transaction logs, one folder per workstation, in the demo's data folder
DEMO_TERMINAL_DIR = "betaalautomaten"
#: tab titles at the desk
PAY_TAB = "Betalen"
KAS_TAB = "Kas"


@dataclass
class PaymentPoint:
    """One paying workstation: its terminal and the services on it."""

    name: str
    terminal: PaymentTerminal
    service: PaymentService
    journal: SqlPaymentJournal
    kas: KasService


@dataclass
class Payments:
    """The payment workstations of one process; `close()` stops them in the right order."""

    runner: ThreadPoolTaskRunner
    location: str
    receipt_printer: ReceiptPrinter | None = None
    points: dict[str, PaymentPoint] = field(default_factory=dict)
    simulators: list[Any] = field(default_factory=list)
    #: why a workstation has no terminal (Dutch, for its Betalen tab)
    problems: dict[str, str] = field(default_factory=dict)
    #: a mode's one paying workstation (its desk, or its terminal when the clerk picks the desk)
    this_pc: str = ""
    #: what a kiosk sells ([kiosk] products; app.bootstrap_kiosk)
    products: tuple[KioskProduct, ...] = ()

    def start_recovery(self) -> None:
        """Ask each terminal about payments a previous run left open. On a worker: the status
        queries may take minutes, and the screens must work meanwhile."""
        for point in self.points.values():
            self.runner.run(point.service.recover_open, _recovered(point.name), _recovery_failed(point.name))

    def desk_tabs(self, point_name: str) -> Callable[[Actor], Sequence[tuple[str, QWidget]]]:
        """BalieWindow's extra_tabs: Betalen and Kas for the clerk who signs in at this desk."""

        def build(actor: Actor) -> Sequence[tuple[str, QWidget]]:
            from app.balie.kas_screen import KasScreen
            from app.balie.payment_panel import PaymentPanel

            point = self.points.get(point_name)
            if point is None:
                reason = self.problems.get(point_name, "Deze balie heeft geen pinautomaat.")
                return [(PAY_TAB, reason_label(reason))]
            panel = PaymentPanel(
                point.service,
                self.runner,
                lambda: actor,
                self.receipt_printer,
                location=self.location,
                point=point.name,
                record_cash=point.kas.record_cash,
            )
            return [(PAY_TAB, panel), (KAS_TAB, KasScreen(point.kas, self.runner, lambda: actor))]

        return build

    def close(self) -> None:
        """Services first (stop waiting between status queries), then terminals, then simulators;
        a payment still running then fails fast and its worker ends. Open outcomes stay journalled."""
        for point in self.points.values():
            point.service.close()
        for point in self.points.values():
            try:
                point.terminal.close()
            except Exception:  # one stuck terminal must not keep the others (or the program) open
                log.exception("closing payment terminal of %s failed", point.name)
        for simulator in self.simulators:
            simulator.stop()
        close_printer = getattr(self.receipt_printer, "close", None)
        if close_printer is not None and not self.simulators:  # the demo's printer is the Runtime's
            close_printer()
        if not self.runner.wait_for_done(CLOSE_WAIT_MS):
            log.warning("a payment worker was still busy at shutdown")


def _recovered(name: str) -> Callable[[Any], None]:
    def done(orders: Any) -> None:
        if orders:
            log.info("start-up recovery at %s: %d open payment(s) looked at", name, len(orders))

    return done


def _recovery_failed(name: str) -> Callable[[LoketError], None]:
    def failed(error: LoketError) -> None:
        log.warning("start-up recovery at %s postponed (%s)", name, error.code)

    return failed


def reason_label(text: str) -> QLabel:
    """The Betalen tab of a desk without a working terminal: the reason, calm and large."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setObjectName("paymentUnavailable")
    label.setStyleSheet("QLabel#paymentUnavailable { font-size: 20px; padding: 40px; }")
    label.setAccessibleName("Betalen niet mogelijk")
    return label


def point(name: str, terminal: PaymentTerminal, database: Database, clock: Clock) -> PaymentPoint:
    """The services of one workstation on its terminal; its kas is named after the workstation."""
    from app.core.payment.kas import KasService
    from app.core.payment.service import PaymentService
    from app.store.kas_repository import SqlKasStore
    from app.store.payment_repository import SqlPaymentJournal

    journal = SqlPaymentJournal(database, clock)
    service = PaymentService(terminal, journal, clock, workstation=name)
    kas = KasService(journal, SqlKasStore(database), terminal, clock, name)
    return PaymentPoint(name, terminal, service, journal, kas)


def demo_payments(
    database: Database, clock: Clock, data_dir: Path, names: Sequence[str], location: str, printer: Any
) -> Payments:
    """A nexo simulator on 127.0.0.1 per workstation in `names`, each with its terminal."""
    payments = Payments(ThreadPoolTaskRunner(workers=PAYMENT_WORKERS), location, printer)
    try:
        for index, name in enumerate(names, start=1):
            simulator, terminal = demo_terminal(data_dir / DEMO_TERMINAL_DIR / _slug(name), demo_poi_id(index))
            payments.simulators.append(simulator)
            payments.points[name] = point(name, terminal, database, clock)
    except Exception:
        payments.close()
        raise
    return payments


def demo_poi_id(index: int) -> str:
    """Like a real terminal's id (model and serial), different per demo workstation."""
    return f"V400m-DEMO{index:05d}"


def demo_terminal(folder: Path, poi_id: str) -> tuple[Any, PaymentTerminal]:
    """app.hardware.payment.factory.start_demo_terminal with a POI id of our choosing: a
    simulator on an ephemeral loopback port with a throwaway key, its log in `folder`, and a
    terminal pinned to its certificate that hears the display texts on 127.0.0.1."""
    from app.hardware.payment.factory import DEMO_KEY_IDENTIFIER, DEMO_SALE_ID, SIMULATOR_STATE, OwningTerminal
    from app.hardware.payment.factory import throwaway_passphrase as passphrase
    from app.hardware.payment.nexo_crypto import NexoCredentials, derive_keys
    from app.hardware.payment.nexo_display import DisplayListener
    from app.hardware.payment.nexo_simulator import NexoSimulator
    from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal

    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)  # the simulator's key and log: this user only
    credentials = NexoCredentials(DEMO_KEY_IDENTIFIER, 1, derive_keys(passphrase()))
    listener = DisplayListener(credentials, "127.0.0.1", 0)
    listener.start()
    try:
        simulator = NexoSimulator(
            credentials, poi_id=poi_id, state_file=folder / SIMULATOR_STATE, display_url=listener.url
        )
        simulator.start()
    except Exception:
        listener.stop()
        raise
    settings = NexoSettings(
        host="127.0.0.1",
        port=simulator.port,
        poi_id=poi_id,
        sale_id=DEMO_SALE_ID,
        credentials=credentials,
        fingerprint=simulator.fingerprint,
    )
    terminal = OwningTerminal(NexoTerminal(settings, display=listener), [listener])
    try:
        terminal.open()
    except Exception:
        simulator.stop()
        listener.stop()
        raise
    log.info("demo: betaalautomaat %s (nexo-simulator) op 127.0.0.1:%d", poi_id, simulator.port)
    return simulator, terminal


def mode_payments(
    settings: Any,
    database: Database,
    clock: Clock,
    queue: QueueService,
    location_id: int,
    location: str,
    desk: str | None,
    data_dir: Path,
    receipt_printer: ReceiptPrinter | None,
) -> Payments | None:
    """The workstation's terminal from [devices.payment_terminal]; None when kind is none (or
    absent). A terminal that cannot be opened does not stop the workstation: the reason goes to
    its Betalen tab and a DeviceAlert brings someone from IT."""
    from app.hardware.payment.factory import NoPaymentTerminal, open_payment_terminal

    if settings is None or getattr(settings, "kind", "none") == "none":
        return None
    payments = Payments(ThreadPoolTaskRunner(workers=PAYMENT_WORKERS), location, receipt_printer)
    # The kas is named after the desk; a PC whose clerk picks the desk names it after its terminal,
    # so two such PCs never share a kas.
    name = payments.this_pc = desk or "Deze balie"
    try:
        terminal = open_payment_terminal(settings, data_dir)
    except NoPaymentTerminal:
        return None
    except (LoketError, OSError) as error:
        code = error.code if isinstance(error, LoketError) else "payment.unreachable"
        message = error.message if isinstance(error, LoketError) else "de pinautomaat is niet bereikbaar"
        log.warning("payment terminal of %s not opened (%s): %s", name, code, message)
        if isinstance(error, ConfigError) and error.path:
            message = message.split(": ", 1)[-1]  # the file's path is for the log, not for the clerk
        payments.problems[name] = f"Pinnen kan nu niet. {_sentence(message)} Meld dit bij de beheerder."
        queue.raise_device_alert(location_id, "payment_terminal", code)
        return payments
    if desk is None:
        payments.this_pc = name = f"Pinautomaat {terminal.poi_id}"
    payments.points[name] = point(name, terminal, database, clock)
    return payments


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "werkplek"


# --- the devices of the demo and of a workstation ------------------------------------------


def mode_devices(settings: Any, mode: str, location: str) -> tuple[Any, ReceiptPrinter | None]:
    """A balie's or kiosk's [devices.payment_terminal] and its receipt printer (None when not
    configured; a kiosk then prints receipts on its ticket printer)."""
    devices = getattr(settings, "devices", None)
    terminal = getattr(devices, "payment_terminal", None) if mode in ("balie", "kiosk") else None
    receipts = getattr(devices, "receipt_printer", None)
    if terminal is None or receipts is None or getattr(terminal, "kind", "none") == "none":
        return terminal, None
    from app.hardware.printer.factory import ticket_printer

    return terminal, ticket_printer(receipts, location)


def settings_parts(settings: Any, mode: str, location: str) -> dict[str, Any]:
    """build_mode's keyword arguments from the workstation file (app.config.WorkstationSettings):
    [brp], [kcc], [kiosk], the payment terminal and the receipt printer."""
    terminal, receipts = mode_devices(settings, mode, location)
    return {
        "brp": getattr(settings, "brp", None),
        "kcc": getattr(settings, "kcc", None),
        "kiosk": getattr(settings, "kiosk", None),
        "terminal": terminal,
        "receipt_printer": receipts,
    }


def specimen_card_reader() -> Callable[[], IdentityReading]:
    """Demo: the specimen ID card on a simulated reader, read with the real code (BAC/PACE, secure
    messaging, passive authentication against its TEST ONLY CSCA). Never the face: see DESIGN."""
    from app.hardware.idcard.specimen_card import SpecimenCard

    return SpecimenCard().read


def demo_printer(data_dir: Path) -> tuple[Any, EscposPrinter | FakeTicketPrinter]:
    """The demo prints tickets and receipts through the ESC/POS simulator on loopback: real bytes,
    prints as PNG in `data_dir/bonnen`. Without a free port it falls back to the in-memory printer."""
    from app.config import PrinterSettings
    from app.hardware.printer.escpos_printer import EscposPrinter, branding_for
    from app.hardware.printer.fake import FakeTicketPrinter
    from app.hardware.printer.simulator import PrinterSimulator

    try:
        simulator = PrinterSimulator(out_dir=data_dir / "bonnen").start()
    except OSError as error:
        log.warning("demo: printersimulator start niet (%s); nepprinter in plaats daarvan", error)
        return None, FakeTicketPrinter()
    settings = PrinterSettings(kind="network", host=simulator.host, port=simulator.port, municipality="Gemeente Loket")
    printer = EscposPrinter(settings, branding_for(settings, "Gemeente Loket"))
    log.info("demo: bonnen van de printersimulator komen in %s", data_dir / "bonnen")
    return simulator, printer


def arrange_demo(windows: list[QWidget]) -> None:
    """Kiosk left, display top right, the desks below it: the whole flow at a glance."""
    from PySide6.QtWidgets import QApplication

    kiosk, *balies, display = windows
    screen = QApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else None
    left, top = (area.x(), area.y()) if area is not None else (0, 0)
    width = area.width() if area is not None else 1920
    kiosk_width = min(620, width // 3)
    kiosk.setGeometry(left, top + 30, kiosk_width, 1000)
    display.setGeometry(left + kiosk_width + 10, top + 30, 900, 506)
    for index, balie in enumerate(balies):
        balie.setGeometry(left + kiosk_width + 10 + 40 * index, top + 570 + 40 * index, 1000, 640)
    for window in windows:
        window.show()


def chime_for(data_dir: Path) -> Chime:
    """The call screen's chime, written into the data folder (or the temp folder)."""
    import tempfile

    from app.ui.sound import SoundChime, write_chime_wav

    try:
        wav = write_chime_wav(data_dir / "geluid" / "oproep.wav")
    except OSError:
        wav = write_chime_wav(Path(tempfile.gettempdir()) / "loket-oproep.wav")
    return SoundChime(wav)


def printer_hooks(printer: object) -> dict[str, Any]:
    """The kiosk asks a real printer before it promises paper and shows the QR when it fails."""
    branding = getattr(printer, "branding", None)
    return {
        "ticket_url": branding.ticket_url if branding is not None else None,
        "printer_status": getattr(printer, "status", None),
    }
