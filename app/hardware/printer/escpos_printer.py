"""The one real printer driver: python-escpos over USB, network (TCP 9100), serial, file or
Windows raw printing, chosen by the workstation's [devices.*_printer] table.

Explicit `open()`/`close()`; a print on a closed printer opens it first, because a kiosk prints
all day and a network printer may have been restarted in between. Before every job the driver
asks the printer (DLE EOT) where the transport can read, so a paper-out printer fails fast with
a typed error instead of swallowing the ticket. No silent failure: every problem is a
PrinterError subclass with a stable code.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from app.config import PrinterSettings
from app.core.errors import ConfigError, PrinterError
from app.core.printing import (
    Branding,
    PaperLevel,
    PrinterNotFound,
    PrinterOffline,
    PrinterStatus,
    Receipt,
)
from app.core.queue.ports import TicketPrint
from app.hardware.printer.commands import PaperProfile
from app.hardware.printer.layout import job_buffer, write_receipt, write_ticket

log = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER = 1, 2, 4
BIT_OFFLINE = 0x08
BIT_COVER_OPEN = 0x04
BITS_NEAR_END = 0x0C
BITS_PAPER_OUT = 0x60
READABLE_KINDS = ("network", "usb", "serial")


def parse_status(printer: int | None, cause: int | None, paper: int | None) -> PrinterStatus:
    """Turn DLE EOT 1, 2 and 4 answers into a status. None means that question got no answer."""
    if printer is None:
        return PrinterStatus(answered=False)
    level = PaperLevel.UNKNOWN
    if paper is not None:
        if paper & BITS_PAPER_OUT:
            level = PaperLevel.OUT
        elif paper & BITS_NEAR_END:
            level = PaperLevel.NEAR_END
        else:
            level = PaperLevel.OK
    cover = None if cause is None else bool(cause & BIT_COVER_OPEN)
    return PrinterStatus(answered=True, online=not printer & BIT_OFFLINE, paper=level, cover_open=cover)


def make_transport(settings: PrinterSettings, timeout: float) -> Any:
    """The python-escpos printer object for this config; not opened yet."""
    from escpos import printer as escpos_printer

    kind = settings.kind
    extra: dict[str, Any] = {"profile": settings.profile} if settings.profile else {}
    if kind == "network":
        return escpos_printer.Network(settings.host, port=settings.port, timeout=timeout, **extra)
    if kind == "usb":
        return escpos_printer.Usb(settings.vendor_id, settings.product_id, timeout=int(timeout * 1000), **extra)
    if kind == "serial":
        return escpos_printer.Serial(settings.device, baudrate=settings.baudrate, timeout=timeout, **extra)
    if kind == "file":
        return escpos_printer.File(settings.path, **extra)
    if kind == "win32raw":
        return escpos_printer.Win32Raw(settings.printer_name, **extra)
    raise PrinterNotFound(f"Onbekende printersoort '{kind}'", kind=kind)


def _from_escpos_profile(settings: PrinterSettings) -> tuple[PaperProfile, bool]:
    """Dots per line and QR support from python-escpos's printer database."""
    from escpos.capabilities import get_profile

    try:
        capabilities = get_profile(settings.profile)
    except KeyError:
        raise ConfigError(f"onbekend printerprofiel '{settings.profile}'", key="profile") from None
    dots = capabilities.profile_data.get("media", {}).get("width", {}).get("pixels")
    profile = PaperProfile.for_dots(settings.width_mm, dots) if isinstance(dots, int) else None
    return profile or PaperProfile.for_width(settings.width_mm), settings.native_qr and capabilities.supports("qrCode")


def _open_error(settings: PrinterSettings, error: Exception) -> PrinterError:
    cause = error.__context__ or error.__cause__ or error
    where = (
        settings.host
        or settings.device
        or settings.path
        or settings.printer_name
        or f"{settings.vendor_id:04x}:{settings.product_id:04x}"
    )
    if isinstance(cause, ConnectionRefusedError | TimeoutError | socket.timeout):
        return PrinterOffline(f"Printer {where} neemt niet op", reason=type(cause).__name__)
    return PrinterNotFound(f"Printer {where} niet gevonden", reason=str(cause)[:200])


def _is_timeout(error: OSError) -> bool:
    # pyusb raises USBTimeoutError (an OSError) with errno ETIMEDOUT; other USB errors mean unplugged.
    return isinstance(error, TimeoutError) or "Timeout" in type(error).__name__ or error.errno == errno.ETIMEDOUT


class EscposPrinter:
    """Ticket and receipt printer. Thread-safe: the kiosk prints from a worker thread."""

    def __init__(
        self,
        settings: PrinterSettings,
        branding: Branding,
        *,
        timeout: float = 3.0,
        status_timeout: float = 0.5,
        retry_after: float = 10.0,
        transport_factory: Callable[[PrinterSettings, float], Any] = make_transport,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.branding = branding
        self.profile = PaperProfile.for_width(settings.width_mm)
        self.native_qr = settings.native_qr
        if settings.profile:
            self.profile, self.native_qr = _from_escpos_profile(settings)
        self._timeout = timeout
        # A printer answers DLE EOT in milliseconds; waiting longer only delays the citizen's number.
        self._status_timeout = min(status_timeout, timeout)
        self._retry_after = retry_after
        self._monotonic = monotonic
        self._failed: tuple[float, PrinterError] | None = None  # last failed open: when, and why
        self._factory = transport_factory
        self._device: Any = None
        self._lock = threading.RLock()

    # --- lifetime ------------------------------------------------------------------------

    def open(self) -> None:
        """Connect. After a failure the same error comes back at once for `retry_after` seconds:
        a switched-off network printer must not cost every citizen a connect timeout."""
        with self._lock:
            if self._device is not None:
                return
            if self._failed is not None and self._monotonic() - self._failed[0] < self._retry_after:
                earlier = self._failed[1]
                raise type(earlier)(earlier.message, **earlier.details)
            try:
                device = self._connect()
            except PrinterError as error:
                self._failed = (self._monotonic(), error)
                raise
            self._failed = None
            if self.settings.kind == "network":
                # Status questions are three bytes: without this, Nagle and delayed ACKs add ~40 ms.
                device.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._device = device
            log.info("printer geopend (%s)", self.settings.kind)

    def _connect(self) -> Any:
        try:
            device = self._factory(self.settings, self._timeout)
            device.open()
        except PrinterError:
            raise
        except RuntimeError as error:  # python-escpos: the transport's library (pyusb, pywin32 ...) is missing
            raise PrinterNotFound(
                f"Printersoort '{self.settings.kind}' kan op deze pc niet: stuurprogramma ontbreekt",
                reason=str(error)[:200],
            ) from error
        except Exception as error:  # escpos raises DeviceNotFoundError, USBNotFoundError, OSError ...
            raise _open_error(self.settings, error) from error
        return device

    def close(self) -> None:
        with self._lock:
            device, self._device = self._device, None
            if device is not None:
                try:
                    device.close()
                except Exception:  # closing a dead connection must not hide the real problem
                    log.debug("printer sluiten mislukt", exc_info=True)

    @property
    def is_open(self) -> bool:
        return self._device is not None

    # --- status --------------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        with self._lock:
            self.open()
            if self.settings.kind not in READABLE_KINDS:
                return PrinterStatus(answered=False, readable=False)
            try:
                printer = self._ask(STATUS_PRINTER)
                if printer is None:
                    return PrinterStatus(answered=False)
                paper = self._ask(STATUS_PAPER)
                cause = self._ask(STATUS_OFFLINE_CAUSE) if printer & BIT_OFFLINE else 0
            except OSError as error:
                self.close()
                raise PrinterOffline("Verbinding met de printer verbroken", reason=str(error)[:200]) from error
            return parse_status(printer, cause, paper)

    def _ask(self, n: int) -> int | None:
        """One DLE EOT n round trip; None when nothing answers in time."""
        device = self._device
        if self.settings.kind == "network":
            sock: socket.socket = device.device
            self._drain(sock)
            sock.settimeout(self._status_timeout)
            sock.sendall(DLE_EOT + bytes([n]))
            try:
                data = sock.recv(1)
            except TimeoutError:
                return None
            finally:
                sock.settimeout(self._timeout)
            if not data:
                raise ConnectionResetError("printer closed the connection")
            return data[0]
        device._raw(DLE_EOT + bytes([n]))
        try:
            data = device._read()
        except OSError as error:
            if _is_timeout(error):
                return None  # USB read timed out: no answer, not 'plenty of paper'
            raise
        return data[0] if data else None  # serial returns b"" after its timeout

    @staticmethod
    def _drain(sock: socket.socket) -> None:
        """A late answer from an earlier question must not be read as this one's."""
        sock.setblocking(False)
        try:
            while sock.recv(64):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            sock.setblocking(True)

    # --- printing ------------------------------------------------------------------------

    def _job(self, write: Callable[[Any], None]) -> None:
        with self._lock:
            problem = self.status().problem()
            if problem is not None:
                raise problem
            # The whole job is built first and sent in one write: a status question can never land
            # inside a ticket, and TCP sends one burst instead of dozens of tiny segments.
            job = job_buffer(self.profile)
            write(job)
            try:
                self._device._raw(job.output)
            except PrinterError:
                raise
            except (OSError, ValueError) as error:
                self.close()
                raise PrinterOffline("Printen mislukt: verbinding verbroken", reason=str(error)[:200]) from error

    def print_ticket(self, ticket: TicketPrint) -> None:
        self._job(lambda p: write_ticket(p, ticket, self.branding, self.profile, native_qr=self.native_qr))
        log.info("ticket %s geprint", ticket.number)

    def print_receipt(self, receipt: Receipt) -> None:
        self._job(lambda p: write_receipt(p, receipt, self.branding, self.profile))
        log.info("legesnota %s geprint", receipt.number)

    def print_test_page(self) -> PrinterStatus:
        """For IT staff: prints the status it read, the code page and a QR; returns the status."""
        from app.hardware.printer.layout import write_test_page

        with self._lock:
            status = self.status()
            self._job(lambda p: write_test_page(p, self.branding, self.profile, status, self.native_qr))
            return status


def branding_for(settings: PrinterSettings, fallback_name: str) -> Branding:
    """What the workstation file says about the municipality, with sensible defaults."""
    address = tuple(part.strip() for part in settings.address.split(",") if part.strip())
    defaults = Branding(municipality=settings.municipality or fallback_name)
    return Branding(
        municipality=defaults.municipality,
        address=address,
        status_url=settings.status_url or defaults.status_url,
        logo_path=settings.logo,
    )
