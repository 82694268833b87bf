"""Paying at the kiosk: large, calm text for a citizen of 80, the terminal's own words, one big
"Stoppen", and an outcome that never invites paying twice.

The screen gets the PaymentService and a task runner with at least two workers (`pay` blocks one
while the citizen types the PIN; "Stoppen" needs the other). When the outcome cannot be known,
it says so, tells the citizen not to pay again, and asks for a staff member (`help_requested`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from app.core.errors import LoketError
from app.core.payment.errors import PaymentError
from app.core.payment.order import PaymentOrder
from app.core.payment.receipt import order_receipt
from app.core.payment.service import PaymentService, PaymentUpdate
from app.core.payment.state import FINAL_STATES, PaymentState
from app.core.payment.texts import REASON_PARTIAL, partial_text, text_for
from app.core.printing import ReceiptPrinter, euro
from app.core.staff import Actor
from app.ui.tasks import TaskRunner
from app.ui.theme import LIGHT, scaled
from app.ui.widgets import centred_label

log = logging.getLogger(__name__)

#: DeviceAlert code the host sees when a kiosk payment needs a person
PAYMENT_HELP = "payment.needs_operator"
DO_NOT_PAY_AGAIN = "Betaal niet nog een keer; er komt een medewerker."
RECEIPT_PRINTING = "Uw bon wordt afgedrukt."
RECEIPT_FAILED = "De bon kon niet worden afgedrukt. Vraag een medewerker om een bon."
_WORKING = frozenset({PaymentState.SENT, PaymentState.IN_PROGRESS})
_UNSURE = frozenset({PaymentState.UNKNOWN, PaymentState.RECOVERING, PaymentState.NEEDS_OPERATOR})

SCREEN_CSS = f"""
QLabel#payAmount {{ font-size: 150px; font-weight: 800; color: {LIGHT.primary}; }}
QLabel#terminalDisplay {{
    font-size: 44px; font-weight: 600; background: {LIGHT.text}; color: #FFFFFF; padding: 22px;
    border-radius: 14px;
}}
QLabel#payInfo {{
    font-size: 36px; font-weight: 600; background: #E6EEF7; color: {LIGHT.text};
    border: none; border-left: 10px solid {LIGHT.primary}; padding: 18px 22px;
}}
QLabel#payOutcome {{ font-size: 40px; font-weight: 700; }}
QPushButton#stopButton {{
    background: {LIGHT.surface}; color: {LIGHT.danger}; border: 4px solid {LIGHT.danger}; border-radius: 18px;
    padding: 30px 40px; font-size: 48px; font-weight: 800; min-width: 460px;
}}
QPushButton#stopButton:focus {{ border: 6px solid {LIGHT.accent}; }}
"""


def screen_css(scale: float) -> str:
    """Text follows the kiosk's text size; so does the Stoppen button's width, or it would stick
    out past the margins of a small window (the demo's kiosk is 620 px wide)."""
    return scaled(SCREEN_CSS, scale).replace("min-width: 460px", f"min-width: {round(460 * min(scale, 1.0))}px")


@dataclass(frozen=True)
class KioskProduct:
    """Something a citizen can pay for at the kiosk."""

    name: str
    amount_cents: int


# Demo only: real fees are dated rows of the legesverordening, not constants. € 9,40 is the
# example fee for an uittreksel BRP in resources/seed/leges-voorbeelden.csv (Pijnacker-Nootdorp).
DEMO_PRODUCTS = (KioskProduct("Uittreksel BRP", 940),)


@dataclass(frozen=True)
class PaymentHelpRequest:
    """The kiosk cannot tell whether the citizen paid; a staff member must come."""

    order_id: str
    state: PaymentState


class PaymentScreen(QWidget):
    #: the citizen is done (paid, stopped, or helped); the window returns to the start
    done_requested = Signal()
    #: an outcome stayed unknown: ask the host to come (PaymentHelpRequest)
    help_requested = Signal(object)
    #: the state on screen changed (PaymentState); the window times the way back on it
    state_changed = Signal(object)
    # progress from the worker thread; Qt queues it to the UI thread, in order
    _update_arrived = Signal(object)
    _order_created = Signal(object)

    def __init__(
        self,
        service: PaymentService,
        runner: TaskRunner,
        actor: Actor,
        scale: float = 1.0,
        parent: QWidget | None = None,
        *,
        receipt_printer: ReceiptPrinter | None = None,
        location: str = "",
        point: str = "",
    ) -> None:
        """`receipt_printer`: prints the legesnota after an approval (none: no receipt offered);
        `location` and `point` ("Stadhuis", "Zuil 1") are printed on it."""
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._actor = actor
        self._printer = receipt_printer
        self._location = location
        self._point = point
        self._partial: str | None = None  # kiosk text of an approval for another amount
        self._product: KioskProduct | None = None
        self._order_id: str | None = None
        self._state = PaymentState.IDLE
        self._help_asked = False
        self.setStyleSheet(screen_css(scale))
        layout = QVBoxLayout(self)
        margin = round(60 * scale)
        layout.setContentsMargins(margin, round(40 * scale), margin, round(40 * scale))
        layout.setSpacing(round(22 * scale))
        self.caption = centred_label("kioskSubtitle")
        self.amount = centred_label("payAmount")
        self.product = centred_label("ticketService")
        # Information, not a button: a light note with a coloured edge, nothing filled to press.
        self.instruction = centred_label("payInfo")
        self.terminal_text = centred_label("terminalDisplay")
        self.outcome = centred_label("payOutcome")
        self.warning = centred_label("printFailed")
        self.error_text = centred_label("printFailed")
        self.receipt_note = centred_label("payInfo")
        self.receipt_failed = centred_label("printFailed")
        for widget in (self.caption, self.amount, self.product, self.instruction, self.terminal_text):
            layout.addWidget(widget)
        for widget in (self.outcome, self.receipt_note, self.receipt_failed, self.warning, self.error_text):
            layout.addWidget(widget)
        layout.addSpacing(round(24 * scale))
        # One under the other: two side by side do not fit a portrait kiosk at this size.
        buttons = QVBoxLayout()
        buttons.setSpacing(round(24 * scale))
        self.stop_button = QPushButton()
        self.stop_button.setObjectName("stopButton")
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("doneButton")
        self.done_button = QPushButton()
        self.done_button.setObjectName("doneButton")
        for button in (self.stop_button, self.retry_button, self.done_button):
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            buttons.addWidget(button, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(buttons)
        layout.addStretch(1)  # the button stays right under the text it belongs to
        self.stop_button.clicked.connect(self.stop)
        self.retry_button.clicked.connect(self.retry)
        self.done_button.clicked.connect(self._done)
        self._update_arrived.connect(self._on_update)
        self._order_created.connect(self._on_created)
        self._hide_receipt()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.caption.setText("Betalen met uw bankpas")
        self.instruction.setText("Volg de aanwijzingen op de betaalautomaat")
        self.stop_button.setText("Stoppen")
        self.stop_button.setAccessibleName("Stoppen met betalen")
        self.retry_button.setText("Opnieuw proberen")
        self.retry_button.setAccessibleName("Opnieuw proberen te betalen")
        self.warning.setText(DO_NOT_PAY_AGAIN)
        self.receipt_note.setText(RECEIPT_PRINTING)
        self.receipt_failed.setText(RECEIPT_FAILED)
        if self._product is not None:
            self.amount.setText(euro(self._product.amount_cents))
            self.amount.setAccessibleName(f"Te betalen: {euro(self._product.amount_cents)}")
            self.product.setText(self._product.name)
        self._show_state(self._state)

    @property
    def state(self) -> PaymentState:
        return self._state

    @property
    def busy(self) -> bool:
        """The terminal works on a payment, or its outcome is not known yet."""
        return self._state in _WORKING or self._state in (PaymentState.UNKNOWN, PaymentState.RECOVERING)

    def begin(self, product: KioskProduct) -> None:
        """Show the amount and start the payment at once: the terminal asks for the card."""
        self._product = product
        self._order_id = None
        self._help_asked = False
        self._partial = None
        self.terminal_text.clear()
        self.error_text.hide()
        self._hide_receipt()
        self.stop_button.setEnabled(True)
        self.retranslate_ui()
        self._show_state(PaymentState.SENT)
        actor, service = self._actor, self._service

        def work() -> PaymentOrder:
            order = service.create_order(actor, product.amount_cents, product.name)
            self._order_created.emit(order.order_id)
            return service.pay(order.order_id, self._update_arrived.emit)

        self._runner.run(work, self._finished, self._failed)

    def stop(self) -> None:
        order_id = self._order_id
        if order_id is None or self._state not in _WORKING or not self.stop_button.isEnabled():
            return
        self.stop_button.setEnabled(False)
        self.instruction.setText("We stoppen de betaling. Even geduld.")
        self._runner.run(lambda: self._service.abort(order_id), None, self._failed)

    def retry(self) -> None:
        order_id, product = self._order_id, self._product
        if order_id is None or product is None or self._state not in (PaymentState.DECLINED, PaymentState.ABORTED):
            return
        self.terminal_text.clear()
        self.instruction.setText("Volg de aanwijzingen op de betaalautomaat")
        self.stop_button.setEnabled(True)
        self._show_state(PaymentState.SENT)

        def work() -> PaymentOrder:
            self._service.new_attempt(self._actor, order_id)
            return self._service.pay(order_id, self._update_arrived.emit)

        self._runner.run(work, self._finished, self._failed)

    # --- results ----------------------------------------------------------------------------

    def _on_created(self, order_id: str) -> None:
        self._order_id = order_id

    def _on_update(self, update: PaymentUpdate) -> None:
        if update.order_id != self._order_id:
            return
        if update.display_text:
            self.terminal_text.setText(update.display_text)
        if update.reason == REASON_PARTIAL and update.approved_cents is not None and self._product is not None:
            self._partial = partial_text(self._product.amount_cents, update.approved_cents).kiosk
        self._show_state(update.state)

    def _finished(self, order: PaymentOrder) -> None:
        self._order_id = order.order_id
        self._show_state(order.current.state if order.current else PaymentState.IDLE)
        log.info("kiosk payment %s: %s", order.order_id, self._state.value)
        if self._state is PaymentState.APPROVED and self._printer is not None:
            self._print_receipt(self._printer, order.order_id)

    def _print_receipt(self, printer: ReceiptPrinter, order_id: str) -> None:
        """Print in the background; the citizen is never kept waiting for (or by) the printer."""
        self.receipt_note.show()
        service, location, point = self._service, self._location, self._point

        def work() -> None:
            printer.print_receipt(order_receipt(service.entries(order_id), location, point))

        self._runner.run(work, None, lambda error: self._receipt_failed(order_id, error))

    def _receipt_failed(self, order_id: str, error: LoketError) -> None:
        log.warning("kiosk receipt of payment %s not printed (%s)", order_id, error.code)
        if order_id != self._order_id:
            return  # the citizen has already gone; the next one should not see this
        self.receipt_note.hide()
        self.receipt_failed.show()

    def _hide_receipt(self) -> None:
        self.receipt_note.hide()
        self.receipt_failed.hide()

    def _failed(self, error: LoketError) -> None:
        log.warning("kiosk payment failed: %s", error.code)
        self.error_text.setText(error.message if isinstance(error, PaymentError) else "Er ging iets mis.")
        self.error_text.show()
        if self._order_id is None:
            self._show_state(PaymentState.ABORTED)  # nothing reached the terminal

    def _done(self) -> None:
        if self._state in _WORKING:
            return
        self._product = None
        self._order_id = None
        self._state = PaymentState.IDLE
        self._hide_receipt()
        self.done_requested.emit()

    def _show_state(self, state: PaymentState) -> None:
        self._state = state
        working = state in _WORKING
        partial = self._partial if state is PaymentState.NEEDS_OPERATOR else None
        self.outcome.setText("" if working else partial or text_for(state).kiosk)
        self.outcome.setVisible(not working)
        self.outcome.setAccessibleName(self.outcome.text())
        self.instruction.setVisible(working)
        self.terminal_text.setVisible(working and bool(self.terminal_text.text()))
        # needs_operator's own text already says both; the block would only repeat it.
        self.warning.setVisible(state in (PaymentState.UNKNOWN, PaymentState.RECOVERING))
        staff = state is PaymentState.NEEDS_OPERATOR
        self.done_button.setText("Medewerker: klaar" if staff else "Klaar")
        self.done_button.setAccessibleName(
            "Medewerker: afsluiten en terug naar het begin" if staff else "Klaar, terug naar het begin"
        )
        self.stop_button.setVisible(working)
        self.retry_button.setVisible(state in (PaymentState.DECLINED, PaymentState.ABORTED))
        self.done_button.setVisible(state in FINAL_STATES or state is PaymentState.NEEDS_OPERATOR)
        if state in _UNSURE and not self._help_asked and self._order_id is not None:
            self._help_asked = True
            self.help_requested.emit(PaymentHelpRequest(self._order_id, state))
        focus = self.stop_button if working else self.done_button
        if focus.isVisible():
            focus.setFocus()
        self.state_changed.emit(state)
