"""The demo's window on the printer simulator: the last ticket as it came out of the printer."""

from __future__ import annotations

import io
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

log = logging.getLogger(__name__)


class PaperPreview(QWidget):
    """`deliver(page)` may be called from any thread (the simulator's); the page is drawn on the UI thread."""

    #: a page (PNG bytes) came out of the printer; emitted from the simulator's thread, queued
    page_printed = Signal(bytes)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = 0
        layout = QVBoxLayout(self)
        self.caption = QLabel()
        layout.addWidget(self.caption)
        self.paper = QLabel()
        self.paper.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.roll = QScrollArea()
        self.roll.setWidget(self.paper)
        self.roll.setWidgetResizable(True)
        layout.addWidget(self.roll)
        self.page_printed.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle("Loket – printer (simulator)")
        self.roll.setAccessibleName("Laatst geprinte bon")
        if self.pages == 0:
            self.caption.setText("Nog niets geprint. Neem een volgnummer bij de kiosk.")
        else:
            self.caption.setText(f"Bon {self.pages}, zoals de printer hem afdrukte")

    def deliver(self, page: Any) -> None:
        """Called by the simulator with a PIL image, on its own thread."""
        data = io.BytesIO()
        page.save(data, "PNG")
        self.page_printed.emit(data.getvalue())

    def _show(self, png: bytes) -> None:
        image = QImage.fromData(png)
        self.pages += 1
        self.paper.setPixmap(QPixmap.fromImage(image))
        self.retranslate_ui()
