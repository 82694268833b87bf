"""Kiosk ticket screen: the number, very large, and what happens next."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.core.queue.service import IssuedTicket
from app.ui.qr import qr_pixmap
from app.ui.texts import band_text, people_text
from app.ui.widgets import centred_label


class TicketScreen(QWidget):
    """Shows an IssuedTicket; `done_requested` when the citizen taps Klaar."""

    #: the citizen is done reading; the window returns to the start screen
    done_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, ticket_url: Callable[[str], str] | None = None) -> None:
        super().__init__(parent)
        self._issued: IssuedTicket | None = None
        self._ticket_url = ticket_url  # the QR's URL for a token; None: no QR on screen
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.setSpacing(16)
        self.caption = centred_label("ticketCaption")
        self.number = centred_label("ticketNumber")
        self.service = centred_label("ticketService")
        self.people = centred_label("ticketFact")
        self.wait = centred_label("ticketFact")
        self.hint = centred_label("ticketHint")
        self.print_note = centred_label("printFailed")
        for widget in (self.caption, self.number, self.service, self.people, self.wait):
            layout.addWidget(widget)
        layout.addSpacing(20)
        layout.addWidget(self.hint)
        # When the paper ticket fails, the QR the ticket would have carried is shown to photograph,
        # beside the note so the screen needs no extra height.
        self.qr = centred_label("ticketQr")
        self.qr.hide()
        fallback = QHBoxLayout()
        fallback.setSpacing(20)
        fallback.addWidget(self.print_note, 1)
        fallback.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(fallback)
        layout.addStretch(1)
        self.closing_note = centred_label("kioskFooter")
        layout.addWidget(self.closing_note)
        self.done_button = QPushButton()
        self.done_button.setObjectName("doneButton")
        self.done_button.clicked.connect(self.done_requested)
        layout.addWidget(self.done_button, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.caption.setText("Uw volgnummer")
        self.hint.setText("Let op het scherm in de wachtruimte. Daar ziet u uw nummer en de balie.")
        self.closing_note.setText("Dit scherm gaat vanzelf terug naar het begin.")
        self.done_button.setText("Klaar")
        self.done_button.setAccessibleName("Klaar, terug naar het begin")
        issued = self._issued
        if issued is None:
            return
        self.number.setText(issued.ticket.number)
        self.number.setAccessibleName(f"Uw volgnummer is {issued.ticket.number}")
        self.service.setText(issued.service.name_nl)
        self.people.setText(people_text(issued.people_ahead))
        self.wait.setText(f"Verwachte wachttijd: {band_text(issued.band)} (een schatting)")
        if issued.printed:
            self.print_note.hide()
            self.qr.hide()
            return
        photo = "uw nummer en de QR-code" if self._ticket_url else "uw nummer"
        self.print_note.setText(f"Het bonnetje kon niet worden geprint. Maak een foto van {photo}.")
        self.print_note.show()
        if self._ticket_url is not None:
            pixmap = qr_pixmap(self._ticket_url(issued.ticket.token), 200)
            self.qr.setPixmap(pixmap)
            self.qr.setMinimumSize(pixmap.size())  # a squeezed QR cannot be scanned from a photo
            self.qr.setAccessibleName("QR-code: hiermee volgt u uw beurt op uw telefoon")
            self.qr.show()

    def show_ticket(self, issued: IssuedTicket) -> None:
        self._issued = issued
        self.retranslate_ui()
        self.done_button.setFocus()
