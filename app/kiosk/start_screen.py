"""Kiosk start screen: one big touch button per service, with the queue and the expected wait."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.core.printing import euro
from app.core.queue.service import QueueSnapshot, ServiceStatus
from app.kiosk.payment_screen import KioskProduct
from app.ui.texts import band_text
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)


def waiting_text(count: int) -> str:
    if count == 0:
        return "Niemand wacht"
    return "1 persoon wacht" if count == 1 else f"{count} personen wachten"


class ServiceButton(QPushButton):
    """A whole-width touch target: service name large, queue and band below it."""

    def __init__(self, service_id: int, scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service_id = service_id
        self.setObjectName("serviceButton")
        self.setMinimumHeight(round(150 * scale))
        self.setMaximumHeight(round(280 * scale))  # a portrait kiosk must not get giant buttons
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(round(28 * scale), round(20 * scale), round(28 * scale), round(20 * scale))
        layout.setSpacing(6)
        self.name_label = QLabel()
        self.name_label.setObjectName("serviceName")
        self.detail_label = QLabel()
        self.detail_label.setObjectName("serviceDetail")
        for label in (self.name_label, self.detail_label):
            # Taps must reach the button, not the labels on top of it.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setWordWrap(True)
            layout.addWidget(label)

    def show_status(self, status: ServiceStatus) -> None:
        service = status.service
        self.name_label.setText(service.name_nl)
        if service.is_open:
            band = status.band_for_new
            wait = f"Wachttijd: {band_text(band)}" if band is not None else "Nu is er geen balie open"
            detail = f"{waiting_text(status.waiting)}\n{wait}"
        else:
            detail = "Gesloten"
        self.detail_label.setText(detail)
        self.setEnabled(service.is_open)
        self.setAccessibleName(f"{service.name_nl}. {detail.replace(chr(10), '. ')}")
        self.setAccessibleDescription(
            "Tik om een volgnummer te nemen" if service.is_open else "Deze dienst is gesloten"
        )


class StartScreen(QWidget):
    """Emits `ticket_requested(service_id)` when a citizen taps an open service."""

    #: the citizen tapped an open service; the window issues the ticket
    ticket_requested = Signal(int)
    #: the citizen chose something to pay for at the kiosk (a KioskProduct)
    payment_requested = Signal(object)

    def __init__(self, scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = scale
        self._buttons: dict[int, ServiceButton] = {}
        self._location_name = ""
        layout = QVBoxLayout(self)
        margin = round(60 * scale)
        layout.setContentsMargins(margin, margin, margin, round(48 * scale))
        layout.setSpacing(28)
        self.location_label = QLabel()
        self.location_label.setObjectName("kioskSubtitle")
        self.title = QLabel()
        self.title.setObjectName("kioskTitle")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("kioskSubtitle")
        self.subtitle.setWordWrap(True)
        self.error_area = ErrorArea()
        layout.addWidget(self.location_label)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(12)
        self._button_box = QGridLayout()
        self._button_box.setSpacing(round(24 * scale))
        self._columns = 1
        layout.addLayout(self._button_box, 3)
        self._product_box = QHBoxLayout()
        self._product_box.setSpacing(round(24 * scale))
        layout.addLayout(self._product_box)
        self.product_buttons: list[QPushButton] = []
        layout.addWidget(self.error_area)
        layout.addStretch(1)
        self.footer = QLabel()
        self.footer.setObjectName("kioskFooter")
        self.footer.setWordWrap(True)
        layout.addWidget(self.footer)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.location_label.setText(f"Welkom · {self._location_name}" if self._location_name else "Welkom")
        self.title.setText("Waarvoor komt u?")
        self.subtitle.setText("Tik op uw keuze. U krijgt dan een volgnummer.")
        self.footer.setText("Hulp nodig? Een medewerker in de hal helpt u graag.")

    def show_products(self, products: Sequence[KioskProduct]) -> None:
        """Self-service payments next to the queue: one large button per product."""
        for button in self.product_buttons:
            button.deleteLater()
        self.product_buttons = []
        for product in products:
            button = QPushButton(f"Betalen: {product.name} ({euro(product.amount_cents)})")
            button.setObjectName("doneButton")
            button.setAccessibleName(f"{product.name} betalen met uw bankpas, {euro(product.amount_cents)}")
            button.clicked.connect(lambda _=False, p=product: self._pay(p))
            self._product_box.addWidget(button)
            self.product_buttons.append(button)

    def _pay(self, product: KioskProduct) -> None:
        self.error_area.clear_error()
        self.payment_requested.emit(product)

    def button_for(self, service_id: int) -> ServiceButton:
        return self._buttons[service_id]

    def show_snapshot(self, snapshot: QueueSnapshot) -> None:
        self._location_name = snapshot.location.name
        statuses = sorted(snapshot.services, key=lambda s: (s.service.sort_order, s.service.id))
        if [s.service.id for s in statuses] != list(self._buttons):
            self._rebuild([s.service.id for s in statuses])
        for status in statuses:
            self._buttons[status.service.id].show_status(status)
        self.retranslate_ui()

    def set_busy(self, busy: bool) -> None:
        """While a ticket is being issued no second tap gets through."""
        for button in self._buttons.values():
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, busy)

    def _rebuild(self, service_ids: list[int]) -> None:
        for button in self._buttons.values():
            button.deleteLater()
        self._buttons = {}
        for service_id in service_ids:
            button = ServiceButton(service_id, self._scale)
            button.clicked.connect(lambda _=False, sid=service_id: self._tapped(sid))
            self._buttons[service_id] = button
        self._place_buttons()

    def _place_buttons(self) -> None:
        for index, button in enumerate(self._buttons.values()):
            self._button_box.addWidget(button, index // self._columns, index % self._columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Portrait kiosks get one column of buttons; landscape screens two, so all fit.
        columns = 2 if event.size().width() > event.size().height() * 1.1 else 1
        if columns != self._columns:
            self._columns = columns
            self._place_buttons()
        super().resizeEvent(event)

    def _tapped(self, service_id: int) -> None:
        self.error_area.clear_error()
        self.ticket_requested.emit(service_id)
