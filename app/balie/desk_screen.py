"""The desk screen: my queue, the visitor in front of me, and what I can do now.

A KCC workspace (klantcontact, kennisbank, persoon, ...) can sit beside it: the desk tells it
which visitor is in front (`visitor_changed`) and lets it save what was typed before a visit
is finished (`finish_guard`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.balie.actions import BUTTONS, Action, allowed_actions
from app.balie.panels import FinishPanel, QueueCountsPanel, TransferPanel, TransferTarget
from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.queue.model import Desk, Outcome, Ticket, TicketState
from app.core.queue.service import QueueService, QueueSnapshot
from app.ui.refresh import Refresher
from app.ui.tasks import TaskRunner
from app.ui.texts import STATE_TEXT, duration_text
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)


class FinishGuard(Protocol):
    def __call__(self, outcome: Outcome, proceed: Callable[[], None]) -> None:
        """Save what must not be lost, then call `proceed`; on a problem, show it and do not."""


class DeskScreen(QWidget):
    #: the desk was closed (Afmelden); the window goes back to the sign-in screen
    signed_out = Signal()
    #: the desk was closed somewhere else (another PC, the host); same way back, with a word why
    closed_elsewhere = Signal()
    #: the visitor in front of the desk changed or changed state (Ticket | None)
    visitor_changed = Signal(object)

    def __init__(
        self,
        queue: QueueService,
        clock: Clock,
        location_id: int,
        desk_id: int,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        workspace: QWidget | None = None,
        finish_guard: FinishGuard | None = None,
        leave_guard: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self.finish_guard = finish_guard
        #: before Afmelden: save what was typed, then call on (or show why not)
        self.leave_guard = leave_guard
        self._queue = queue
        self._clock = clock
        self._location_id = location_id
        self.desk_id = desk_id
        self._runner = runner
        self._snapshot: QueueSnapshot | None = None
        self._desk: Desk | None = None
        self.current: Ticket | None = None
        #: the outcome the finish panel focuses first (the workspace sets it, e.g. after forwarding)
        self.suggested_outcome = Outcome.HANDLED
        self._busy = False
        self._closed = False  # closed elsewhere: nothing here may act on the desk any more
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
        root.setContentsMargins(20, 12, 20, 12)
        root.setSpacing(10)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.sign_out_button = QPushButton()
        self.sign_out_button.clicked.connect(self.sign_out)
        top.addWidget(self.title, 1)
        top.addWidget(self.sign_out_button)
        root.addLayout(top)

        workspace = self._workspace
        compact = workspace is not None
        body = QHBoxLayout()
        body.setSpacing(16)
        self.queue_panel = QueueCountsPanel()
        visitor = QVBoxLayout()
        visitor.setSpacing(10)
        visitor_panel = QFrame()
        visitor_panel.setObjectName("panel")
        visitor_layout = QVBoxLayout(visitor_panel)
        visitor_layout.setContentsMargins(20, 12, 20, 12)
        self.visitor_title = QLabel()
        self.visitor_title.setObjectName("fieldLabel")
        # Beside the KCC workspace the number is smaller and the facts go underneath it.
        row: QBoxLayout = QVBoxLayout() if compact else QHBoxLayout()
        self.number_label = QLabel()
        self.number_label.setObjectName("currentNumberCompact" if compact else "currentNumber")
        facts = QVBoxLayout()
        self._facts = facts
        self.state_label = QLabel()
        self.state_label.setObjectName("currentState")
        self.service_label = QLabel()
        self.service_label.setObjectName("currentDetail")
        self.service_label.setWordWrap(True)
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
        grid.setSpacing(8)
        columns = 2 if compact else 3
        self.buttons: dict[Action, QPushButton] = {}
        for index, action in enumerate(BUTTONS):
            button = QPushButton()
            if compact:
                button.setObjectName("deskAction")
            button.clicked.connect(lambda _=False, a=action: self.trigger(a))
            self.buttons[action] = button
            grid.addWidget(button, index // columns, index % columns)
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
        if workspace is not None:
            # Left column: visitor, actions, then the counts; the KCC workspace takes the rest.
            visitor.addWidget(self.queue_panel)
            visitor.addStretch(1)
            left = QWidget()
            left.setFixedWidth(440)
            left.setLayout(visitor)
            visitor.setContentsMargins(0, 0, 0, 0)
            body.addWidget(left)
            body.addWidget(workspace, 1)
        else:
            self.queue_panel.setFixedWidth(320)
            visitor.addStretch(1)
            body.addWidget(self.queue_panel)
            body.addLayout(visitor, 1)
        root.addLayout(body, 1)

    def retranslate_ui(self) -> None:
        desk = self._desk
        self.title.setText(f"{desk.name} · {desk.staff or ''}".rstrip(" ·") if desk else "Balie")
        self.sign_out_button.setText("Afmelden")
        self.sign_out_button.setAccessibleName("Afmelden en balie sluiten")
        self.queue_panel.retranslate_ui()
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
        if self._closed:
            return  # someone else may open this desk now; their visitors are not ours
        self._snapshot = snapshot
        self._desk = next((d for d in snapshot.desks if d.id == self.desk_id), None)
        if self._desk is not None and not self._desk.is_open and not self._busy:
            self.tick_timer.stop()
            self.closed_elsewhere.emit()
            return
        self.current = next((t for t in snapshot.at_desks if t.desk_id == self.desk_id), None)
        self.queue_panel.show_counts(snapshot, self._desk, self.my_waiting())
        self.retranslate_ui()
        self.visitor_changed.emit(self.current)

    def my_waiting(self) -> int:
        if self._snapshot is None or self._desk is None:
            return 0
        mine = set(self._desk.service_ids)
        # Tickets sent to another desk are not ours to call.
        return sum(
            1 for t in self._snapshot.waiting if t.service_id in mine and t.target_desk_id in (None, self.desk_id)
        )

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
            self._facts.setContentsMargins(0 if self._workspace is not None else 24, 0, 0, 0)
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
            button.setEnabled(not self._busy and not self._closed and action in allowed)
        self.sign_out_button.setEnabled(not self._busy and not self._closed)

    def set_closed(self) -> None:
        """The desk was closed elsewhere; the screen stays for the typed contact, but inert."""
        self._closed = True
        self.tick_timer.stop()
        self._close_panels()
        self._update_buttons()

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
            self._make_room()
            self.finish_panel.show()
            self.finish_panel.focus_first(self.suggested_outcome)
        else:
            self._run(operations[action])

    def _open_transfer(self) -> None:
        if self._snapshot is None or self.current is None:
            return
        services = [s.service for s in self._snapshot.services]
        self.transfer_panel.offer(services, self._snapshot.desks, self.current.service_id, self.desk_id)
        self._make_room()
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

        def proceed() -> None:
            self._run(lambda: self._queue.finish(desk, outcome))

        if self.finish_guard is None:
            proceed()
        else:
            self.finish_guard(outcome, proceed)

    def _close_panels(self) -> None:
        self.transfer_panel.hide()
        self.finish_panel.hide()
        self.queue_panel.show()

    def _make_room(self) -> None:
        """Beside the KCC workspace the counts give way to an open panel, so the desk stays 800 px high."""
        if self._workspace is not None:
            self.queue_panel.hide()

    def sign_out(self) -> None:
        self.error_area.clear_error()
        desk = self.desk_id

        def proceed() -> None:
            self._set_busy(True)
            self._runner.run(lambda: self._queue.close_desk(desk), self._signed_out, self._failed)

        if self.leave_guard is None:
            proceed()
        else:
            self.leave_guard(proceed)

    def _run(self, operation: Callable[[], Ticket]) -> None:
        self._set_busy(True)
        self._runner.run(operation, self._done, self._failed)

    def _done(self, ticket: Ticket) -> None:
        self._busy = False
        # Show the result at once; the snapshot that follows fills in the rest.
        self.current = ticket if ticket.state.at_desk else None
        log.info("balie %s: %s is nu %s", self.desk_id, ticket.number, ticket.state.value)
        self.retranslate_ui()
        self.visitor_changed.emit(self.current)
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
