"""Kiosk screen after a document was read: who, whether the chip proved genuine, and the privacy
notice. `wipe()` forgets everything; the window calls it on every way back to the start."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.errors import LoketError
from app.core.identity.passive_auth import Verdict
from app.core.identity.reading import IdentityReading
from app.ui.privacy_notice import PrivacyNotice
from app.ui.widgets import centred_label

log = logging.getLogger(__name__)

#: headline and explanation per verdict (B1); the object name picks the colour
VERDICT_TEXTS = {
    Verdict.GENUINE: (
        "Echt document",
        "De chip is echt: het land dat uw document maakte, heeft de gegevens ondertekend.",
    ),
    Verdict.NOT_VERIFIABLE: (
        "Niet te controleren",
        "We kunnen niet controleren of de chip echt is. Een medewerker in de hal helpt u verder.",
    ),
    Verdict.TAMPERED: (
        "Vervalst",
        "De gegevens op de chip zijn veranderd. Een medewerker in de hal helpt u verder.",
    ),
}


def holder_name(reading: IdentityReading) -> str:
    """'Willeke Liselotte De Bruijn' from the MRZ's upper-case names."""
    return " ".join(part.title() for part in (reading.mrz.secondary_identifier, reading.mrz.primary_identifier) if part)


class IdCheckScreen(QWidget):
    """Emits `done_requested` when the citizen taps Klaar."""

    #: the citizen is done; the window wipes this screen and returns to the start
    done_requested = Signal()

    def __init__(self, scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reading: IdentityReading | None = None
        layout = QVBoxLayout(self)
        margin = round(60 * scale)
        layout.setContentsMargins(margin, round(40 * scale), margin, round(40 * scale))
        layout.setSpacing(round(20 * scale))
        self.caption = centred_label("ticketCaption")
        self.name = centred_label("ticketService")
        # A proven chip in the calm blue block, anything else in the warning style; one shows.
        self.verdict_genuine = centred_label("ticketHint")
        self.verdict_warning = centred_label("printFailed")
        self.explanation = centred_label("ticketFact")
        self.error_text = centred_label("printFailed")
        self.error_text.hide()
        self.privacy = PrivacyNotice(scale)
        for widget in (self.caption, self.name, self.verdict_genuine, self.verdict_warning):
            layout.addWidget(widget)
        for widget in (self.explanation, self.error_text):
            layout.addWidget(widget)
        layout.addWidget(self.privacy)
        layout.addStretch(1)
        self.done_button = QPushButton()
        self.done_button.setObjectName("doneButton")
        self.done_button.clicked.connect(self.done_requested)
        layout.addWidget(self.done_button, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.retranslate_ui()

    @property
    def holds_personal_data(self) -> bool:
        return self._reading is not None or bool(self.name.text())

    def retranslate_ui(self) -> None:
        self.privacy.retranslate_ui()
        self.done_button.setText("Klaar")
        self.done_button.setAccessibleName("Klaar, gegevens wissen en terug naar het begin")
        reading = self._reading
        if reading is None:
            return
        self.caption.setText("Uw document is gelezen")
        self.name.setText(holder_name(reading))
        headline, explanation = VERDICT_TEXTS[reading.check.verdict]
        shown, hidden = (
            (self.verdict_genuine, self.verdict_warning)
            if reading.check.genuine
            else (self.verdict_warning, self.verdict_genuine)
        )
        shown.setText(headline)
        shown.setAccessibleName(f"Uitkomst: {headline}")
        shown.show()
        hidden.hide()
        self.explanation.setText(explanation)

    @property
    def verdict(self) -> QLabel:
        """The verdict label on show (empty when nothing was read)."""
        return self.verdict_warning if self.verdict_warning.isVisibleTo(self) else self.verdict_genuine

    def show_reading_started(self) -> None:
        self.wipe()
        self.caption.setText("We lezen uw document. Haal het niet van de lezer.")

    def show_reading(self, reading: IdentityReading) -> None:
        self._reading = reading
        self.error_text.hide()
        self.retranslate_ui()
        self.done_button.setFocus()

    def show_error(self, error: LoketError) -> None:
        log.info("kiosk: document niet gelezen (%s)", error.code)
        self.caption.setText("Uw document is niet gelezen")
        self.error_text.setText(error.message)
        self.error_text.show()
        self.done_button.setFocus()

    def wipe(self) -> None:
        """Forgets the reading and clears every text that showed it."""
        self._reading = None
        texts = (self.caption, self.name, self.verdict_genuine, self.verdict_warning, self.explanation, self.error_text)
        for label in texts:
            label.clear()
            label.setAccessibleName("")
        for label in (self.verdict_genuine, self.verdict_warning, self.error_text):
            label.hide()
