"""An in-memory ticket printer for the demo and tests: it records every job.

`fail_with` makes the next prints fail with a PrinterError, so the kiosk's "take a photo of
your number" path can be shown and tested without hardware.
"""

from __future__ import annotations

import logging
import threading

from app.core.errors import PrinterError
from app.core.printing import PaperLevel, PrinterStatus, Receipt
from app.core.queue.ports import TicketPrint

log = logging.getLogger(__name__)


class FakeTicketPrinter:
    def __init__(self) -> None:
        self.jobs: list[TicketPrint] = []
        self.receipts: list[Receipt] = []
        self.fail_with: str | None = None  # e.g. "papier op"
        self._lock = threading.Lock()  # the kiosk prints from a worker thread

    def print_ticket(self, ticket: TicketPrint) -> None:
        with self._lock:
            if self.fail_with is not None:
                raise PrinterError(f"Printer: {self.fail_with}", reason=self.fail_with)
            self.jobs.append(ticket)
        log.info("ticket %s 'geprint' (nepprinter)", ticket.number)

    def print_receipt(self, receipt: Receipt) -> None:
        with self._lock:
            if self.fail_with is not None:
                raise PrinterError(f"Printer: {self.fail_with}", reason=self.fail_with)
            self.receipts.append(receipt)

    def status(self) -> PrinterStatus:
        """Answers like a healthy printer, or like one that is out of paper while `fail_with` is set."""
        if self.fail_with is not None:
            return PrinterStatus(answered=True, online=False, paper=PaperLevel.OUT, cover_open=False)
        return PrinterStatus(answered=True, online=True, paper=PaperLevel.OK, cover_open=False)
