"""The balie window: sign in, then the desk screen; back to sign-in after Afmelden.

With KCC services the clerk signs in with username and password; the window keeps the Actor
and hands it to every use case through the workspace beside the queue. Without them (a
queue-only desk) a name is enough and there is no workspace. A redacteur gets no desk but the
kennisbank with 'Artikel bewerken' (EditorScreen).

When the desk is closed somewhere else while a contact is typed, the contact stays on screen
until the clerk saves or drops it (KccWorkspace.keep_after_close): typing is never lost silently.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.balie.desk_screen import DeskScreen
from app.balie.editor_screen import EditorScreen
from app.balie.kcc_events import KccEventRelay
from app.balie.sign_in_screen import SignInRequest, SignInScreen
from app.balie.style import desk_style
from app.balie.workspace import ExtraTabs, KccServices, KccWorkspace
from app.core.auth import AccountLocked, SignInFailed
from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.events import DatabaseStatusChanged, Event
from app.core.queue.model import Desk
from app.core.queue.service import QueueService, QueueSnapshot
from app.core.staff import Actor, Permission, PermissionDenied
from app.ui.bridge import EventBridge
from app.ui.tasks import TaskRunner
from app.ui.widgets import OfflineBanner, stop_timers

log = logging.getLogger(__name__)

SIGN_IN_FAILED = "Gebruikersnaam of wachtwoord klopt niet."
ACCOUNT_LOCKED = "Te vaak geprobeerd, probeer het over 15 minuten opnieuw."
CLOSED_ELSEWHERE = "Uw balie is afgemeld op een andere plek. Meld u opnieuw aan."
CLOSED_SAVED = "Uw balie is afgemeld op een andere plek. Uw klantcontact is opgeslagen. Meld u opnieuw aan."


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
        kcc: KccServices | None = None,
        extra_tabs: ExtraTabs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`desk_id` preselects a desk; `desk_locked` when this PC's config names its desk;
        `staff` pre-fills the user name; `extra_tabs` adds tabs (Betalen, Kas) per signed-in clerk."""
        super().__init__(parent)
        self._kcc = kcc
        self._extra_tabs = extra_tabs
        self.actor: Actor | None = None
        self.workspace: KccWorkspace | None = None
        self._queue = queue
        self._clock = clock
        self._location_id = location_id
        self._runner = runner
        self._preselect = desk_id
        self._desk_locked = desk_locked
        self.desk_screen: DeskScreen | None = None
        self.editor_screen: EditorScreen | None = None
        self._closing = False  # the desk was closed elsewhere; a typed contact is still open
        #: KCC changes from other PCs (contacts, forwarded questions, articles)
        self.kcc_events = KccEventRelay(kcc.events, self) if kcc is not None and kcc.events is not None else None
        self.setObjectName("balieRoot")
        self.setStyleSheet(desk_style(scale=text_scale))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.offline_banner = OfflineBanner(bridge)
        layout.addWidget(self.offline_banner)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.sign_in_screen = SignInScreen(with_password=kcc is not None)
        self.sign_in_screen.staff_edit.setText(staff)
        self.sign_in_screen.sign_in_requested.connect(self.sign_in)
        self.stack.addWidget(self.sign_in_screen)
        bridge.queue_changed.connect(self._on_queue_event)
        bridge.database_status_changed.connect(self._on_database_status)
        self.retranslate_ui()
        self._load_desks()

    def closeEvent(self, event: QCloseEvent) -> None:
        stop_timers(self)
        super().closeEvent(event)

    def retranslate_ui(self) -> None:
        desk = self.desk_screen
        self.setWindowTitle("Loket – balie" + (f" {desk.desk_id}" if desk else ""))
        self.setAccessibleName("Balie")
        self.offline_banner.retranslate_ui()
        self.sign_in_screen.retranslate_ui()
        if desk is not None:
            desk.retranslate_ui()

    def sign_in(self, request: SignInRequest) -> None:
        self.sign_in_screen.sign_in_button.setEnabled(False)
        queue, kcc = self._queue, self._kcc

        def work() -> tuple[Actor | None, Desk | None]:
            if kcc is None:
                return None, queue.open_desk(request.desk_id, request.username)
            actor = kcc.sign_in.sign_in(request.username, request.password)
            if not (actor.may(Permission.QUEUE_SERVE) or actor.may(Permission.CONTACT_REGISTER)):
                if actor.may(Permission.KNOWLEDGE_EDIT):
                    return actor, None  # a redacteur: the kennisbank, no desk opened
                # e.g. a beheerder: nothing to do at a desk, so no desk is opened
                raise PermissionDenied("Uw account is niet bedoeld voor werk aan de balie.", username=actor.username)
            return actor, queue.open_desk(request.desk_id, actor.display_name)

        self._runner.run(work, self._signed_in, self._sign_in_failed)

    def _signed_in(self, result: tuple[Actor | None, Desk | None]) -> None:
        actor, desk = result
        self.sign_in_screen.signed_out()
        self.actor = actor
        if desk is None:
            self._show_editor(actor)
            return
        log.info("aangemeld aan %s", desk.name)
        workspace = None
        if self._kcc is not None and actor is not None:
            extra = self._extra_tabs(actor) if self._extra_tabs is not None else ()
            workspace = KccWorkspace(self._kcc, actor, self._clock, self._runner, extra, relay=self.kcc_events)
        screen = DeskScreen(
            self._queue,
            self._clock,
            self._location_id,
            desk.id,
            self._runner,
            workspace=workspace,
            finish_guard=workspace.finish_guard if workspace is not None else None,
            leave_guard=workspace.leave_guard if workspace is not None else None,
        )
        if workspace is not None:
            screen.visitor_changed.connect(workspace.visitor_changed)
            workspace.outcome_suggested.connect(lambda outcome: setattr(screen, "suggested_outcome", outcome))
        self.workspace = workspace
        screen.signed_out.connect(self._signed_out)
        screen.closed_elsewhere.connect(self._closed_elsewhere)
        self.desk_screen = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        self.setWindowTitle(f"Loket – {desk.name}")
        screen.buttons[next(iter(screen.buttons))].setFocus()

    def _show_editor(self, actor: Actor | None) -> None:
        if self._kcc is None or actor is None:
            return
        screen = EditorScreen(self._kcc.knowledge, actor, self._clock, self._runner, self.kcc_events)
        screen.signed_out.connect(self._signed_out)
        self.editor_screen = screen
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        self.setWindowTitle("Loket – kennisbank")
        screen.knowledge_panel.search_edit.setFocus()

    def _sign_in_failed(self, error: LoketError) -> None:
        self.sign_in_screen.signed_out()
        # One calm sentence each; the core's wording may be longer than the desk wants.
        if isinstance(error, AccountLocked):
            error = LoketError(ACCOUNT_LOCKED)
        elif isinstance(error, SignInFailed):
            error = LoketError(SIGN_IN_FAILED)
        self.sign_in_screen.show_error(error)
        self.sign_in_screen.password_edit.setFocus()

    def _closed_elsewhere(self) -> None:
        if self._closing:
            return  # every later snapshot says so again; the banner is already up
        workspace, screen = self.workspace, self.desk_screen
        if workspace is not None and screen is not None and workspace.keep_after_close(self._leave_closed_desk):
            self._closing = True
            screen.set_closed()
            log.info("balie elders gesloten; klantcontact blijft open tot het is opgeslagen")
            return
        self._leave_closed_desk(False)

    def _leave_closed_desk(self, saved: bool) -> None:
        self._signed_out()
        self.sign_in_screen.show_error(LoketError(CLOSED_SAVED if saved else CLOSED_ELSEWHERE))

    def _signed_out(self) -> None:
        screen = self.desk_screen
        editor = self.editor_screen
        self._closing = False
        self.desk_screen = None
        self.editor_screen = None
        self.workspace = None
        self.actor = None
        self.stack.setCurrentWidget(self.sign_in_screen)
        if screen is not None:
            screen.tick_timer.stop()
            self.stack.removeWidget(screen)
            screen.deleteLater()
        if editor is not None:
            self.stack.removeWidget(editor)
            editor.deleteLater()
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
