"""The driver on transports other than TCP: serial and USB answers, the file transport, not found."""

from __future__ import annotations

import errno
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.config import PrinterSettings
from app.core.errors import ConfigError
from app.core.printing import Branding, PaperLevel, PaperOut, PrinterNotFound, PrinterOffline
from app.core.queue.ports import TicketPrint
from app.hardware.printer.escpos_printer import EscposPrinter, parse_status

BRANDING = Branding(municipality="Gemeente Zuidhaven")
TICKET = TicketPrint(
    "C004", "Burgerzaken", "Civil affairs", "Stadhuis", datetime(2026, 1, 5, 9, tzinfo=UTC), 1, (5, 10), "tok"
)


class ScriptedLine:
    """A serial or USB printer: answers DLE EOT n from a table; None answers nothing."""

    def __init__(self, answers: dict[int, int | None], *, usb_timeout: bool = False) -> None:
        self.answers = answers
        self.usb_timeout = usb_timeout
        self.written = b""
        self._pending: int | None = None
        self.opened = False

    def open(self) -> None:
        self.opened = True

    def close(self) -> None:
        self.opened = False

    def _raw(self, data: bytes) -> None:
        self.written += data
        if data[:2] == b"\x10\x04":
            self._pending = self.answers.get(data[2])

    def _read(self) -> bytes:
        answer, self._pending = self._pending, None
        if answer is None and self.usb_timeout:
            raise OSError(errno.ETIMEDOUT, "Operation timed out")
        return b"" if answer is None else bytes([answer])


def _printer(kind: str, line: ScriptedLine) -> EscposPrinter:
    settings = PrinterSettings(kind=kind, device="/dev/ttyUSB0", vendor_id=0x04B8, product_id=0x0202)  # type: ignore[arg-type]
    return EscposPrinter(settings, BRANDING, transport_factory=lambda _s, _t: line)


@pytest.mark.parametrize("kind", ["serial", "usb"])
def test_silence_on_a_line_is_no_answer(kind: str) -> None:
    line = ScriptedLine({}, usb_timeout=kind == "usb")
    printer = _printer(kind, line)
    status = printer.status()
    assert not status.answered and status.paper is PaperLevel.UNKNOWN
    with pytest.raises(PrinterOffline):
        printer.print_ticket(TICKET)
    assert b"C004" not in line.written


@pytest.mark.parametrize("kind", ["serial", "usb"])
def test_paper_out_on_a_line(kind: str) -> None:
    line = ScriptedLine({1: 0x1A, 2: 0x32, 4: 0x7E})
    printer = _printer(kind, line)
    with pytest.raises(PaperOut):
        printer.print_ticket(TICKET)


def test_ok_line_prints_in_one_write() -> None:
    line = ScriptedLine({1: 0x12, 4: 0x12})
    printer = _printer("serial", line)
    printer.print_ticket(TICKET)
    assert line.written.startswith(b"\x10\x04\x01\x10\x04\x04\x1b@")
    assert line.written.endswith(b"\x1dVB\x00")


def test_dle_eot_bits_from_the_reference() -> None:
    assert parse_status(0x12, 0x12, 0x12).paper is PaperLevel.OK
    assert parse_status(0x12, 0x12, 0x1E).paper is PaperLevel.NEAR_END  # bits 2,3: near end
    assert parse_status(0x1A, 0x32, 0x72).paper is PaperLevel.OUT  # bits 5,6: paper end
    assert parse_status(0x1A, 0x16, 0x12).cover_open  # n=2 bit 2
    assert parse_status(0x1A, 0x16, 0x12).online is False  # n=1 bit 3
    assert not parse_status(None, None, None).answered


def test_file_transport_writes_the_job_and_cannot_read(tmp_path: Path) -> None:
    target = tmp_path / "bon.bin"
    printer = EscposPrinter(PrinterSettings(kind="file", path=str(target)), BRANDING)
    try:
        status = printer.status()
        assert not status.readable and status.problem() is None
        printer.print_ticket(TICKET)
    finally:
        printer.close()
    data = target.read_bytes()
    assert data.startswith(b"\x1b@\x1bt\x13") and b"C004" in data and data.endswith(b"\x1dVB\x00")


def test_file_in_a_missing_folder_is_not_found(tmp_path: Path) -> None:
    printer = EscposPrinter(PrinterSettings(kind="file", path=str(tmp_path / "nope" / "bon.bin")), BRANDING)
    with pytest.raises(PrinterNotFound):
        printer.open()


@pytest.mark.parametrize(
    "settings",
    [
        PrinterSettings(kind="usb", vendor_id=0x04B8, product_id=0x0E15),  # no such printer on the bus
        PrinterSettings(kind="serial", device="/dev/ttyLOKET-NONE"),
        PrinterSettings(kind="win32raw", printer_name="EPSON TM-T88V"),  # no Windows spooler here
    ],
    ids=["usb", "serial", "win32raw"],
)
@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the spooler and COM ports are real")
def test_absent_devices_are_not_found_with_a_typed_error(settings: PrinterSettings) -> None:
    printer = EscposPrinter(settings, BRANDING)
    with pytest.raises(PrinterNotFound) as raised:
        printer.open()
    assert raised.value.code == "printer.not_found"
    assert not printer.is_open


def test_escpos_profile_decides_line_width_and_qr() -> None:
    tm_t88v = EscposPrinter(PrinterSettings(kind="file", path="x", profile="TM-T88V"), BRANDING)
    assert (tm_t88v.profile.dots, tm_t88v.profile.columns, tm_t88v.native_qr) == (512, 42, True)
    no_qr = EscposPrinter(PrinterSettings(kind="file", path="x", width_mm=58, profile="POS-5890"), BRANDING)
    assert (no_qr.profile.dots, no_qr.profile.columns, no_qr.native_qr) == (384, 32, False)


def test_unknown_escpos_profile_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="TM-GEENDATA"):
        EscposPrinter(PrinterSettings(kind="file", path="x", profile="TM-GEENDATA"), BRANDING)


def test_a_dead_printer_is_not_dialled_for_every_ticket() -> None:
    attempts = []
    now = [100.0]

    def refusing(_settings: PrinterSettings, _timeout: float) -> ScriptedLine:
        attempts.append(now[0])
        raise OSError("device gone")

    printer = EscposPrinter(
        PrinterSettings(kind="serial", device="/dev/ttyUSB0"),
        BRANDING,
        retry_after=10,
        transport_factory=refusing,
        monotonic=lambda: now[0],
    )
    for _ in range(3):
        with pytest.raises(PrinterNotFound):
            printer.print_ticket(TICKET)
    assert attempts == [100.0]  # the next two failed at once, from memory
    now[0] += 10
    with pytest.raises(PrinterNotFound):
        printer.print_ticket(TICKET)
    assert attempts == [100.0, 110.0]
    line = ScriptedLine({1: 0x12, 4: 0x12})
    printer._factory = lambda _s, _t: line  # the printer is back
    now[0] += 10
    printer.print_ticket(TICKET)
    assert b"C004" in line.written


def test_python_escpos_would_call_silence_plenty_of_paper_we_do_not() -> None:
    from escpos.printer import Dummy

    class SilentDummy(Dummy):  # python-escpos's own status path on a line that never answers
        def _read(self) -> bytes:
            return b""

    assert SilentDummy().paper_status() == 2  # "2: Paper is adequate" — the trap
    status = _printer("serial", ScriptedLine({})).status()
    assert status.paper is PaperLevel.UNKNOWN and not status.answered
