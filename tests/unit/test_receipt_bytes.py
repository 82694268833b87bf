"""A fixed legesnota, byte for byte, on python-escpos's Dummy printer.

Expected bytes from the ESC/POS reference: ESC @, ESC t 19 (PC858: € is 0xD5), ESC a n,
ESC E n, ESC d n, GS V 66 0. Amounts: 2024 maximum fees from ../shared/data/kcc/leges-voorbeelden.csv
(paspoort 18+ € 83,87; spoedtoeslag € 57,09).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from escpos.printer import Dummy

from app.core.printing import Branding, CardPayment, Receipt, ReceiptLine, euro, mask_card
from app.hardware.printer.commands import PaperProfile
from app.hardware.printer.layout import write_receipt

BRANDING = Branding(municipality="Gemeente Zuidhaven", address=("Markt 1", "1234 AB Zuidhaven"))
CARDHOLDER = ("KLANTTICKET", "Terminal   P400-0042", "Maestro    ****1234", "Akkoord    A1B2C3", "EUR 140,96")
RECEIPT = Receipt(
    number="LN-2024-000123",
    issued_at=datetime(2024, 3, 5, 13, 4, tzinfo=UTC),  # 14:04 in Amsterdam
    location="Stadhuis",
    point="Balie 3",
    lines=(
        ReceiptLine("Nationaal paspoort 18+", "1.2.1", 1, 8387),
        ReceiptLine("Spoedtoeslag reisdocument", "1.2.5", 1, 5709),
    ),
    payment=CardPayment(
        method="pin",
        terminal_id="P400-0042",
        masked_card="****1234",
        approval_code="A1B2C3",
        reference="T-77812",
        cardholder_receipt=CARDHOLDER,
    ),
    objection="Bezwaar: binnen zes weken bij het college.",
)


def row(left: str, right: str) -> bytes:
    """Label left, value right-aligned to column 48 (80 mm, font A)."""
    return (left + " " * (48 - len(left) - len(right)) + right).encode("cp858") + b"\n"


def test_fixed_receipt_80mm_is_byte_exact() -> None:
    rule = b"-" * 48 + b"\n"
    expected = (
        b"\x1b@\x1bt\x13\x1ba\x01"
        + b"\x1bE\x01Gemeente Zuidhaven\n\x1bE\x00"
        + b"Markt 1\n1234 AB Zuidhaven\n"
        + b"\n\x1bE\x01LEGESNOTA / BETALINGSBEWIJS\n\x1bE\x00"
        + b"\x1ba\x00"
        + row("Datum", "05-03-2024 14:04")
        + row("Locatie", "Stadhuis")
        + row("Balie/kiosk", "Balie 3")
        + row("Notanummer", "LN-2024-000123")
        + rule
        + b"Nationaal paspoort 18+\n"
        + b"  art. 1.2.1  1 x \xd5 83,87"
        + b" " * 16
        + b"\xd5 83,87\n"
        + b"Spoedtoeslag reisdocument\n"
        + b"  art. 1.2.5  1 x \xd5 57,09"
        + b" " * 16
        + b"\xd5 57,09\n"
        + rule
        + b"\x1bE\x01"
        + b"TOTAAL"
        + b" " * 34
        + b"\xd5 140,96\n"
        + b"\x1bE\x00"
        + row("Betaald met", "pin")
        + row("Terminal", "P400-0042")
        + row("Kaart", "****1234")
        + row("Autorisatiecode", "A1B2C3")
        + row("Referentie", "T-77812")
        + b"\n"
        + b"Geen btw: overheidsheffing\n"
        + b"\n"
        + b"Bezwaar: binnen zes weken bij het college.\n"
        + b"\n"
        + rule
        + b"KLANTTICKET\nTerminal   P400-0042\nMaestro    ****1234\nAkkoord    A1B2C3\nEUR 140,96\n"
        + rule
        + b"\x1bd\x03\x1dVB\x00"
    )
    printer = Dummy()
    write_receipt(printer, RECEIPT, BRANDING, PaperProfile.for_width(80))
    assert printer.output == expected


def test_a_taxable_line_adds_a_vat_block() -> None:
    photos = ReceiptLine("Pasfoto's (4 stuks)", "-", 1, 1500, vat_percent=21)
    receipt = Receipt(**{**RECEIPT.__dict__, "lines": (*RECEIPT.lines, photos)})
    printer = Dummy()
    write_receipt(printer, receipt, BRANDING, PaperProfile.for_width(80))
    out = printer.output
    assert b"Geen btw: overheidsheffing\n" in out  # still true of the fees
    assert row("Btw 21% over \u20ac 15,00", "\u20ac 2,60") in out  # 1500 * 21/121 = 260.3 cents
    assert b"TOTAAL" + b" " * 34 + b"\xd5 155,96\n" in out


def test_only_levies_means_no_vat_block() -> None:
    printer = Dummy()
    write_receipt(printer, RECEIPT, BRANDING, PaperProfile.for_width(80))
    assert b"Btw " not in printer.output


def test_euro_notation() -> None:
    assert euro(14096) == "€ 140,96"
    assert euro(123456789) == "€ 1.234.567,89"
    assert euro(-5) == "-€ 0,05"


def test_58mm_keeps_every_amount_whole() -> None:
    printer = Dummy()
    write_receipt(printer, RECEIPT, BRANDING, PaperProfile.for_width(58))
    out = printer.output
    assert b"  art. 1.2.1  1 x" + b" " * 8 + b"\xd5 83,87\n" in out  # 32 columns
    assert b"TOTAAL" + b" " * 18 + b"\xd5 140,96\n" in out


def test_a_full_card_number_never_reaches_a_receipt() -> None:
    assert mask_card("6703 4444 4444 4449") == "**** 4449"
    with pytest.raises(ValueError):
        CardPayment(method="pin", masked_card="6703444444444449")
