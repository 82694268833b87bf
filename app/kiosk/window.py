"""The kiosk window: start screen, ticket screen, and the way back after a while."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from app.core.errors import LoketError
from app.core.events import DatabaseStatusChanged, Event
from app.core.identity.reading import IdentityReading
from app.core.payment.service import PaymentService, kiosk_actor
from app.core.payment.state import FINAL_STATES, PaymentState
from app.core.printing import PaperLevel, PrinterStatus, ReceiptPrinter
from app.core.queue.service import IssuedTicket, QueueService, QueueSnapshot
from app.kiosk.id_check_screen import IdCheckScreen
from app.kiosk.payment_screen import PAYMENT_HELP, KioskProduct, PaymentHelpRequest, PaymentScreen
from app.kiosk.start_screen import StartScreen
from app.kiosk.ticket_screen import TicketScreen
from app.ui.bridge import EventBridge
from app.ui.refresh import Refresher
from app.ui.tasks import TaskRunner
from app.ui.theme import kiosk_style
from app.ui.widgets import OfflineBanner, stop_timers

log = logging.getLogger(__name__)

#: DeviceAlert code when the roll is nearly empty (not an error: printing still works)
PAPER_NEAR_END = "printer.paper_near_end"
#: how long the ticket stays on screen before the kiosk is ready for the next citizen
RETURN_AFTER_MS = 15_000


class KioskWindow(QWidget):
    def __init__(
        self,
        queue: QueueService,
        location_id: int,
        runner: TaskRunner,
        bridge: EventBridge,
        *,
        text_scale: float = 1.0,
        ticket_url: Callable[[str], str] | None = None,
        printer_status: Callable[[], PrinterStatus] | None = None,
        read_specimen_card: Callable[[], IdentityReading] | None = None,
        payment: PaymentService | None = None,
        payment_runner: TaskRunner | None = None,
        payment_products: Sequence[KioskProduct] = (),
        receipt_printer: ReceiptPrinter | None = None,
        receipt_place: tuple[str, str] = ("", ""),
        parent: QWidget | None = None,
    ) -> None:
        """`payment`: card payment at this kiosk, with its own runner of at least two workers
        (a payment blocks one; "Stoppen" needs the other) and what can be paid for.
        `receipt_printer` prints the legesnota after an approved payment, with `receipt_place`
        (location, point), e.g. ("Stadhuis", "Zuil 1")."""
        super().__init__(parent)
        self._read_specimen_card = read_specimen_card  # demo only: the specimen card on a simulated reader
        self._queue = queue
        self._printer_status = printer_status
        self._printer_reported: str | None = None  # the problem last told to the host
        self._location_id = location_id
        self._runner = runner
        self._issuing = False
        self.setObjectName("kioskRoot")
        self.setStyleSheet(kiosk_style(scale=text_scale))
        layout = QVBoxLayout(self)
        # The kiosk fills its screen; the screen's size decides the layout, not the reverse.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.offline_banner = OfflineBanner(bridge)
        layout.addWidget(self.offline_banner)
        # Said before a citizen taps: no promise of paper the printer cannot keep.
        self.printer_note = QLabel()
        self.printer_note.setObjectName("printFailed")
        self.printer_note.setWordWrap(True)
        self.printer_note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.printer_note.hide()
        layout.addWidget(self.printer_note)
        self.stack = QStackedWidget()
        self.start_screen = StartScreen(text_scale)
        self.ticket_screen = TicketScreen(ticket_url=ticket_url)
        self.stack.addWidget(self.start_screen)
        self.stack.addWidget(self.ticket_screen)
        self.id_check_screen = IdCheckScreen(text_scale)
        self.stack.addWidget(self.id_check_screen)
        self.payment_screen: PaymentScreen | None = None
        if payment is not None:
            actor = kiosk_actor(f"locatie-{location_id}")
            location, point = receipt_place
            self.payment_screen = PaymentScreen(
                payment,
                payment_runner or runner,
                actor,
                text_scale,
                receipt_printer=receipt_printer,
                location=location,
                point=point,
            )
            self.stack.addWidget(self.payment_screen)
            self.start_screen.show_products(payment_products)
            self.start_screen.payment_requested.connect(self.start_payment)
            self.payment_screen.done_requested.connect(self.show_start)
            self.payment_screen.help_requested.connect(self._payment_help)
            self.payment_screen.state_changed.connect(self._payment_state)
        layout.addWidget(self.stack)
        # Demo only: stands in for putting an ID card on the reader.
        self.specimen_button = QPushButton()
        self.specimen_button.setObjectName("doneButton")
        self.specimen_button.setVisible(read_specimen_card is not None)
        self.specimen_button.clicked.connect(self.insert_specimen_card)
        layout.addWidget(self.specimen_button, alignment=Qt.AlignmentFlag.AlignHCenter)

        self.return_timer = QTimer(self)
        self.return_timer.setSingleShot(True)
        self.return_timer.setInterval(RETURN_AFTER_MS)
        self.return_timer.timeout.connect(self.show_start)

        self.start_screen.ticket_requested.connect(self.issue_ticket)
        self.ticket_screen.done_requested.connect(self.show_start)
        self.id_check_screen.done_requested.connect(self.show_start)
        self._refresher: Refresher[QueueSnapshot] = Refresher(
            runner, lambda: queue.snapshot(location_id), self.start_screen.show_snapshot, self._load_failed
        )
        bridge.queue_changed.connect(self._on_queue_event)
        bridge.database_status_changed.connect(self._on_database_status)
        # Nothing looks pre-selected on a touch screen; Tab still reaches every button.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.retranslate_ui()
        self.refresh()
        self.check_printer()

    def closeEvent(self, event: QCloseEvent) -> None:
        stop_timers(self)
        super().closeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle("Loket – kiosk")
        self.setAccessibleName("Kiosk: volgnummer nemen")
        self.offline_banner.retranslate_ui()
        self.start_screen.retranslate_ui()
        self.ticket_screen.retranslate_ui()
        self.id_check_screen.retranslate_ui()
        self.specimen_button.setText("Specimen-ID-kaart insteken")
        self.specimen_button.setAccessibleName("Demo: specimen-ID-kaart insteken en laten lezen")
        self.printer_note.setText("De printer werkt nu niet. U krijgt uw nummer op het scherm.")

    def check_printer(self) -> None:
        """Ask the printer (on a worker) whether it can print; the answer shows or hides the note."""
        if self._printer_status is not None:
            self._runner.run(self._printer_status, self._printer_checked, self._printer_unreachable)

    def _printer_checked(self, status: PrinterStatus) -> None:
        problem = status.problem()
        self.printer_note.setVisible(problem is not None)
        if problem is not None:
            log.warning("kiosk: printer kan niet printen (%s)", problem.code)
            self._report_printer(problem.code)
        elif status.paper is PaperLevel.NEAR_END:
            self._report_printer(PAPER_NEAR_END)  # the host can change the roll before it runs out
        else:
            self._printer_reported = None

    def _printer_unreachable(self, error: LoketError) -> None:
        log.warning("kiosk: printer onbereikbaar (%s)", error.code)
        self.printer_note.show()
        self._report_printer(error.code)

    def _report_printer(self, code: str) -> None:
        """Once per new problem, not on every check: the host needs to hear it, not count it."""
        if code == self._printer_reported:
            return
        self._printer_reported = code
        location_id = self._location_id
        self._runner.run(
            lambda: self._queue.raise_device_alert(location_id, "ticket_printer", code),
            lambda _result: None,
            lambda error: log.error("printermelding mislukt: %s", error.code),
        )

    def refresh(self) -> None:
        self._refresher.request()

    def issue_ticket(self, service_id: int) -> None:
        if self._issuing:
            return
        self._issuing = True
        self.start_screen.set_busy(True)
        self._runner.run(lambda: self._queue.issue_ticket(service_id), self._issued, self._issue_failed)

    def show_start(self) -> None:
        if self.payment_screen is not None and self.payment_screen.busy:
            return  # the terminal still works on a payment: the citizen must see how it ends
        self.return_timer.stop()
        self.id_check_screen.wipe()  # kiosk sessions keep no personal data
        self.stack.setCurrentWidget(self.start_screen)
        self.specimen_button.setVisible(self._read_specimen_card is not None)
        self.setFocus()
        self.refresh()
        self.check_printer()

    def insert_specimen_card(self) -> None:
        """Demo: reads the specimen card (access control, passive authentication) on a worker."""
        if self._read_specimen_card is None or self.stack.currentWidget() is self.id_check_screen:
            return
        self.id_check_screen.show_reading_started()
        self.stack.setCurrentWidget(self.id_check_screen)
        self.specimen_button.hide()
        self._runner.run(self._read_specimen_card, self._card_read, self._card_failed)

    def start_payment(self, product: KioskProduct) -> None:
        if self.payment_screen is None or self.stack.currentWidget() is self.payment_screen:
            return
        self.return_timer.stop()
        self.stack.setCurrentWidget(self.payment_screen)
        self.specimen_button.hide()
        self.payment_screen.begin(product)

    def _payment_state(self, state: PaymentState) -> None:
        # Back to the start after a while once it is over; never while an outcome is open.
        if state in FINAL_STATES and self.stack.currentWidget() is self.payment_screen:
            self.return_timer.start()
        else:
            self.return_timer.stop()

    def _payment_help(self, request: PaymentHelpRequest) -> None:
        log.warning("kiosk: payment %s needs a person (%s)", request.order_id, request.state.value)
        location_id = self._location_id
        self._runner.run(
            lambda: self._queue.raise_device_alert(location_id, "payment_terminal", PAYMENT_HELP),
            lambda _result: None,
            lambda error: log.error("hulpvraag betaling mislukt: %s", error.code),
        )

    def _card_read(self, reading: IdentityReading) -> None:
        if self.stack.currentWidget() is not self.id_check_screen:
            return  # the citizen went back already: show nothing of it
        self.id_check_screen.show_reading(reading)
        self.return_timer.start()

    def _card_failed(self, error: LoketError) -> None:
        if self.stack.currentWidget() is self.id_check_screen:
            self.id_check_screen.show_error(error)
            self.return_timer.start()

    def _issued(self, issued: IssuedTicket) -> None:
        self._issuing = False
        self.start_screen.set_busy(False)
        log.info("kiosk gaf %s uit (geprint: %s)", issued.ticket.number, issued.printed)
        self.ticket_screen.show_ticket(issued)
        self.stack.setCurrentWidget(self.ticket_screen)
        self.specimen_button.hide()
        self.return_timer.start()

    def _issue_failed(self, error: LoketError) -> None:
        self._issuing = False
        self.start_screen.set_busy(False)
        self.start_screen.error_area.show_error(error)
        self.refresh()

    def _load_failed(self, error: LoketError) -> None:
        log.warning("kiosk kon de wachtrij niet laden: %s", error.code)
        self.start_screen.error_area.show_error(error)

    def _on_queue_event(self, event: Event) -> None:
        if event.location_id == self._location_id:
            self.refresh()

    def _on_database_status(self, event: DatabaseStatusChanged) -> None:
        if event.online:
            self.start_screen.error_area.clear_error()
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus()
