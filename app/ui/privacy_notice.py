"""The on-screen privacy notice beside every chip read: what we read from the document, why, and
that nothing stays on this computer (AVG: inform before you process). Dutch, taalniveau B1."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.ui.theme import LIGHT, Colours, scaled

TITLE = "Wat lezen we van uw document?"
BODY = (
    "We lezen uw naam, geboortedatum, documentnummer en de geldigheid van uw document om te controleren "
    "wie u bent. Uw pasfoto lezen we alleen als de medewerker dat vraagt. "
    "We bewaren niets op deze computer."
)


def _css(c: Colours) -> str:
    return f"""
    QFrame#privacyNotice {{ background: {c.surface}; border: 2px solid {c.primary}; border-radius: 12px; }}
    QLabel#privacyTitle {{ font-size: 30px; font-weight: 700; color: {c.primary}; background: transparent; }}
    QLabel#privacyBody {{ font-size: 26px; color: {c.text}; background: transparent; }}
    """


class PrivacyNotice(QFrame):
    """A framed title and text; reusable on the kiosk and at the desk. Not focusable (nothing to
    operate), but named and described so a screen reader announces it."""

    def __init__(self, scale: float = 1.0, parent: QWidget | None = None, *, colours: Colours = LIGHT) -> None:
        super().__init__(parent)
        self.setObjectName("privacyNotice")
        self.setStyleSheet(scaled(_css(colours), scale))
        layout = QVBoxLayout(self)
        margin = round(22 * scale)
        layout.setContentsMargins(margin, margin, margin, margin)
        layout.setSpacing(round(10 * scale))
        self.title = QLabel()
        self.title.setObjectName("privacyTitle")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setObjectName("privacyBody")
        self.body.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(TITLE)
        self.body.setText(BODY)
        self.setAccessibleName(f"Privacy: {TITLE}")
        self.setAccessibleDescription(BODY)
        self.title.setAccessibleName(TITLE)
        self.body.setAccessibleName(BODY)
