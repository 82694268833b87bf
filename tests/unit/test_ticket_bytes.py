"""A fixed queue ticket, byte for byte, on python-escpos's Dummy printer.

The expected bytes are spelled out from the Epson ESC/POS command reference, not copied from
our output: ESC @ (initialise), ESC t 19 (code page PC858, é = 0x82), ESC a 1 (centre),
ESC E n (bold), GS ! n (size: high nibble width-1, low nibble height-1), GS ( k (QR: model,
module size, error correction, store, print), ESC d n (feed), GS V 66 0 (feed and cut).
"""

from __future__ import annotations

from datetime import UTC, datetime

from escpos.printer import Dummy

from app.core.printing import Branding
from app.core.queue.ports import TicketPrint
from app.hardware.printer.commands import PaperProfile
from app.hardware.printer.layout import write_ticket

BRANDING = Branding(municipality="Gemeente Zuidhaven", status_url="https://loket.zuidhaven.example/t/{token}")
TICKET = TicketPrint(
    number="A012",
    service_name_nl="Café-vergunning",
    service_name_en="Café licence",
    location_name="Stadhuis",
    issued_at=datetime(2026, 3, 5, 13, 4, tzinfo=UTC),  # 14:04 in Amsterdam (CET)
    people_ahead=3,
    wait_band=(10, 20),
    token="Xy7-tok3n",
)
URL = b"https://loket.zuidhaven.example/t/Xy7-tok3n"  # 43 bytes


def qr_native(data: bytes) -> bytes:
    store_length = len(data) + 3  # cn, fn, m
    return (
        b"\x1d(k\x04\x00\x31\x41\x32\x00"  # fn 65: model 2
        + b"\x1d(k\x03\x00\x31\x43\x06"  # fn 67: module 6 dots
        + b"\x1d(k\x03\x00\x31\x45\x31"  # fn 69: error correction M (49)
        + b"\x1d(k"
        + bytes([store_length % 256, store_length // 256])
        + b"\x31\x50\x30"  # fn 80: store data
        + data
        + b"\x1d(k\x03\x00\x31\x51\x30"  # fn 81: print the symbol
    )


def expected(number_size: bytes) -> bytes:
    return (
        b"\x1b@"
        + b"\x1bt\x13"
        + b"\x1ba\x01"
        + b"\x1bE\x01Gemeente Zuidhaven\n\x1bE\x00"
        + b"Stadhuis\n"
        + b"\n"
        + b"Uw volgnummer / Your number\n"
        + b"\x1d!"
        + number_size
        + b"A012\n\x1d!\x00"
        + b"\x1d!\x11Caf\x82-vergunning\n\x1d!\x00"
        + b"Caf\x82 licence\n"
        + b"\n"
        + b"05-03-2026  14:04\n"
        + b"Wachtenden voor u / People ahead: 3\n"
        + b"Geschatte wachttijd: 10-20 min (schatting)\n"
        + b"Estimated wait: 10-20 min (estimate)\n"
        + b"\n"
        + b"Let op het scherm in de wachtruimte.\n"
        + b"Please watch the screen in the waiting room.\n"
        + b"\n"
        + qr_native(URL)
        + b"\n"
        + b"Volg uw beurt / Follow your turn\n"
        + b"\x1bd\x03"
        + b"\x1dVB\x00"
    )


def test_fixed_ticket_80mm_is_byte_exact() -> None:
    printer = Dummy()
    write_ticket(printer, TICKET, BRANDING, PaperProfile.for_width(80), native_qr=True)
    assert printer.output == expected(b"\x77")  # number 8x wide, 8x high


def test_fixed_ticket_58mm_uses_a_smaller_number() -> None:
    printer = Dummy()
    write_ticket(printer, TICKET, BRANDING, PaperProfile.for_width(58), native_qr=True)
    out = printer.output
    assert b"\x1d!\x55A012\n" in out  # 6x: four characters of 72 dots fit 384 dots
    assert b"Geschatte wachttijd: 10-20 min\n(schatting)\n" in out  # 32 characters a line
    assert b"Wachtenden voor u / People\nahead: 3\n" in out


def test_printer_without_native_qr_gets_a_raster_image() -> None:
    printer = Dummy()
    write_ticket(printer, TICKET, BRANDING, PaperProfile.for_width(80), native_qr=False)
    out = printer.output
    assert b"\x1d(k" not in out
    assert b"\x1dv0" in out  # GS v 0: raster bit image
    assert out.endswith(b"\x1bd\x03\x1dVB\x00")


def test_ticket_carries_no_more_than_the_token() -> None:
    printer = Dummy()
    write_ticket(printer, TICKET, BRANDING, PaperProfile.for_width(80), native_qr=True)
    stored = printer.output.split(b"\x31\x50\x30", 1)[1].split(b"\x1d(k", 1)[0]
    assert stored == URL
