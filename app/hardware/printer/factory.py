"""Builds the ticket printer a workstation's config asks for."""

from __future__ import annotations

import logging

from app.config import PrinterSettings
from app.core.errors import PrinterError
from app.hardware.printer.escpos_printer import EscposPrinter, branding_for
from app.hardware.printer.fake import FakeTicketPrinter

log = logging.getLogger(__name__)


def ticket_printer(settings: PrinterSettings | None, fallback_name: str) -> EscposPrinter | FakeTicketPrinter:
    """The configured printer, opened when possible. A printer that is off at start-up is no reason
    to refuse the kiosk: it opens on the first ticket, and until then the screen shows the number."""
    if settings is None or settings.kind == "fake":
        return FakeTicketPrinter()
    printer = EscposPrinter(settings, branding_for(settings, fallback_name))
    try:
        printer.open()
    except PrinterError as error:
        log.warning("volgnummerprinter nu niet bereikbaar (%s): %s", error.code, error)
    return printer
