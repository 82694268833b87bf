"""The top-level window of a mode: it paints at once, then takes the mode's screen.

Connecting to the database and loading the store take a few hundred milliseconds (imports,
the first queries). The shell shows the mode's colours and "Loket start…" in the meantime,
so a PC that boots into the kiosk or the display never shows a black screen, and an error
during start-up can be shown in the same window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from app.ui.theme import DARK, LIGHT


class ModeShell(QWidget):
    first_painted = Signal()
    """Emitted once, after the shell has been drawn for the first time."""

    def __init__(self, title: str, *, dark: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        colours = DARK if dark else LIGHT
        self.setWindowTitle(title)
        self.setObjectName("modeShell")
        self.setStyleSheet(
            f"#modeShell {{ background: {colours.background}; }}"
            f"#shellMessage {{ color: {colours.text}; font-size: 32px; }}"
        )
        self._stack = QStackedLayout(self)
        self.message = QLabel("Loket start…")
        self.message.setObjectName("shellMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Opstartmelding")
        self._stack.addWidget(self.message)
        self.content: QWidget | None = None
        self.painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            self.first_painted.emit()

    def set_content(self, widget: QWidget) -> None:
        """Replace the start-up message by the mode's screen."""
        self.content = widget
        self._stack.addWidget(widget)
        self._stack.setCurrentWidget(widget)
        self.setWindowTitle(widget.windowTitle() or self.windowTitle())

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)
