"""The bar that keeps a typed contact when the desk was closed somewhere else.

The host or another PC may close this desk while the clerk is still typing. The desk stops, but
the klantcontact stays on screen until the clerk saves it or says, in so many words, to drop it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

CLOSED_TEXT = "De balie is elders gesloten; uw klantcontact is nog niet opgeslagen."
CLOSED_HINT = "Maak het af en sla het op, of kies Niet opslaan."


class ClosedElsewhereBar(QFrame):
    #: the clerk wants to save the contact, then leave
    save_requested = Signal()
    #: the clerk chose to drop the contact and leave
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        # Text over the buttons: beside them it wraps into a tall column and the desk outgrows 800 px.
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(4)
        self.text = QLabel()
        self.text.setObjectName("hint")
        self.text.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setProperty("role", "primary")
        self.discard_button = QPushButton()
        for button in (self.save_button, self.discard_button):
            button.setObjectName("compactButton")
        column.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(self.discard_button)
        column.addLayout(row)
        self.save_button.clicked.connect(self.save_requested)
        self.discard_button.clicked.connect(self.discard_requested)
        self.retranslate_ui()
        self.hide()

    def retranslate_ui(self) -> None:
        self.text.setText(f"{CLOSED_TEXT} {CLOSED_HINT}")
        self.text.setAccessibleName(CLOSED_TEXT)
        self.save_button.setText("Opslaan en afmelden")
        self.save_button.setAccessibleName("Klantcontact opslaan en afmelden")
        self.discard_button.setText("Niet opslaan")
        self.discard_button.setAccessibleName("Klantcontact niet opslaan en afmelden")
