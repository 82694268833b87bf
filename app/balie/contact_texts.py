"""Choices and small widgets of the contact form: outcomes, languages, the text fields."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from app.core.kcc.contact import ContactResultaat

RESULTAAT_TEXT = {
    ContactResultaat.AFGEHANDELD: "Afgehandeld",
    ContactResultaat.VERWEZEN: "Verwezen naar elders",
    ContactResultaat.CONTACT_MISLUKT: "Contact mislukt",
    ContactResultaat.DOORGEZET: "Doorgezet naar backoffice",
}
#: languages a desk often meets (ISO 639-2), Dutch first
TALEN = (
    ("nld", "Nederlands"),
    ("eng", "Engels"),
    ("deu", "Duits"),
    ("pol", "Pools"),
    ("tur", "Turks"),
    ("ara", "Arabisch"),
    ("ukr", "Oekraïens"),
    ("fra", "Frans"),
)


def text_edit(max_height: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab goes on to the next field, as the clerk expects
    edit.setMaximumHeight(max_height)
    return edit


def select_data(combo: QComboBox, value: object) -> None:
    """Select the entry that carries `value` (the first one when none does)."""
    combo.setCurrentIndex(max(combo.findData(value), 0))
