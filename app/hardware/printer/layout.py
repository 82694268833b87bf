"""Ticket and receipt layouts, written onto any python-escpos printer (a real one or `Dummy`).

Everything goes through the printer's one raw-write primitive, so tests can compare the bytes of
a fixed ticket with bytes derived from the ESC/POS reference.
"""

from __future__ import annotations

import copy
import functools
import logging
from typing import Any

from PIL import Image

from app.core.printing import Branding, Receipt, euro
from app.core.queue.ports import TicketPrint
from app.hardware.printer.commands import (
    ALIGN_CENTER,
    ALIGN_LEFT,
    BOLD_OFF,
    BOLD_ON,
    CODEPAGE_PC858,
    CUT,
    INIT,
    LF,
    PaperProfile,
    encode,
    feed,
    local_time,
    size,
)

log = logging.getLogger(__name__)

QR_DOT_SIZE = 6
QR_EC_M = 1  # error correction M: survives a crease


def _text(p: Any, text: str) -> None:
    p._raw(encode(text) + LF)


def _wrapped(p: Any, profile: PaperProfile, text: str, scale: int = 1) -> None:
    for line in profile.wrap(text, scale):
        _text(p, line)


@functools.lru_cache(maxsize=4)
def _logo(path: str, max_width: int) -> Image.Image:
    """The logo scaled to the paper (at most 40% of the width tall), black on white for a thermal head."""
    with Image.open(path) as source:
        image = source.convert("RGBA")
    white = Image.new("RGBA", image.size, "white")
    image = Image.alpha_composite(white, image).convert("L")
    scale = min(1.0, max_width / image.width, max_width * 0.4 / image.height)
    size = (max(8, int(image.width * scale)), max(8, int(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _header(p: Any, branding: Branding, profile: PaperProfile) -> None:
    p._raw(INIT + CODEPAGE_PC858 + ALIGN_CENTER)
    if branding.logo_path:
        try:
            logo = _logo(branding.logo_path, profile.dots)
        except OSError as error:  # a missing logo must not cost the citizen the ticket
            log.warning("logo %s niet te lezen: %s", branding.logo_path, error)
        else:
            p.image(logo, center=False)  # GS v 0 raster, centred by ESC a 1
            p._raw(ALIGN_CENTER)
    p._raw(BOLD_ON)
    _text(p, branding.municipality)
    p._raw(BOLD_OFF)


def _band(band: tuple[int, int]) -> tuple[str, str]:
    low, high = band
    if high == 0:
        return "onbekend", "unknown"
    if low == 0:
        return f"minder dan {high} min", f"less than {high} min"
    return f"{low}-{high} min", f"{low}-{high} min"


def write_ticket(p: Any, ticket: TicketPrint, branding: Branding, profile: PaperProfile, *, native_qr: bool) -> None:
    """The queue ticket, Dutch first and English second. No personal data: the QR holds only
    the status URL with the ticket's opaque token."""
    _header(p, branding, profile)
    _text(p, ticket.location_name)
    p._raw(LF)
    _text(p, "Uw volgnummer / Your number")
    big = profile.number_size
    p._raw(size(big, big) + encode(ticket.number) + LF + size(1, 1))
    p._raw(size(2, 2))
    _wrapped(p, profile, ticket.service_name_nl, 2)
    p._raw(size(1, 1))
    _wrapped(p, profile, ticket.service_name_en)
    p._raw(LF)
    _text(p, local_time(ticket.issued_at).strftime("%d-%m-%Y  %H:%M"))
    _wrapped(p, profile, f"Wachtenden voor u / People ahead: {ticket.people_ahead}")
    nl, en = _band(ticket.wait_band)
    _wrapped(p, profile, f"Geschatte wachttijd: {nl} (schatting)")
    _wrapped(p, profile, f"Estimated wait: {en} (estimate)")
    p._raw(LF)
    _wrapped(p, profile, "Let op het scherm in de wachtruimte.")
    _wrapped(p, profile, "Please watch the screen in the waiting room.")
    p._raw(LF)
    url = branding.ticket_url(ticket.token)
    if native_qr:
        p.qr(url, ec=QR_EC_M, size=QR_DOT_SIZE, native=True)
        p._raw(LF)
    else:
        # Printers without GS ( k: the same code as a raster image (GS v 0).
        p.qr(url, ec=QR_EC_M, size=QR_DOT_SIZE, native=False, center=False)
        p._raw(ALIGN_CENTER)
    _text(p, "Volg uw beurt / Follow your turn")
    p._raw(feed(3) + CUT)


def _columns(profile: PaperProfile, left: str, right: str) -> str:
    room = profile.columns - len(right) - 1
    return f"{left[:room]:<{room}} {right}"


def write_receipt(p: Any, receipt: Receipt, branding: Branding, profile: PaperProfile) -> None:
    """The legesnota / betalingsbewijs: a dated tax notice. No BSN, no name."""
    _header(p, branding, profile)
    for address_line in branding.address:
        _text(p, address_line)
    p._raw(LF + BOLD_ON)
    _text(p, "LEGESNOTA / BETALINGSBEWIJS")
    p._raw(BOLD_OFF + ALIGN_LEFT)
    _text(p, _columns(profile, "Datum", local_time(receipt.issued_at).strftime("%d-%m-%Y %H:%M")))
    _text(p, _columns(profile, "Locatie", receipt.location))
    _text(p, _columns(profile, "Balie/kiosk", receipt.point))
    _text(p, _columns(profile, "Notanummer", receipt.number))
    rule = "-" * profile.columns
    _text(p, rule)
    for line in receipt.lines:
        _text(p, line.product[: profile.columns])
        detail = f"  art. {line.tariff_item}  {line.quantity} x {euro(line.unit_cents)}"
        if len(detail) + len(euro(line.amount_cents)) >= profile.columns:
            detail = f"  art. {line.tariff_item}  {line.quantity} x"  # 58 mm: the amount must stay whole
        _text(p, _columns(profile, detail, euro(line.amount_cents)))
    _text(p, rule)
    p._raw(BOLD_ON)
    _text(p, _columns(profile, "TOTAAL", euro(receipt.total_cents)))
    p._raw(BOLD_OFF)
    payment = receipt.payment
    _text(p, _columns(profile, "Betaald met", payment.method))
    for label, value in (
        ("Terminal", payment.terminal_id),
        ("Kaart", payment.masked_card),
        ("Autorisatiecode", payment.approval_code),
        ("Referentie", payment.reference),
    ):
        if value:
            _text(p, _columns(profile, label, value))
    p._raw(LF)
    vat = receipt.vat_totals()
    if any(line.vat_percent is None for line in receipt.lines):
        _text(p, "Geen btw: overheidsheffing")
    for rate, (gross, tax) in sorted(vat.items()):
        _text(p, _columns(profile, f"Btw {rate}% over {euro(gross)}", euro(tax)))
    p._raw(LF)
    _wrapped(p, profile, receipt.objection)
    if payment.cardholder_receipt:
        p._raw(LF)
        _text(p, rule)
        for terminal_line in payment.cardholder_receipt:  # verbatim: the terminal's text, not ours
            _text(p, terminal_line)
        _text(p, rule)
    p._raw(feed(3) + CUT)


def write_test_page(p: Any, branding: Branding, profile: PaperProfile, status: Any, native_qr: bool) -> None:
    """IT staff's check: the status read, accents and € in the fixed code page, a QR, a cut."""
    _header(p, branding, profile)
    _text(p, "TESTPAGINA / TEST PAGE")
    p._raw(ALIGN_LEFT)
    _text(p, f"Status: {status.describe()}")
    _text(p, f"Papier: {profile.width_mm} mm, {profile.columns} tekens per regel")
    _text(p, f"QR: {'printer (GS ( k)' if native_qr else 'afbeelding'}")
    _text(p, "Tekens: € é ë ï ó ü à ç  IJ ij")
    _text(p, ("1234567890" * 5)[: profile.columns])  # the full line width, to check the profile
    p._raw(ALIGN_CENTER)
    p.qr(branding.ticket_url("test"), ec=QR_EC_M, size=QR_DOT_SIZE, native=native_qr)
    p._raw(LF + feed(3) + CUT)


def job_buffer(profile: PaperProfile) -> Any:
    """A python-escpos Dummy that collects one job, told the paper's width in dots (python-escpos
    prints a warning to stdout for every image when its profile does not know the width)."""
    from escpos.printer import Dummy

    job = Dummy()
    data = copy.deepcopy(job.profile.profile_data)
    data.setdefault("media", {}).setdefault("width", {})["pixels"] = profile.dots
    job.profile.profile_data = data
    return job
