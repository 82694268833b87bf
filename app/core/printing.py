"""What printers are asked to print and what they can say back: pure content, no device library.

Receipts (legesnota / betalingsbewijs) are dated tax notices: amounts are integer cents, never
float. Municipal fees (leges) carry no VAT; a VAT block appears only when a taxable line exists.
No BSN or name ever goes into these objects.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from app.core.errors import PrinterError
from app.core.queue.ports import TicketPrint

# --- errors with stable codes ---------------------------------------------------------------


class PrinterOffline(PrinterError):
    """The printer does not answer or reports itself offline."""

    code = "printer.offline"


class PaperOut(PrinterError):
    code = "printer.paper_out"


class CoverOpen(PrinterError):
    code = "printer.cover_open"


class PrinterNotFound(PrinterError):
    """The configured device does not exist (no such USB id, host, port or file)."""

    code = "printer.not_found"


# --- status ---------------------------------------------------------------------------------


class PaperLevel(enum.Enum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"  # the transport cannot read, or nothing answered


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said to DLE EOT. `answered=False` is 'no answer', never 'plenty of paper'."""

    answered: bool
    online: bool | None = None
    paper: PaperLevel = PaperLevel.UNKNOWN
    cover_open: bool | None = None
    readable: bool = True  # False: the transport (file, Windows spooler) cannot read back

    def problem(self) -> PrinterError | None:
        """The error a print would meet now, or None when printing may go ahead."""
        if not self.readable:
            return None  # nothing to ask: print and let a write error speak
        if not self.answered:
            return PrinterOffline("Printer geeft geen antwoord", reason="no_answer")
        if self.paper is PaperLevel.OUT:
            return PaperOut("Printer: papier op")
        if self.cover_open:
            return CoverOpen("Printer: klep open")
        if self.online is False:
            return PrinterOffline("Printer staat offline", reason="offline")
        return None

    def describe(self) -> str:
        """Dutch one-liner for IT staff (`loket devices printer --test`)."""
        if not self.readable:
            return "status niet leesbaar via deze aansluiting"
        if not self.answered:
            return "geen antwoord"
        paper = {
            PaperLevel.OK: "papier ok",
            PaperLevel.NEAR_END: "papier bijna op",
            PaperLevel.OUT: "papier op",
            PaperLevel.UNKNOWN: "papier onbekend",
        }[self.paper]
        parts = ["online" if self.online else "offline", paper]
        if self.cover_open:
            parts.append("klep open")
        return ", ".join(parts)


# --- what goes on paper ---------------------------------------------------------------------


@dataclass(frozen=True)
class Branding:
    """The municipality on every print. `status_url` holds `{token}`: the QR's only content."""

    municipality: str
    address: tuple[str, ...] = ()
    status_url: str = "https://loket.example.nl/t/{token}"
    logo_path: str = ""

    def ticket_url(self, token: str) -> str:
        return self.status_url.replace("{token}", token)


@dataclass(frozen=True)
class ReceiptLine:
    product: str
    tariff_item: str  # artikel of the legesverordening's tarieventabel, e.g. "1.2.1"
    quantity: int
    unit_cents: int
    vat_percent: int | None = None  # None: overheidsheffing, no VAT

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass(frozen=True)
class CardPayment:
    method: str  # "pin", "contactloos", "contant"
    terminal_id: str = ""
    masked_card: str = ""  # only the last four digits, e.g. "**** **** **** 1234"
    approval_code: str = ""
    reference: str = ""
    cardholder_receipt: tuple[str, ...] = ()  # the terminal's own text, printed verbatim

    def __post_init__(self) -> None:
        # A full card number on a receipt (or in its PDF) is a PCI and privacy incident.
        if sum(ch.isdigit() for ch in self.masked_card) > 4:
            raise ValueError("masked_card shows more than the last four digits")


def mask_card(number: str) -> str:
    """'6703 4444 4444 4449' → '**** 4449': only the last four digits stay."""
    digits = [ch for ch in number if ch.isdigit()]
    return f"**** {''.join(digits[-4:])}" if digits else ""


@dataclass(frozen=True)
class Receipt:
    number: str
    issued_at: datetime
    location: str
    point: str  # "Balie 3" or "Kiosk 1"
    lines: Sequence[ReceiptLine]
    payment: CardPayment
    objection: str = (
        "Bezwaar tegen deze heffing? Dien binnen zes weken na de datum van deze nota "
        "een bezwaarschrift in bij het college van burgemeester en wethouders."
    )
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    def vat_totals(self) -> dict[int, tuple[int, int]]:
        """Per VAT rate: (gross amount, VAT in it) in cents; empty when every line is a levy."""
        totals: dict[int, tuple[int, int]] = {}
        for line in self.lines:
            if line.vat_percent is None:
                continue
            gross, _ = totals.get(line.vat_percent, (0, 0))
            gross += line.amount_cents
            vat = round(gross * line.vat_percent / (100 + line.vat_percent))
            totals[line.vat_percent] = (gross, vat)
        return totals


_EURO_TEXT = re.compile(r"(\d{1,5})(?:[.,](\d{2}))?")


def cents_from_euro_text(text: str) -> int | None:
    """'12,50', '12.50' or '12' (euros, as a person or a config file writes them) → 1250 cents;
    None when the text is not such an amount."""
    match = _EURO_TEXT.fullmatch(text.strip())
    return int(match.group(1)) * 100 + int(match.group(2) or 0) if match else None


def euro(cents: int) -> str:
    """Dutch notation: € 1.234,50."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}€ {whole:,}".replace(",", ".") + f",{rest:02d}"


class ReceiptPrinter(Protocol):
    def print_receipt(self, receipt: Receipt) -> None: ...


class StatusPrinter(Protocol):
    """A ticket printer that can be asked before the kiosk promises paper."""

    def print_ticket(self, ticket: TicketPrint) -> None: ...
    def status(self) -> PrinterStatus: ...
