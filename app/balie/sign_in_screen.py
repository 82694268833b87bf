"""Balie sign-in: choose the desk, type username and password.

Without a sign-in service (a queue-only desk built by an older composition) the screen asks
only for a name; the composition root always passes one, so staff really sign in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.core.errors import LoketError
from app.core.queue.model import Desk
from app.ui.widgets import ErrorArea


@dataclass(frozen=True)
class SignInRequest:
    """What the clerk typed. The password leaves this object only towards the sign-in service."""

    desk_id: int
    username: str
    password: str = ""

    def __repr__(self) -> str:
        return f"SignInRequest(desk_id={self.desk_id})"


class SignInScreen(QWidget):
    #: the clerk asked to sign in (SignInRequest)
    sign_in_requested = Signal(object)

    def __init__(self, *, with_password: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desks: list[Desk] = []
        self.with_password = with_password
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        panel = QFrame()
        panel.setObjectName("panel")
        panel.setMaximumWidth(620)
        panel.setMinimumWidth(480)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(40, 36, 40, 36)
        layout.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.desk_label = QLabel()
        self.desk_label.setObjectName("fieldLabel")
        self.desk_combo = QComboBox()
        self.desk_label.setBuddy(self.desk_combo)
        self.staff_label = QLabel()
        self.staff_label.setObjectName("fieldLabel")
        self.staff_edit = QLineEdit()
        self.staff_edit.setMaxLength(60)
        self.staff_label.setBuddy(self.staff_edit)
        self.password_label = QLabel()
        self.password_label.setObjectName("fieldLabel")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(200)
        self.password_label.setBuddy(self.password_edit)
        self.password_label.setVisible(with_password)
        self.password_edit.setVisible(with_password)
        self.sign_in_button = QPushButton()
        self.sign_in_button.setProperty("role", "primary")
        self.sign_in_button.setDefault(True)
        self.error_area = ErrorArea()
        self.note = QLabel()
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        fields = (
            self.title,
            self.desk_label,
            self.desk_combo,
            self.staff_label,
            self.staff_edit,
            self.password_label,
            self.password_edit,
        )
        for widget in fields:
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addWidget(self.sign_in_button)
        layout.addWidget(self.error_area)
        layout.addWidget(self.note)
        outer.addWidget(panel, alignment=Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.sign_in_button.clicked.connect(self._submit)
        self.staff_edit.returnPressed.connect(self._next_from_name)
        self.password_edit.returnPressed.connect(self._submit)
        self.retranslate_ui()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.focus_first_empty()

    def retranslate_ui(self) -> None:
        self.title.setText("Aanmelden aan de balie")
        self.desk_label.setText("&Balie")
        self.desk_combo.setAccessibleName("Balie kiezen")
        self.desk_combo.view().setAccessibleName("Lijst met balies")
        if self.with_password:
            self.staff_label.setText("&Gebruikersnaam")
            self.staff_edit.setAccessibleName("Gebruikersnaam")
            self.staff_edit.setPlaceholderText("Bijvoorbeeld: sanne")
        else:
            self.staff_label.setText("Uw &naam")
            self.staff_edit.setAccessibleName("Uw naam")
            self.staff_edit.setPlaceholderText("Bijvoorbeeld: Sanne")
        self.password_label.setText("&Wachtwoord")
        self.password_edit.setAccessibleName("Wachtwoord")
        self.sign_in_button.setText("Aanmelden")
        self.sign_in_button.setAccessibleName("Aanmelden")
        self.note.setText("Na het aanmelden roept u bezoekers op met F1.")
        self._fill_desks()

    def show_desks(self, desks: Sequence[Desk], preselect: int | None = None, *, locked: bool = False) -> None:
        """`locked`: this PC belongs to one balie (set in its config), so no choosing."""
        current = self.selected_desk_id()
        self._desks = list(desks)
        self._fill_desks()
        wanted = preselect if preselect is not None else current
        for index, desk in enumerate(self._desks):
            if desk.id == wanted:
                self.desk_combo.setCurrentIndex(index)
        self.desk_combo.setEnabled(not locked)

    def selected_desk_id(self) -> int | None:
        data = self.desk_combo.currentData()
        return int(data) if data is not None else None

    def show_error(self, error: LoketError) -> None:
        self.error_area.show_error(error)

    def focus_first_empty(self) -> None:
        """The keyboard starts where typing is needed: the name, else the password."""
        if not self.staff_edit.text():
            self.staff_edit.setFocus()
        elif self.with_password:
            self.password_edit.setFocus()
        else:
            self.sign_in_button.setFocus()

    def signed_out(self) -> None:
        """Back to this screen: the password is never left in the field."""
        self.password_edit.clear()
        self.sign_in_button.setEnabled(True)

    def _fill_desks(self) -> None:
        index = self.desk_combo.currentIndex()
        self.desk_combo.blockSignals(True)
        self.desk_combo.clear()
        for desk in self._desks:
            label = desk.name if not desk.is_open else f"{desk.name} (nu aangemeld: {desk.staff or 'onbekend'})"
            self.desk_combo.addItem(label, desk.id)
        if 0 <= index < self.desk_combo.count():
            self.desk_combo.setCurrentIndex(index)
        self.desk_combo.blockSignals(False)

    def _next_from_name(self) -> None:
        if self.with_password:
            self.password_edit.setFocus()
        else:
            self._submit()

    def _submit(self) -> None:
        desk_id = self.selected_desk_id()
        username = self.staff_edit.text().strip()
        if desk_id is None:
            self.error_area.show_error(LoketError("Kies eerst een balie."))
            return
        if not username:
            text = "Vul uw gebruikersnaam in." if self.with_password else "Vul uw naam in."
            self.error_area.show_error(LoketError(text))
            self.staff_edit.setFocus()
            return
        if self.with_password and not self.password_edit.text():
            self.error_area.show_error(LoketError("Vul uw wachtwoord in."))
            self.password_edit.setFocus()
            return
        self.error_area.clear_error()
        password = self.password_edit.text()
        # Do not keep the password in the widget while the desk is in use.
        self.password_edit.clear()
        self.sign_in_requested.emit(SignInRequest(desk_id, username, password))
