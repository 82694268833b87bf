"""The balie window: sign in, then the desk screen; back to sign-in after Afmelden."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.balie.desk_screen import DeskScreen
from app.balie.sign_in_screen import SignInScreen
from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.events import DatabaseStatusChanged, Event
from app.core.queue.model import Desk
from app.core.queue.service import QueueService, QueueSnapshot
from app.ui.bridge import EventBridge
from app.ui.tasks import TaskRunner
from app.ui.theme import balie_style
from app.ui.widgets import OfflineBanner

log = logging.getLogger(__name__)


class BalieWindow(QWidget):
    def __init__(
        self,
        queue: QueueService,
        clock: Clock,
        location_id: int,
        runner: TaskRunner,
        bridge: EventBridge,
        *,
        desk_id: int | None = None,
        desk_locked: bool = False,
        staff: str = "",
        text_scale: float = 1.0,
        parent: QWidget | None = None,
    ) -> None:
        """`desk_id` preselects a desk; `desk_locked` when this PC's config names its desk."""
        super().__init__(parent)
        self._queue = queue
        self._clock = clock
        self._location_id = location_id
        self._runner = runner
        self._preselect = desk_id
        self._desk_locked = desk_locked
        self.desk_screen: DeskScreen | None = None
        self.setObjectName("balieRoot")
        self.setStyleSheet(balie_style(scale=text_scale))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.offline_banner = OfflineBanner(bridge)
        layout.addWidget(self.offline_banner)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.sign_in_screen = SignInScreen()
        self.sign_in_screen.staff_edit.setText(staff)
        self.sign_in_screen.sign_in_requested.connect(self.sign_in)
        self.stack.addWidget(self.sign_in_screen)
        bridge.queue_changed.connect(self._on_queue_event)
        bridge.database_status_changed.connect(self._on_database_status)
        self.retranslate_ui()
        self._load_desks()

    def retranslate_ui(self) -> None:
        desk = self.desk_screen
        self.setWindowTitle("Loket – balie" + (f" {desk.desk_id}" if desk else ""))
        self.setAccessibleName("Balie")
        self.offline_banner.retranslate_ui()
        self.sign_in_screen.retranslate_ui()
        if desk is not None:
            desk.retranslate_ui()

    def sign_in(self, desk_id: int, staff: str) -> None:
        self.sign_in_screen.sign_in_button.setEnabled(False)
        self._runner.run(lambda: self._queue.open_desk(desk_id, staff), self._signed_in, self._sign_in_failed)

    def _signed_in(self, desk: Desk) -> None:
        self.sign_in_screen.sign_in_button.setEnabled(True)
        log.info("aangemeld aan %s", desk.name)
        screen = DeskScreen(self._queue, self._clock, self._location_id, desk.id, self._runner)
        screen.signed_out.connect(self._signed_out)
        screen.closed_elsewhere.connect(self._closed_elsewhere)
        self.desk_screen = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        self.setWindowTitle(f"Loket – {desk.name}")
        screen.buttons[next(iter(screen.buttons))].setFocus()

    def _sign_in_failed(self, error: LoketError) -> None:
        self.sign_in_screen.sign_in_button.setEnabled(True)
        self.sign_in_screen.show_error(error)

    def _closed_elsewhere(self) -> None:
        self._signed_out()
        self.sign_in_screen.show_error(LoketError("Uw balie is afgemeld op een andere plek. Meld u opnieuw aan."))

    def _signed_out(self) -> None:
        screen = self.desk_screen
        self.desk_screen = None
        self.stack.setCurrentWidget(self.sign_in_screen)
        if screen is not None:
            screen.tick_timer.stop()
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.setWindowTitle("Loket – balie")
        self._load_desks()

    def _load_desks(self) -> None:
        location = self._location_id
        self._runner.run(lambda: self._queue.snapshot(location), self._show_desks, self.sign_in_screen.show_error)

    def _show_desks(self, snapshot: QueueSnapshot) -> None:
        self.sign_in_screen.show_desks(snapshot.desks, self._preselect, locked=self._desk_locked)
        if not self._desk_locked:
            self._preselect = None  # after sign-out, keep what the clerk chose last

    def _on_queue_event(self, event: Event) -> None:
        if event.location_id != self._location_id:
            return
        if self.desk_screen is not None:
            self.desk_screen.refresh()

    def _on_database_status(self, event: DatabaseStatusChanged) -> None:
        if event.online and self.desk_screen is not None:
            self.desk_screen.error_area.clear_error()
            self.desk_screen.refresh()
