"""The desk screen: my queue, the visitor in front of me, and what I can do now."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.balie.actions import BUTTONS, Action, allowed_actions
from app.balie.panels import FinishPanel, TransferPanel, TransferTarget
from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.queue.model import Desk, Outcome, Ticket, TicketState
from app.core.queue.service import QueueService, QueueSnapshot
from app.ui.refresh import Refresher
from app.ui.tasks import TaskRunner
from app.ui.texts import STATE_TEXT, duration_text
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)


class DeskScreen(QWidget):
    #: the desk was closed (Afmelden); the window goes back to the sign-in screen
    signed_out = Signal()
    #: the desk was closed somewhere else (another PC, the host); same way back, with a word why
    closed_elsewhere = Signal()

    def __init__(
        self,
        queue: QueueService,
        clock: Clock,
        location_id: int,
        desk_id: int,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._queue = queue
        self._clock = clock
        self._location_id = location_id
        self.desk_id = desk_id
        self._runner = runner
        self._snapshot: QueueSnapshot | None = None
        self._desk: Desk | None = None
        self.current: Ticket | None = None
        self._busy = False
        self._build()
        self._refresher: Refresher[QueueSnapshot] = Refresher(
            runner, lambda: queue.snapshot(location_id), self.show_snapshot, self.error_area.show_error
        )
        # Only the durations tick; the data itself arrives through events.
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(1000)
        self.tick_timer.timeout.connect(self._update_durations)
        self.tick_timer.start()
        self.retranslate_ui()
        self.refresh()

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        root.setSpacing(14)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.sign_out_button = QPushButton()
        self.sign_out_button.clicked.connect(self.sign_out)
        top.addWidget(self.title, 1)
        top.addWidget(self.sign_out_button)
        root.addLayout(top)

        body = QHBoxLayout()
        body.setSpacing(18)
        queue_panel = QFrame()
        queue_panel.setObjectName("panel")
        queue_panel.setFixedWidth(320)
        queue_layout = QVBoxLayout(queue_panel)
        queue_layout.setContentsMargins(20, 16, 20, 16)
        self.queue_title = QLabel()
        self.queue_title.setObjectName("fieldLabel")
        self.queue_title.setWordWrap(True)
        queue_layout.addWidget(self.queue_title)
        self.count_grid = QGridLayout()
        self.count_grid.setVerticalSpacing(2)
        self.count_grid.setColumnStretch(0, 1)
        self._count_rows: list[tuple[QLabel, QLabel, QLabel]] = []
        queue_layout.addLayout(self.count_grid)
        queue_layout.addStretch(1)
        self.total_label = QLabel()
        self.total_label.setObjectName("muted")
        self.total_label.setWordWrap(True)
        queue_layout.addWidget(self.total_label)
        body.addWidget(queue_panel)

        visitor = QVBoxLayout()
        visitor_panel = QFrame()
        visitor_panel.setObjectName("panel")
        visitor_layout = QVBoxLayout(visitor_panel)
        visitor_layout.setContentsMargins(24, 16, 24, 16)
        self.visitor_title = QLabel()
        self.visitor_title.setObjectName("fieldLabel")
        row = QHBoxLayout()
        self.number_label = QLabel()
        self.number_label.setObjectName("currentNumber")
        facts = QVBoxLayout()
        self._facts = facts
        self.state_label = QLabel()
        self.state_label.setObjectName("currentState")
        self.service_label = QLabel()
        self.service_label.setObjectName("currentDetail")
        self.waited_label = QLabel()
        self.waited_label.setObjectName("currentDetail")
        self.at_desk_label = QLabel()
        self.at_desk_label.setObjectName("currentDetail")
        for label in (self.state_label, self.service_label, self.waited_label, self.at_desk_label):
            facts.addWidget(label)
        facts.addStretch(1)
        row.addWidget(self.number_label)
        row.addLayout(facts, 1)
        visitor_layout.addWidget(self.visitor_title)
        visitor_layout.addLayout(row)
        visitor.addWidget(visitor_panel)

        grid = QGridLayout()
        grid.setSpacing(10)
        self.buttons: dict[Action, QPushButton] = {}
        for index, action in enumerate(BUTTONS):
            button = QPushButton()
            button.clicked.connect(lambda _=False, a=action: self.trigger(a))
            self.buttons[action] = button
            grid.addWidget(button, index // 3, index % 3)
        self.buttons[Action.NEXT].setProperty("role", "primary")
        visitor.addLayout(grid)
        self.transfer_panel = TransferPanel()
        self.transfer_panel.hide()
        self.transfer_panel.transfer_confirmed.connect(self._transfer)
        self.transfer_panel.cancelled.connect(self._close_panels)
        self.finish_panel = FinishPanel()
        self.finish_panel.hide()
        self.finish_panel.outcome_chosen.connect(self._finish)
        self.finish_panel.cancelled.connect(self._close_panels)
        self.error_area = ErrorArea()
        visitor.addWidget(self.transfer_panel)
        visitor.addWidget(self.finish_panel)
        visitor.addWidget(self.error_area)
        visitor.addStretch(1)
        body.addLayout(visitor, 1)
        root.addLayout(body, 1)

    def retranslate_ui(self) -> None:
        desk = self._desk
        self.title.setText(f"{desk.name} · {desk.staff or ''}".rstrip(" ·") if desk else "Balie")
        self.sign_out_button.setText("Afmelden")
        self.sign_out_button.setAccessibleName("Afmelden en balie sluiten")
        self.queue_title.setText("Wachtenden voor mijn diensten")
        self.visitor_title.setText("Huidige bezoeker")
        for action, button in self.buttons.items():
            key, label, name = BUTTONS[action]
            if action is Action.PAUSE and self.current is not None and self.current.state is TicketState.ON_HOLD:
                label, name = "Hervatten", "Gesprek hervatten"
            button.setText(f"{label}  ({key})")
            button.setShortcut(QKeySequence(key))  # after setText, which resets the shortcut
            button.setAccessibleName(f"{name} ({key})")
        self.transfer_panel.retranslate_ui()
        self.finish_panel.retranslate_ui()
        self._show_current()

    # --- data ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._refresher.request()

    def show_snapshot(self, snapshot: QueueSnapshot) -> None:
        self._snapshot = snapshot
        self._desk = next((d for d in snapshot.desks if d.id == self.desk_id), None)
        if self._desk is not None and not self._desk.is_open and not self._busy:
            self.tick_timer.stop()
            self.closed_elsewhere.emit()
            return
        self.current = next((t for t in snapshot.at_desks if t.desk_id == self.desk_id), None)
        self._fill_counts(snapshot)
        self.retranslate_ui()

    def my_waiting(self) -> int:
        if self._snapshot is None or self._desk is None:
            return 0
        mine = set(self._desk.service_ids)
        # Tickets sent to another desk are not ours to call.
        return sum(
            1 for t in self._snapshot.waiting if t.service_id in mine and t.target_desk_id in (None, self.desk_id)
        )

    def _fill_counts(self, snapshot: QueueSnapshot) -> None:
        statuses = {s.service.id: s for s in snapshot.services}
        mine = [statuses[i] for i in (self._desk.service_ids if self._desk else ()) if i in statuses]
        while len(self._count_rows) < len(mine):
            self._add_count_row()
        for index, (name, longest, count) in enumerate(self._count_rows):
            status = mine[index] if index < len(mine) else None
            for label in (name, longest, count):
                label.setVisible(status is not None)
            if status is None:
                continue
            name.setText(status.service.name_nl + ("" if status.service.is_open else " (gesloten)"))
            longest_wait = timedelta(minutes=status.longest_wait_minutes)
            longest.setText(f"langst: {duration_text(longest_wait)}" if status.waiting else "")
            count.setText(str(status.waiting))
            count.setAccessibleName(f"{status.service.name_nl}: {status.waiting} wachtenden")
        total = self.my_waiting()
        self.total_label.setText(f"U kunt {total} bezoekers oproepen")

    def _add_count_row(self) -> None:
        # Rows are reused: a refresh must not flicker or leave stale labels behind.
        row = len(self._count_rows) * 2
        name, longest, count = QLabel(), QLabel(), QLabel()
        name.setObjectName("countName")
        name.setWordWrap(True)
        longest.setObjectName("muted")
        count.setObjectName("countValue")
        count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count_grid.addWidget(name, row, 0)
        self.count_grid.addWidget(longest, row + 1, 0)
        self.count_grid.addWidget(count, row, 1, 2, 1)
        self._count_rows.append((name, longest, count))

    def _show_current(self) -> None:
        ticket = self.current
        if ticket is None:
            self.number_label.hide()
            self.number_label.setText("")
            self._facts.setContentsMargins(0, 0, 0, 0)
            self.state_label.setText("Geen bezoeker")
            if self.my_waiting():
                self.service_label.setText("Druk op Volgende (F1) om iemand op te roepen.")
            else:
                self.service_label.setText("Er wacht nu niemand voor uw diensten.")
            self.waited_label.setText("")
            self.at_desk_label.setText("")
        else:
            self._facts.setContentsMargins(24, 0, 0, 0)
            self.number_label.show()
            self.number_label.setText(ticket.number)
            self.number_label.setAccessibleName(f"Huidige bezoeker {ticket.number}")
            called_again = ticket.recall_count and ticket.state is TicketState.CALLED
            recalls = f" ({ticket.recall_count + 1}e keer)" if called_again else ""
            self.state_label.setText(STATE_TEXT[ticket.state] + recalls)
            service = self._service_name(ticket.service_id)
            self.service_label.setText(f"Dienst: {service}")
        self._update_durations()
        self._update_buttons()

    def _service_name(self, service_id: int) -> str:
        if self._snapshot is None:
            return ""
        try:
            return self._snapshot.service(service_id).name_nl
        except KeyError:
            return ""

    def _update_durations(self) -> None:
        ticket = self.current
        if ticket is None:
            return
        now = self._clock.now()
        self.waited_label.setText(f"Gewacht: {duration_text(ticket.waited(now))}")
        period = ticket.open_period
        at_desk = period.duration(now) if period is not None else timedelta()
        self.at_desk_label.setText(f"Aan de balie: {duration_text(at_desk)}")

    def _update_buttons(self) -> None:
        allowed = allowed_actions(self.current.state if self.current else None, self.my_waiting())
        for action, button in self.buttons.items():
            button.setEnabled(not self._busy and action in allowed)
        self.sign_out_button.setEnabled(not self._busy)

    # --- actions -------------------------------------------------------------------------

    def trigger(self, action: Action) -> None:
        """Run the action behind a button (or its F-key)."""
        if not self.buttons[action].isEnabled():
            return
        self.error_area.clear_error()
        self._close_panels()
        desk = self.desk_id
        queue = self._queue
        operations: dict[Action, Callable[[], Ticket]] = {
            Action.NEXT: lambda: queue.call_next(desk),
            Action.RECALL: lambda: queue.recall(desk),
            Action.NO_SHOW: lambda: queue.no_show(desk),
            Action.START: lambda: queue.start(desk),
        }
        if action is Action.PAUSE:
            on_hold = self.current is not None and self.current.state is TicketState.ON_HOLD
            self._run(lambda: queue.resume(desk) if on_hold else queue.hold(desk))
        elif action is Action.TRANSFER:
            self._open_transfer()
        elif action is Action.FINISH:
            self.finish_panel.show()
            self.finish_panel.focus_first()
        else:
            self._run(operations[action])

    def _open_transfer(self) -> None:
        if self._snapshot is None or self.current is None:
            return
        services = [s.service for s in self._snapshot.services]
        self.transfer_panel.offer(services, self._snapshot.desks, self.current.service_id, self.desk_id)
        self.transfer_panel.show()

    def _transfer(self, target: TransferTarget) -> None:
        self._close_panels()
        desk = self.desk_id
        self._run(
            lambda: self._queue.transfer(
                desk, service_id=target.service_id, to_desk_id=target.desk_id, front=target.front
            )
        )

    def _finish(self, outcome: Outcome) -> None:
        self._close_panels()
        desk = self.desk_id
        self._run(lambda: self._queue.finish(desk, outcome))

    def _close_panels(self) -> None:
        self.transfer_panel.hide()
        self.finish_panel.hide()

    def sign_out(self) -> None:
        self.error_area.clear_error()
        self._set_busy(True)
        desk = self.desk_id
        self._runner.run(lambda: self._queue.close_desk(desk), self._signed_out, self._failed)

    def _run(self, operation: Callable[[], Ticket]) -> None:
        self._set_busy(True)
        self._runner.run(operation, self._done, self._failed)

    def _done(self, ticket: Ticket) -> None:
        self._busy = False
        # Show the result at once; the snapshot that follows fills in the rest.
        self.current = ticket if ticket.state.at_desk else None
        log.info("balie %s: %s is nu %s", self.desk_id, ticket.number, ticket.state.value)
        self.retranslate_ui()
        self.refresh()

    def _failed(self, error: LoketError) -> None:
        self._set_busy(False)
        self.error_area.show_error(error)
        self.refresh()

    def _signed_out(self, _desk: Desk) -> None:
        self._set_busy(False)
        self.signed_out.emit()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()
