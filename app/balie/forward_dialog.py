"""Forward a question to the back office: to whom, what they must do, how to reach the citizen.

The deadline is computed by the core from the product's service norm in working days before the
dialog opens, so the clerk can tell the citizen the date ("uiterlijk di 2 december").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.balie.dutch import short_date
from app.core.errors import LoketError
from app.core.kcc.contact import Toewijzing, ToewijzingSoort
from app.ui.widgets import ErrorArea

SOORT_TEXT = {ToewijzingSoort.AFDELING: "afdeling", ToewijzingSoort.GROEP: "groep", ToewijzingSoort.MEDEWERKER: ""}
REACH = (("telefoon", "Telefoon"), ("e-mail", "E-mail"))


@dataclass(frozen=True)
class ForwardRequest:
    toewijzing: Toewijzing
    gevraagde_handeling: str
    toelichting: str
    bereikbaarheid: str = ""

    def __repr__(self) -> str:  # the phone number or e-mail address stays out of logs
        return f"ForwardRequest(toewijzing={self.toewijzing!r})"


class ForwardDialog(QDialog):
    #: the clerk confirmed (ForwardRequest)
    forward_confirmed = Signal(object)

    def __init__(
        self,
        targets: Sequence[Toewijzing],
        deadline: date,
        subject: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.deadline = deadline
        self._subject = subject
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        form = QFormLayout()
        self.target_combo = QComboBox()
        for target in targets:
            kind = SOORT_TEXT[target.soort]
            self.target_combo.addItem(f"{target.naam} ({kind})" if kind else target.naam, target)
        self.action_edit = QLineEdit()
        self.action_edit.setMaxLength(200)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(100)
        self.reach_combo = QComboBox()
        for key, text in REACH:
            self.reach_combo.addItem(text, key)
        self.reach_edit = QLineEdit()
        self.reach_edit.setMaxLength(150)
        reach = QHBoxLayout()
        reach.addWidget(self.reach_combo)
        reach.addWidget(self.reach_edit, 1)
        self.labels = [QLabel() for _ in range(4)]
        for label, field in zip(
            self.labels, (self.target_combo, self.action_edit, self.note_edit, self.reach_edit), strict=True
        ):
            label.setObjectName("smallLabel")
            label.setBuddy(field)
        form.addRow(self.labels[0], self.target_combo)
        form.addRow(self.labels[1], self.action_edit)
        form.addRow(self.labels[2], self.note_edit)
        form.addRow(self.labels[3], reach)
        layout.addLayout(form)
        self.deadline_label = QLabel()
        self.deadline_label.setObjectName("deadline")
        self.deadline_label.setWordWrap(True)
        layout.addWidget(self.deadline_label)
        self.error_area = ErrorArea()
        layout.addWidget(self.error_area)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton()
        self.confirm_button = QPushButton()
        self.confirm_button.setProperty("role", "primary")
        self.confirm_button.setDefault(True)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._confirm)
        self.retranslate_ui()
        self.target_combo.setFocus()

    def retranslate_ui(self) -> None:
        self.setWindowTitle("Doorzetten naar de backoffice")
        self.setAccessibleName("Doorzetten naar de backoffice")
        self.title.setText(f"Doorzetten: {self._subject}" if self._subject else "Doorzetten naar de backoffice")
        captions = ("&Naar", "&Gevraagde handeling", "&Interne notitie", "&Bereikbaar via")
        for label, text in zip(self.labels, captions, strict=True):
            label.setText(text)
        self.target_combo.setAccessibleName("Naar welke afdeling, groep of medewerker")
        self.target_combo.view().setAccessibleName("Lijst met afdelingen en groepen")
        self.action_edit.setAccessibleName("Gevraagde handeling")
        self.action_edit.setPlaceholderText("Bijvoorbeeld: inwoner terugbellen over de aanvraag")
        self.note_edit.setAccessibleName("Interne notitie voor de afdeling")
        self.note_edit.setPlaceholderText("Alleen voor collega's; de inwoner ziet dit niet")
        self.reach_combo.setAccessibleName("Soort bereikbaarheid")
        self.reach_combo.view().setAccessibleName("Lijst: telefoon of e-mail")
        self.reach_edit.setAccessibleName("Telefoonnummer of e-mailadres van de inwoner")
        self.reach_edit.setPlaceholderText("06-12345678 of naam@voorbeeld.nl")
        self.deadline_label.setText(
            f"De afdeling handelt dit af uiterlijk {short_date(self.deadline)} {self.deadline.year}."
        )
        self.cancel_button.setText("Annuleren (Esc)")
        self.cancel_button.setAccessibleName("Doorzetten annuleren")
        self.cancel_button.setShortcut(QKeySequence("Esc"))
        self.confirm_button.setText("Doorzetten")
        self.confirm_button.setAccessibleName("Doorzetten bevestigen")

    def show_error(self, error: LoketError) -> None:
        self.error_area.show_error(error)
        self.confirm_button.setEnabled(True)

    def _confirm(self) -> None:
        target = self.target_combo.currentData()
        if not isinstance(target, Toewijzing):
            self.show_error(LoketError("Kies naar welke afdeling de vraag gaat."))
            return
        contact = self.reach_edit.text().strip()
        reach = f"{self.reach_combo.currentData()}: {contact}" if contact else ""
        self.error_area.clear_error()
        self.confirm_button.setEnabled(False)  # one click, one task
        self.forward_confirmed.emit(
            ForwardRequest(target, self.action_edit.text().strip(), self.note_edit.toPlainText().strip(), reach)
        )
