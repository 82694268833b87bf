"""Taking a payment at the desk: card (PIN terminal) or cash, with every outcome spelled out.

The panel gets everything it uses: the PaymentService, its own task runner with at least two
workers (`pay` blocks one while the citizen takes; "Afbreken" must get through), who is signed in,
and the receipt printer. Terminal progress arrives on a worker thread via a queued signal. The
panel never starts a payment twice by itself: "Opnieuw proberen" appears only after a declined or
aborted attempt; an unknown outcome waits for the status query or a team lead's decision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.balie.payment_parts import (
    BUTTON_TEXTS,
    PANEL_CSS,
    RESOLVE_HINT,
    TERMINAL_DONE,
    UNDECIDED,
    WORKING,
    CashRecorder,
    PaymentFinished,
    amount_text,
    may_retry,
    parse_amount,
)
from app.core.errors import LoketError
from app.core.payment.errors import PaymentError
from app.core.payment.order import PaymentOrder
from app.core.payment.receipt import order_receipt
from app.core.payment.service import AmountInvalid, PaymentService, PaymentUpdate
from app.core.payment.state import OPEN_STATES, PaymentState
from app.core.payment.texts import REASON_PARTIAL, partial_text, text_for
from app.core.printing import ReceiptPrinter, euro
from app.core.staff import Actor, Permission
from app.ui.tasks import TaskRunner
from app.ui.widgets import ErrorArea, centred_label

log = logging.getLogger(__name__)


class PaymentPanel(QFrame):
    #: a payment ended (PaymentFinished); the desk may register it with the klantcontact
    payment_finished = Signal(object)
    #: the state on screen changed (PaymentState), e.g. for the desk's status line
    state_changed = Signal(object)
    # progress from the worker thread; Qt queues it to the UI thread, in order
    _update_arrived = Signal(object)
    # the order exists (its id is needed for "Afbreken" while `pay` still blocks)
    _order_created = Signal(object)

    def __init__(
        self,
        service: PaymentService,
        runner: TaskRunner,
        actor: Callable[[], Actor | None],
        receipt_printer: ReceiptPrinter | None = None,
        parent: QWidget | None = None,
        *,
        location: str = "",
        point: str = "",
        record_cash: CashRecorder | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._actor = actor
        self._printer = receipt_printer
        self._location = location
        self._point = point
        self._record_cash = record_cash
        self._can_print = receipt_printer is not None
        self._partial: str | None = None  # desk text of an approval for another amount
        self._order: PaymentOrder | None = None
        self._order_id: str | None = None
        self._state = PaymentState.IDLE
        self._amount_cents = 0
        self._description = ""
        self._aborting = False
        self._printing = False
        self.setObjectName("panel")
        self.setStyleSheet(PANEL_CSS)
        self._build()
        self._update_arrived.connect(self._on_update)
        self._order_created.connect(self._on_created)
        self.retranslate_ui()
        self._show_state(PaymentState.IDLE)

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("fieldLabel")
        layout.addWidget(self.title)
        form = QGridLayout()
        self.amount_label = QLabel()
        self.amount_edit = QLineEdit()
        self.amount_label.setBuddy(self.amount_edit)
        self.description_label = QLabel()
        self.description_edit = QLineEdit()
        self.description_label.setBuddy(self.description_edit)
        form.addWidget(self.amount_label, 0, 0)
        form.addWidget(self.amount_edit, 0, 1)
        form.addWidget(self.description_label, 1, 0)
        form.addWidget(self.description_edit, 1, 1)
        form.setColumnStretch(1, 1)
        layout.addLayout(form)
        methods = QHBoxLayout()
        self.card_button = QPushButton()
        self.card_button.setProperty("role", "primary")
        self.cash_button = QPushButton()
        methods.addWidget(self.card_button)
        methods.addWidget(self.cash_button)
        methods.addStretch(1)
        layout.addLayout(methods)
        self.state_label = centred_label("paymentState")
        self.terminal_label = centred_label("terminalText")
        self.resolve_hint = centred_label("resolveHint")
        self.error_area = ErrorArea()
        for label in (self.state_label, self.terminal_label, self.resolve_hint, self.error_area):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(label)
        actions = QHBoxLayout()
        self.abort_button = QPushButton()
        self.print_button = QPushButton()
        self.print_button.setProperty("role", "primary")
        self.paid_button = QPushButton()
        self.not_paid_button = QPushButton()
        self.retry_button = QPushButton()
        self.new_button = QPushButton()
        self._action_buttons: tuple[QPushButton, ...] = (self.abort_button, self.print_button, self.paid_button)
        self._action_buttons += (self.not_paid_button, self.retry_button, self.new_button)
        for button in self._action_buttons:
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addStretch(1)  # the form stays at the top; empty space goes below, not between
        self.amount_edit.returnPressed.connect(self.description_edit.setFocus)
        self.description_edit.returnPressed.connect(self.pay_by_card)
        self.card_button.clicked.connect(self.pay_by_card)
        self.cash_button.clicked.connect(self.pay_in_cash)
        self.abort_button.clicked.connect(self.abort)
        self.print_button.clicked.connect(self.print_receipt)
        self.paid_button.clicked.connect(lambda: self.resolve(paid=True))
        self.not_paid_button.clicked.connect(lambda: self.resolve(paid=False))
        self.retry_button.clicked.connect(self.retry)
        self.new_button.clicked.connect(self.reset)

    def retranslate_ui(self) -> None:
        self.title.setText("Betalen")
        self.amount_label.setText("&Bedrag (€)")
        self.amount_edit.setAccessibleName("Bedrag in euro")
        self.amount_edit.setPlaceholderText("bijvoorbeeld 77,87")
        self.description_label.setText("&Waarvoor")
        self.description_edit.setAccessibleName("Waarvoor betaalt de klant")
        self.description_edit.setPlaceholderText("bijvoorbeeld Uittreksel BRP")
        for attribute, text, name in BUTTON_TEXTS:
            button = getattr(self, attribute)
            button.setText(text)
            button.setAccessibleName(name)
        self.state_label.setAccessibleName("Stand van de betaling")
        self.terminal_label.setAccessibleName("Tekst op de pinautomaat")
        self.resolve_hint.setText(RESOLVE_HINT)
        self._show_state(self._state)

    # --- what the clerk does ----------------------------------------------------------------

    def start(self, amount_cents: int, description: str) -> None:
        """Start a card payment for a known amount (e.g. the leges of the product just handled)."""
        self.amount_edit.setText(amount_text(amount_cents))
        self.description_edit.setText(description)
        self.pay_by_card()

    def pay_by_card(self) -> None:
        entered = self._begin()
        if entered is None:
            return
        actor, amount, description = entered
        self._show_state(PaymentState.SENT)

        def work() -> PaymentOrder:
            order = self._service.create_order(actor, amount, description)
            self._order_created.emit(order)
            return self._service.pay(order.order_id, self._update_arrived.emit)

        self._runner.run(work, self._paid, self._failed)

    def pay_in_cash(self) -> None:
        record = self._record_cash
        entered = self._begin() if record is not None else None
        if record is None or entered is None:
            return
        actor, amount, description = entered
        self._runner.run(lambda: record(actor, amount, description), lambda _r: self._cash_taken(), self._failed)

    def abort(self) -> None:
        """Asks the terminal to stop; the outcome still comes from the terminal (it may be approved)."""
        order_id = self._order_id
        if order_id is None or self._state not in WORKING or self._aborting:
            return
        self._aborting = True
        self.abort_button.setEnabled(False)
        self._runner.run(lambda: self._service.abort(order_id), None, self._failed)

    def resolve(self, *, paid: bool) -> None:
        order_id, actor = self._order_id, self._actor()
        if order_id is None or self._state not in UNDECIDED:
            return
        if actor is None or not actor.may(Permission.PAYMENT_RESOLVE):
            self.resolve_hint.show()
            return
        self._runner.run(lambda: self._service.resolve_by_operator(actor, order_id, paid), self._paid, self._failed)

    def retry(self) -> None:
        order_id, actor = self._order_id, self._actor()
        if order_id is None or not may_retry(self._order, self._state) or actor is None:
            return
        self._show_state(PaymentState.SENT)

        def work() -> PaymentOrder:
            self._service.new_attempt(actor, order_id)
            return self._service.pay(order_id, self._update_arrived.emit)

        self._runner.run(work, self._paid, self._failed)

    def print_receipt(self) -> None:
        order = self._order
        if self._printer is None or order is None or not order.is_paid:
            return
        printer, entries, order_id = self._printer, self._service.entries, order.order_id
        self._printing = True
        self.print_button.setEnabled(False)

        def work() -> None:
            printer.print_receipt(order_receipt(entries(order_id), self._location, self._point))

        self._runner.run(work, lambda _r: self._printed(), self._print_failed)

    @property
    def order_id(self) -> str | None:
        """The order on screen (for the klantcontact that records this payment)."""
        return self._order_id

    def actor_changed(self) -> None:
        """Someone else signed in (a team lead at this desk): show what they may do."""
        self._show_state(self._state)

    def reset(self) -> None:
        """Ready for the next payment; refused while an outcome is still open."""
        if self._state in OPEN_STATES:
            return
        self._order = None
        self._order_id = None
        self._aborting = False
        self._partial = None
        self.amount_edit.clear()
        self.description_edit.clear()
        self.terminal_label.clear()
        self.error_area.clear_error()
        self._lock_inputs(False)
        self._show_state(PaymentState.IDLE)
        self.amount_edit.setFocus()

    # --- results from the worker ------------------------------------------------------------

    def _on_created(self, order: PaymentOrder) -> None:
        self._order = order
        self._order_id = order.order_id

    def _on_update(self, update: PaymentUpdate) -> None:
        if update.order_id != self._order_id:
            return  # a late update of an order this panel no longer shows
        if update.display_text:
            self.terminal_label.setText(f"Pinautomaat: {update.display_text}")
        if update.reason == REASON_PARTIAL and update.approved_cents is not None:
            self._partial = partial_text(self._amount_cents, update.approved_cents).desk
        self._show_state(update.state)

    def _paid(self, order: PaymentOrder) -> None:
        self._order = order
        self._order_id = order.order_id
        self._aborting = False
        current = order.current
        state = current.state if current is not None else PaymentState.IDLE
        self._show_state(state)
        if state in (PaymentState.APPROVED, PaymentState.DECLINED, PaymentState.ABORTED):
            log.info("desk payment %s ended: %s", order.order_id, state.value)
            decided = current.decided_by if current is not None else None
            finished = PaymentFinished(order.order_id, state, order.amount_cents, self._description, "pin", decided)
            self.payment_finished.emit(finished)
        if state is PaymentState.APPROVED:
            self.print_button.setFocus()

    def _cash_taken(self) -> None:
        self._lock_inputs(False)
        self.state_label.setText(f"Contant ontvangen: {euro(self._amount_cents)}. Het staat in de kas.")
        self.state_label.setProperty("tone", "good")
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        finished = PaymentFinished("", PaymentState.APPROVED, self._amount_cents, self._description, "contant")
        self.amount_edit.clear()
        self.description_edit.clear()
        self.payment_finished.emit(finished)

    def _failed(self, error: LoketError) -> None:
        log.warning("desk payment: %s", error.code)
        self._aborting = False
        self.error_area.show_error(error)
        if self._order_id is None:
            self._lock_inputs(False)
            self._show_state(PaymentState.IDLE)
        elif isinstance(error, PaymentError):
            self._show_state(self._state)

    def _printed(self) -> None:
        self._printing = False
        self.print_button.setEnabled(True)
        self.state_label.setText(f"{text_for(PaymentState.APPROVED).desk} De bon is afgedrukt.")

    def _print_failed(self, error: LoketError) -> None:
        self._printing = False
        self.print_button.setEnabled(True)
        self.error_area.show_error(error)

    # --- helpers --------------------------------------------------------------------------

    def _begin(self) -> tuple[Actor, int, str] | None:
        """What the clerk entered, with the inputs locked; None when nothing may start now."""
        if self._state is not PaymentState.IDLE or self._order_id is not None:
            return None
        entered = self._entered()
        if entered is not None:
            self._amount_cents, self._description = entered[1], entered[2]
            self._lock_inputs(True)
        return entered

    def _entered(self) -> tuple[Actor, int, str] | None:
        self.error_area.clear_error()
        actor = self._actor()
        if actor is None or not actor.may(Permission.PAYMENT_TAKE):
            self.error_area.show_error(PaymentError("U mag hier geen betalingen aannemen."))
            return None
        try:
            amount = parse_amount(self.amount_edit.text())
        except AmountInvalid as error:
            self.error_area.show_error(error)
            self.amount_edit.setFocus()
            return None
        description = self.description_edit.text().strip() or "Leges"
        return actor, amount, description

    def _show_state(self, state: PaymentState) -> None:
        self._state = state
        partial = self._partial if state is PaymentState.NEEDS_OPERATOR else None
        self.state_label.setText(partial or text_for(state).desk)
        tone = {PaymentState.APPROVED: "good", PaymentState.DECLINED: "bad", PaymentState.NEEDS_OPERATOR: "bad"}
        self.state_label.setProperty("tone", tone.get(state, ""))
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        actor = self._actor()
        may_resolve = actor is not None and actor.may(Permission.PAYMENT_RESOLVE)
        undecided = state in UNDECIDED and self._order_id is not None
        visible = {
            self.abort_button: state in WORKING and self._order_id is not None,
            self.print_button: state is PaymentState.APPROVED and self._can_print,
            self.paid_button: undecided and may_resolve,
            self.not_paid_button: undecided and may_resolve,
            self.retry_button: may_retry(self._order, state),
            self.new_button: state in (PaymentState.APPROVED, PaymentState.DECLINED, PaymentState.ABORTED),
        }
        for button, shown in visible.items():
            button.setVisible(shown)
        self.abort_button.setEnabled(not self._aborting)
        # Only once Loket has stopped asking the terminal itself does the team lead have to decide.
        self.resolve_hint.setVisible(state is PaymentState.NEEDS_OPERATOR and undecided and not may_resolve)
        # A click before the paid order is known would print nothing.
        self.print_button.setEnabled(self._order is not None and self._order.is_paid and not self._printing)
        if state in TERMINAL_DONE:
            self.terminal_label.clear()
        self.terminal_label.setVisible(bool(self.terminal_label.text()))
        self.cash_button.setVisible(self._record_cash is not None)
        if state in WORKING and self._order_id is not None and not self._aborting:
            self.abort_button.setFocus()
        self.state_changed.emit(state)

    def _lock_inputs(self, locked: bool) -> None:
        for widget in (self.amount_edit, self.description_edit, self.card_button, self.cash_button):
            widget.setEnabled(not locked)
