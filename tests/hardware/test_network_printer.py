"""The real driver over TCP against the loopback simulator, for every status the printer can give."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import zxingcpp

from app.config import PrinterSettings
from app.core.printing import Branding, CoverOpen, PaperLevel, PaperOut, PrinterNotFound, PrinterOffline
from app.core.queue.ports import TicketPrint
from app.hardware.printer.escpos_printer import EscposPrinter, _open_error
from app.hardware.printer.simulator import PrinterSimulator

BRANDING = Branding(municipality="Gemeente Zuidhaven", status_url="https://loket.zuidhaven.example/t/{token}")
TICKET = TicketPrint(
    number="B007",
    service_name_nl="Rijbewijs",
    service_name_en="Driving licence",
    location_name="Stadhuis",
    issued_at=datetime(2026, 6, 1, 8, 30, tzinfo=UTC),
    people_ahead=0,
    wait_band=(0, 5),
    token="q9T_zz81",
)


@pytest.fixture
def sim() -> Iterator[PrinterSimulator]:
    with PrinterSimulator(slow_seconds=0.1) as simulator:
        yield simulator


def _printer(sim: PrinterSimulator, *, native_qr: bool = True, timeout: float = 0.3) -> EscposPrinter:
    settings = PrinterSettings(kind="network", host=sim.host, port=sim.port, native_qr=native_qr)
    return EscposPrinter(settings, BRANDING, timeout=timeout)


@pytest.mark.parametrize(
    ("state", "online", "paper", "cover"),
    [
        ("ok", True, PaperLevel.OK, False),
        ("near_end", True, PaperLevel.NEAR_END, False),
        ("out", False, PaperLevel.OUT, False),
        ("cover_open", False, PaperLevel.OK, True),
        ("slow", True, PaperLevel.OK, False),
    ],
)
def test_status_states_are_read_over_tcp(
    sim: PrinterSimulator, state: str, online: bool, paper: PaperLevel, cover: bool
) -> None:
    sim.state = state
    printer = _printer(sim)
    try:
        status = printer.status()
    finally:
        printer.close()
    assert status.answered
    assert (status.online, status.paper, status.cover_open) == (online, paper, cover)


def test_no_answer_is_not_plenty_of_paper(sim: PrinterSimulator) -> None:
    sim.state = "offline"
    printer = _printer(sim)
    try:
        status = printer.status()
        assert not status.answered
        assert status.paper is PaperLevel.UNKNOWN
        assert status.describe() == "geen antwoord"
        with pytest.raises(PrinterOffline):
            printer.print_ticket(TICKET)
    finally:
        printer.close()
    assert sim.pages == []


@pytest.mark.parametrize(("state", "error"), [("out", PaperOut), ("cover_open", CoverOpen)])
def test_a_stopped_printer_fails_before_the_job_is_sent(sim: PrinterSimulator, state: str, error: type) -> None:
    sim.state = state
    printer = _printer(sim)
    try:
        with pytest.raises(error) as raised:
            printer.print_ticket(TICKET)
    finally:
        printer.close()
    assert raised.value.code in ("printer.paper_out", "printer.cover_open")
    assert sim.received == 9  # three DLE EOT questions of three bytes, no ticket bytes


@pytest.mark.parametrize("state", ["ok", "near_end", "slow"])
def test_ticket_prints_and_its_qr_decodes_to_the_token(sim: PrinterSimulator, state: str) -> None:
    sim.state = state
    printer = _printer(sim)
    try:
        printer.print_ticket(TICKET)
    finally:
        printer.close()
    assert sim.wait_for_pages(1)
    assert sim.qr_payloads == ["https://loket.zuidhaven.example/t/q9T_zz81"]
    decoded = [code.text for code in zxingcpp.read_barcodes(sim.pages[0].convert("L"))]
    assert decoded == ["https://loket.zuidhaven.example/t/q9T_zz81"]


def test_raster_qr_for_printers_without_native_qr_decodes_too(sim: PrinterSimulator) -> None:
    printer = _printer(sim, native_qr=False)
    try:
        printer.print_ticket(TICKET)
    finally:
        printer.close()
    assert sim.wait_for_pages(1)
    assert sim.qr_payloads == []  # no GS ( k was sent
    decoded = [code.text for code in zxingcpp.read_barcodes(sim.pages[0].convert("L"))]
    assert decoded == ["https://loket.zuidhaven.example/t/q9T_zz81"]


def test_printer_reconnects_after_the_simulator_dropped_the_line(sim: PrinterSimulator) -> None:
    printer = _printer(sim)
    printer.open()
    printer.close()
    printer.print_ticket(TICKET)  # opens again by itself
    printer.close()
    assert sim.wait_for_pages(1)


def test_nobody_listening_is_offline() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    printer = EscposPrinter(PrinterSettings(kind="network", host="127.0.0.1", port=free_port), BRANDING)
    with pytest.raises(PrinterOffline):
        printer.open()


def test_unknown_host_or_device_is_not_found() -> None:
    settings = PrinterSettings(kind="network", host="bonprinter.invalid")
    try:
        raise RuntimeError("wrapped") from None
    except RuntimeError as outer:
        outer.__context__ = socket.gaierror(-2, "Name or service not known")
        assert isinstance(_open_error(settings, outer), PrinterNotFound)


def test_receipt_prints_over_tcp(sim: PrinterSimulator) -> None:
    from tests.unit.test_receipt_bytes import RECEIPT

    printer = _printer(sim)
    try:
        printer.print_receipt(RECEIPT)
    finally:
        printer.close()
    assert sim.wait_for_pages(1)
    assert sim.qr_payloads == []  # no QR on a receipt
    assert sim.pages[0].width == 576 + 32  # 80 mm of dots plus the simulator's margin


def test_a_roll_runs_near_end_then_out(sim: PrinterSimulator) -> None:
    sim.load_roll(3, near_end_at=1)
    printer = _printer(sim)
    try:
        for count, expected in enumerate(("ok", "ok", "near_end"), start=1):
            assert sim.state == expected
            printer.print_ticket(TICKET)
            assert sim.wait_for_pages(count)  # the roll is used when the cut arrives
        assert printer.status().paper is PaperLevel.OUT
        with pytest.raises(PaperOut):
            printer.print_ticket(TICKET)
    finally:
        printer.close()
    assert len(sim.pages) == 3


def test_stopping_the_simulator_cuts_open_connections_and_runs_no_callback_after() -> None:
    simulator = PrinterSimulator().start()
    pages: list[object] = []
    simulator.on_page = pages.append
    client = socket.create_connection((simulator.host, simulator.port))
    client.sendall(b"\x10\x04\x01")
    assert client.recv(1) == b"\x12"  # the connection's thread is running
    client.sendall(b"\x1b@half a ticket")  # no cut, and the connection stays open
    simulator.stop()  # returns: the open connection is cut and its thread joined
    seen = len(pages)
    client.close()  # would flush the half ticket if the thread still ran
    assert seen <= 1 and len(pages) == seen
