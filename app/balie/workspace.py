"""The KCC workspace beside the queue: klantcontact, kennisbank, persoon, doorgezette vragen.

It follows the visitor in front of the desk: serving a ticket opens a klantcontact for it, and
finishing the visit first saves what was typed (or asks when nothing was registered). The panels
talk through it: an article or a person goes onto the contact, the subject becomes the reason
of a person lookup, a forward refreshes the list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.balie.closed_banner import ClosedElsewhereBar
from app.balie.contact_panel import ContactPanel
from app.balie.dutch import short_date
from app.balie.forward_dialog import ForwardDialog, ForwardRequest
from app.balie.forwarded_screen import ForwardedScreen
from app.balie.kcc_events import KccEventRelay
from app.balie.knowledge_panel import KnowledgePanel
from app.balie.person_panel import PersonPanel
from app.core.auth import SignInService
from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.events import EventBus
from app.core.kcc.contact import ContactResultaat, InterneTaak, Klantcontact, Toewijzing
from app.core.kcc.contact_service import ContactService
from app.core.kcc.knowledge import KnowledgeService, Product
from app.core.kcc.person import Person
from app.core.kcc.persons import PersonLookup
from app.core.queue.model import Outcome, Ticket, TicketState
from app.core.staff import Actor, Permission
from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

NO_CONTACT = "Er is nog geen klantcontact open. Start het gesprek (F4) of begin een nieuwe vraag (Ctrl+N)."
#: extra tabs (e.g. Betalen, Kas), built per signed-in clerk: actor -> [(tab title, widget)]
ExtraTabs = Callable[[Actor], Sequence[tuple[str, QWidget]]]


@dataclass(frozen=True)
class KccServices:
    """What the KCC desk runs on; built in the composition root."""

    sign_in: SignInService
    contacts: ContactService
    knowledge: KnowledgeService
    persons: PersonLookup
    forward_targets: tuple[Toewijzing, ...]
    #: the process's event bus (the watcher publishes on it): live contact, task and article
    #: changes from other PCs. None: the desk only sees its own changes.
    events: EventBus | None = None


class KccWorkspace(QWidget):
    #: the outcome the desk should offer first when finishing (Outcome)
    outcome_suggested = Signal(object)

    def __init__(
        self,
        services: KccServices,
        actor: Actor,
        clock: Clock,
        runner: TaskRunner,
        extra_tabs: Sequence[tuple[str, QWidget]] = (),
        parent: QWidget | None = None,
        *,
        relay: KccEventRelay | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.actor = actor
        self._runner = runner
        self._visit_ticket: int | None = None
        self._pending_visit: Ticket | None = None
        self.dialog: ForwardDialog | None = None
        self.contact_panel = ContactPanel(services.contacts, services.knowledge, actor, clock, runner)
        self.knowledge_panel = KnowledgePanel(services.knowledge, actor, clock, runner)
        self.person_panel = PersonPanel(services.persons, actor, clock, runner)
        self.forwarded_screen = ForwardedScreen(services.contacts, actor, runner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.confirm_bar = QFrame()
        self.confirm_bar.setObjectName("panel")
        bar = QHBoxLayout(self.confirm_bar)
        self.confirm_text = QLabel()
        self.confirm_text.setObjectName("hint")
        self.confirm_text.setWordWrap(True)
        self.finish_anyway_button = QPushButton()
        self.back_button = QPushButton()
        bar.addWidget(self.confirm_text, 1)
        bar.addWidget(self.finish_anyway_button)
        bar.addWidget(self.back_button)
        self.confirm_bar.hide()
        layout.addWidget(self.confirm_bar)
        self.closed_bar = ClosedElsewhereBar()
        layout.addWidget(self.closed_bar)
        self._leave_closed: Callable[[bool], None] | None = None
        self.tabs = QTabWidget()
        # The style (app.balie.style) keeps all six tabs in sight on the demo's 1150 px desk. Only a
        # narrower pane gets scroll arrows; never eliding: with style-sheet padding Qt would shorten
        # titles that do fit.
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self.contact_panel, "")
        self.tabs.addTab(self.knowledge_panel, "")
        self.tabs.addTab(self.person_panel, "")
        self.tabs.addTab(self.forwarded_screen, "")
        self.extra = list(extra_tabs)
        for title, widget in self.extra:
            self.tabs.addTab(widget, title)
        if not actor.may(Permission.PERSON_READ):
            # The core refuses anyway; the tab says so instead of offering a search that fails.
            self.person_panel.setEnabled(False)
        self._finish_anyway: Callable[[], None] | None = None
        self._wire()
        if relay is not None:
            relay.task_changed.connect(self.forwarded_screen.task_changed)
            relay.contact_changed.connect(self.forwarded_screen.contact_changed)
            relay.knowledge_changed.connect(self.knowledge_panel.article_changed)
        self._shortcuts()
        self.retranslate_ui()
        self.forwarded_screen.refresh()

    def retranslate_ui(self) -> None:
        titles = ("Klantcontact", "Kennisbank", "Persoon", "Doorgezet")
        tips = ("Klantcontact", "Kennisbank", "Persoon opvragen in de BRP", "Mijn doorgezette vragen")
        for index, (title, tip) in enumerate(zip(titles, tips, strict=True)):
            self.tabs.setTabText(index, f"{title} ({index + 1})")
            self.tabs.setTabToolTip(index, f"{tip} (Ctrl+{index + 1})")
        for offset, (title, _widget) in enumerate(self.extra):
            index = len(titles) + offset
            if index < 9:
                self.tabs.setTabText(index, f"{title} ({index + 1})")
                self.tabs.setTabToolTip(index, f"{title} (Ctrl+{index + 1})")
        if not self.actor.may(Permission.PERSON_READ):
            self.tabs.setTabText(2, "Persoon (geen toegang)")
            self.tabs.setTabToolTip(2, "Uw rol mag geen personen opvragen in de BRP.")
        self.tabs.setAccessibleName("Klantcontact, kennisbank, persoon en doorgezette vragen (Ctrl+1 tot en met 4)")
        self.tabs.tabBar().setAccessibleName("Tabbladen van de balie")
        self.confirm_text.setText("Voor dit bezoek is nog geen klantcontact vastgelegd. Toch afronden?")
        self.finish_anyway_button.setText("Toch afronden")
        self.finish_anyway_button.setAccessibleName("Toch afronden zonder klantcontact")
        self.back_button.setText("Terug naar contact")
        self.back_button.setAccessibleName("Terug naar het klantcontact")
        for panel in (self.contact_panel, self.knowledge_panel, self.person_panel, self.forwarded_screen):
            panel.retranslate_ui()
        self.closed_bar.retranslate_ui()

    def _wire(self) -> None:
        contact, knowledge, person = self.contact_panel, self.knowledge_panel, self.person_panel
        knowledge.article_used.connect(self._use_article)
        person.person_linked.connect(self._link_person)
        contact.subject_changed.connect(person.set_default_reason)
        contact.subject.product_picked.connect(lambda hit: knowledge.open(hit.uri))
        contact.forward_requested.connect(self.forward)
        contact.contact_saved.connect(self._contact_saved)
        self.finish_anyway_button.clicked.connect(self._confirm_finish)
        self.back_button.clicked.connect(self._back_to_contact)
        self.closed_bar.save_requested.connect(lambda: self.contact_panel.save())
        self.closed_bar.discard_requested.connect(lambda: self._leave_after_close(False))
        self.tabs.currentChanged.connect(self._tab_changed)

    def _use_article(self, product: Product) -> None:
        if self.contact_panel.draft is None:
            self.knowledge_panel.error_area.show_error(LoketError(NO_CONTACT))
            return
        self.contact_panel.use_article(product)
        self.show_tab(self.contact_panel)

    def _link_person(self, person: Person) -> None:
        if self.contact_panel.draft is None:
            self.person_panel.error_area.show_error(LoketError(NO_CONTACT))
            return
        self.contact_panel.set_citizen(person)
        self.show_tab(self.contact_panel)

    def _shortcuts(self) -> None:
        keys: list[tuple[str, Callable[[], None]]] = [
            ("Ctrl+S", lambda: self.contact_panel.save()),
            ("Ctrl+N", self.contact_panel.new_question),
            ("Ctrl+D", self.forward),
            ("Ctrl+K", self._search_knowledge),
        ]
        for index in range(min(self.tabs.count(), 9)):
            keys.append((f"Ctrl+{index + 1}", partial(self.tabs.setCurrentIndex, index)))
        self.shortcuts = []
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    def show_tab(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is self.forwarded_screen:
            self.forwarded_screen.refresh()
        elif widget is self.knowledge_panel:
            self.knowledge_panel.search_edit.setFocus()
        elif widget is self.person_panel:
            self.person_panel.bsn_edit.setFocus()
        elif widget is self.contact_panel:
            self.contact_panel.subject.setFocus()

    def _search_knowledge(self) -> None:
        self.show_tab(self.knowledge_panel)
        self.knowledge_panel.search_edit.selectAll()

    # --- following the visitor ----------------------------------------------------------

    def visitor_changed(self, ticket: Ticket | None) -> None:
        """From the desk: the visitor in front changed. Serving a new ticket opens a contact."""
        serving = ticket is not None and ticket.state in (TicketState.SERVING, TicketState.ON_HOLD)
        if ticket is None or not serving or ticket.id == self._visit_ticket:
            if ticket is None and self._visit_ticket is not None and not self.contact_panel.is_dirty():
                self._end_visit()
            return
        if self.contact_panel.is_dirty():
            # What was typed for the previous visitor is saved first; never thrown away.
            self._pending_visit = ticket
            self.contact_panel.save()
            return
        self._start_visit(ticket)

    def _start_visit(self, ticket: Ticket) -> None:
        self._visit_ticket = ticket.id
        self._pending_visit = None
        self.person_panel.clear()
        self.outcome_suggested.emit(Outcome.HANDLED)
        self.contact_panel.start_visit(ticket.id, ticket.number)
        self.show_tab(self.contact_panel)

    def _end_visit(self) -> None:
        """The visitor left: their person data leaves the screen too."""
        self._visit_ticket = None
        self.person_panel.clear()
        if not self.contact_panel.is_dirty():
            self.contact_panel.close_visit()

    def _contact_saved(self, saved: Klantcontact) -> None:
        if self._leave_closed is not None:
            self._leave_after_close(True)
            return
        if saved.resultaat is ContactResultaat.VERWEZEN:
            self.outcome_suggested.emit(Outcome.REFERRED)
        pending = self._pending_visit
        if pending is not None:
            self._start_visit(pending)

    def finish_guard(self, outcome: Outcome, proceed: Callable[[], None]) -> None:
        """Before the desk finishes a visit: save the contact, or ask when there is none."""
        panel = self.contact_panel
        if panel.draft is None:
            proceed()
        elif panel.is_dirty():
            panel.save(then=lambda _saved: proceed(), on_fail=lambda _e: self.show_tab(panel))
        elif not panel.saved_in_visit:
            self._finish_anyway = proceed
            self.confirm_bar.show()
            self.finish_anyway_button.setFocus()
        else:
            # The visit ends when the desk reports the visitor gone (visitor_changed(None)), not
            # now: a snapshot still on its way shows the visitor once more and must not reopen it.
            proceed()

    def leave_guard(self, proceed: Callable[[], None]) -> None:
        """Before Afmelden: what was typed is saved first; a contact that cannot be saved stays."""
        panel = self.contact_panel
        if panel.is_dirty():
            panel.save(then=lambda _saved: proceed(), on_fail=lambda _e: self.show_tab(panel))
        else:
            proceed()

    def keep_after_close(self, leave: Callable[[bool], None]) -> bool:
        """The desk was closed elsewhere. With unsaved typing the contact stays on screen under a
        banner and `leave(saved)` is called once the clerk saved or dropped it; True then.
        False: nothing to lose, the caller leaves at once."""
        if not self.contact_panel.is_dirty():
            return False
        self._leave_closed = leave
        self.confirm_bar.hide()
        self.closed_bar.show()
        self.show_tab(self.contact_panel)
        return True

    def _leave_after_close(self, saved: bool) -> None:
        leave, self._leave_closed = self._leave_closed, None
        self.closed_bar.hide()
        if leave is not None:
            leave(saved)

    def _confirm_finish(self) -> None:
        proceed, self._finish_anyway = self._finish_anyway, None
        self.confirm_bar.hide()
        if proceed is not None:
            proceed()

    def _back_to_contact(self) -> None:
        self._finish_anyway = None
        self.confirm_bar.hide()
        self.show_tab(self.contact_panel)

    # --- forwarding ---------------------------------------------------------------------

    def forward(self) -> None:
        """Ctrl+D: save the contact if needed, compute the deadline, then ask where it goes."""
        panel = self.contact_panel
        if panel.draft is None:
            return
        if self._leave_closed is not None:
            panel.save()  # the desk is closed: save and leave; forwarding waits for a new sign-in
            return
        if panel.draft.resultaat is ContactResultaat.DOORGEZET:
            # One question, one task: a second forward would split who owns the answer.
            panel.error_area.show_error(LoketError("Deze vraag is al doorgezet. Een nieuwe vraag begint u met Ctrl+N."))
            return
        if panel.is_dirty() or not any(c.id == panel.draft.id for c in panel.saved_in_visit):
            panel.save(then=self._ask_forward)
        else:
            self._ask_forward(panel.draft)

    def _ask_forward(self, contact: Klantcontact) -> None:
        contacts = self._services.contacts
        self._runner.run(
            lambda: contacts.deadline_for(contact),
            lambda deadline: self._open_dialog(contact, deadline),
            self.contact_panel.error_area.show_error,
        )

    def _open_dialog(self, contact: Klantcontact, deadline: date) -> None:
        dialog = ForwardDialog(self._services.forward_targets, deadline, contact.onderwerp.omschrijving, self)
        dialog.setStyleSheet(self.window().styleSheet())
        dialog.forward_confirmed.connect(lambda request: self._forward(contact, request, dialog))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: ForwardDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _forward(self, contact: Klantcontact, request: ForwardRequest, dialog: ForwardDialog) -> None:
        contacts, actor = self._services.contacts, self.actor

        def work() -> InterneTaak:
            return contacts.forward(
                actor,
                contact.id,
                request.toewijzing,
                request.gevraagde_handeling,
                request.toelichting,
                request.bereikbaarheid,
            )

        def done(task: InterneTaak) -> None:
            dialog.accept()
            self.contact_panel.mark_forwarded(task)
            when = short_date(task.deadline)
            self.contact_panel.status_label.setText(f"Doorgezet naar {task.toegewezen_aan.naam}, uiterlijk {when}")
            self.outcome_suggested.emit(Outcome.FORWARDED)
            self.forwarded_screen.refresh()

        def failed(error: LoketError) -> None:
            dialog.show_error(error)

        self._runner.run(work, done, failed)
