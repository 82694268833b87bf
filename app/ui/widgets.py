"""Small widgets every screen uses: the offline banner and the error area."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from app.core.errors import LoketError
from app.core.events import DatabaseStatusChanged
from app.ui.bridge import EventBridge

log = logging.getLogger(__name__)


class OfflineBanner(QLabel):
    """Shown while the database is away; hidden again when it is back. The screen stays usable
    where it can; the watcher reconnects by itself."""

    def __init__(self, bridge: EventBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()
        bridge.database_status_changed.connect(self._on_status)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setText("Geen verbinding met de database. We proberen het steeds opnieuw.")
        self.setAccessibleName("Melding: geen verbinding")

    def _on_status(self, event: DatabaseStatusChanged) -> None:
        self.setVisible(not event.online)


class ErrorArea(QLabel):
    """Shows what went wrong in plain Dutch (LoketError.message); never a traceback."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorArea")
        self.setWordWrap(True)
        self.setAccessibleName("Foutmelding")
        self.hide()

    def show_error(self, error: LoketError) -> None:
        log.info("melding aan gebruiker: %s", error.code)
        self.setText(error.message)
        self.show()

    def clear_error(self) -> None:
        self.clear()
        self.hide()


def centred_label(object_name: str) -> QLabel:
    """A word-wrapped, centred label whose style the screen's style sheet gives by name."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    return label


def stop_timers(widget: QWidget) -> None:
    """Stop every timer of a window that is being closed: a closed kiosk must not return to its
    start screen 15 seconds later, nor a closed desk reload its lists, through workers that are
    already gone."""
    for timer in widget.findChildren(QTimer):
        timer.stop()
