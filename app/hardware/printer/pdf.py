"""The legesnota as PDF (reportlab), on A4 for e-mail and the archive or on an 80 mm roll.

The font is Bitstream Vera, shipped with reportlab: it has € and every Dutch accent, and needs
nothing installed on the PC. The same content as the paper receipt, no BSN, no name.
"""

from __future__ import annotations

import logging
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.core.printing import Branding, Receipt, euro
from app.hardware.printer.commands import local_time

log = logging.getLogger(__name__)

FONT, BOLD = "LoketSans", "LoketSans-Bold"
FONT_DIR = Path(reportlab.__file__).parent / "fonts"
PageKind = Literal["a4", "80mm"]


@dataclass(frozen=True)
class _Row:
    left: str
    right: str = ""
    bold: bool = False
    center: bool = False
    gap: bool = False  # an empty line before
    mono: bool = False  # the terminal's receipt keeps its own column layout


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "VeraBd.ttf")))


def _rows(receipt: Receipt, branding: Branding, wrap: int) -> list[_Row]:
    rows = [_Row(branding.municipality, bold=True, center=True)]
    rows += [_Row(line, center=True) for line in branding.address]
    rows.append(_Row("LEGESNOTA / BETALINGSBEWIJS", bold=True, center=True, gap=True))
    rows += [
        _Row("Datum", local_time(receipt.issued_at).strftime("%d-%m-%Y %H:%M"), gap=True),
        _Row("Locatie", receipt.location),
        _Row("Balie/kiosk", receipt.point),
        _Row("Notanummer", receipt.number),
    ]
    first = True
    for line in receipt.lines:
        rows.append(_Row(line.product, gap=first))
        rows.append(
            _Row(f"   art. {line.tariff_item}   {line.quantity} x {euro(line.unit_cents)}", euro(line.amount_cents))
        )
        first = False
    rows.append(_Row("Totaal", euro(receipt.total_cents), bold=True, gap=True))
    payment = receipt.payment
    rows.append(_Row("Betaald met", payment.method))
    for label, value in (
        ("Terminal", payment.terminal_id),
        ("Kaart", payment.masked_card),
        ("Autorisatiecode", payment.approval_code),
        ("Referentie", payment.reference),
    ):
        if value:
            rows.append(_Row(label, value))
    gap = True
    if any(line.vat_percent is None for line in receipt.lines):
        rows.append(_Row("Geen btw: overheidsheffing", gap=gap))
        gap = False
    for rate, (gross, tax) in sorted(receipt.vat_totals().items()):
        rows.append(_Row(f"Btw {rate}% over {euro(gross)}", euro(tax), gap=gap))
        gap = False
    for index, part in enumerate(textwrap.wrap(receipt.objection, wrap)):
        rows.append(_Row(part, gap=index == 0))
    for index, part in enumerate(payment.cardholder_receipt):
        rows.append(_Row(part, gap=index == 0, mono=True))
    return rows


def receipt_pdf(receipt: Receipt, branding: Branding, target: Path | BinaryIO, *, page: PageKind = "a4") -> None:
    """Write the receipt to `target` (a path or a binary file)."""
    _fonts()
    a4 = page == "a4"
    size, leading = (10.0, 14.0) if a4 else (7.5, 10.0)
    margin = 20 * mm if a4 else 4 * mm
    rows = _rows(receipt, branding, 90 if a4 else 46)
    logo_height = (22 * mm if a4 else 14 * mm) if branding.logo_path else 0.0
    width = A4[0] if a4 else 80 * mm
    content = logo_height + leading * (len(rows) + sum(r.gap for r in rows)) + 2 * margin
    height = A4[1] if a4 else content
    canvas = Canvas(str(target) if isinstance(target, Path) else target, pagesize=(width, height))
    canvas.setTitle(f"Legesnota {receipt.number}")
    canvas.setAuthor(branding.municipality)
    y = height - margin
    if branding.logo_path:
        y -= logo_height
        canvas.drawImage(
            branding.logo_path, margin, y, width - 2 * margin, logo_height, preserveAspectRatio=True, mask="auto"
        )
        y -= leading * 0.5
    for row in rows:
        if row.gap:
            y -= leading
        y -= leading
        canvas.setFont("Courier" if row.mono else BOLD if row.bold else FONT, size)
        if row.center:
            canvas.drawCentredString(width / 2, y, row.left)
        else:
            canvas.drawString(margin, y, row.left)
        if row.right:
            canvas.drawRightString(width - margin, y, row.right)
    canvas.showPage()
    canvas.save()
    log.info("legesnota %s als pdf (%s)", receipt.number, page)
