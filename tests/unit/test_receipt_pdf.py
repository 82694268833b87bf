"""The legesnota as PDF: read the text back and check what a citizen or an auditor would check."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app.core.printing import Branding
from app.hardware.printer.pdf import receipt_pdf
from tests.unit.test_receipt_bytes import BRANDING, RECEIPT


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


@pytest.mark.parametrize("page", ["a4", "80mm"])
def test_pdf_has_the_amounts_date_and_levy_note(page: str) -> None:
    out = io.BytesIO()
    receipt_pdf(RECEIPT, BRANDING, out, page=page)  # type: ignore[arg-type]  # "a4" or "80mm"
    text = _text(out.getvalue())
    assert "05-03-2024 14:04" in text  # local time of the dated notice
    for amount in ("€ 83,87", "€ 57,09", "€ 140,96"):
        assert amount in text
    assert "Geen btw: overheidsheffing" in text
    assert "Btw " not in text
    assert "LN-2024-000123" in text
    assert "****1234" in text and "A1B2C3" in text
    assert "Bezwaar" in text
    assert "KLANTTICKET" in text


def test_pdf_sizes_and_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).rectangle((10, 10, 90, 90), fill=(0, 80, 160))
    image.save(logo)
    branded = Branding(municipality=BRANDING.municipality, address=BRANDING.address, logo_path=str(logo))
    a4, roll = tmp_path / "a4.pdf", tmp_path / "roll.pdf"
    receipt_pdf(RECEIPT, branded, a4, page="a4")
    receipt_pdf(RECEIPT, branded, roll, page="80mm")
    a4_page = PdfReader(a4).pages[0]
    roll_page = PdfReader(roll).pages[0]
    assert round(float(a4_page.mediabox.width)) == 595  # A4 in points
    assert round(float(roll_page.mediabox.width)) == 227  # 80 mm in points
    assert "/XObject" in str(a4_page["/Resources"])  # the logo is on the page
