"""The klantcontact beside the queue: what the citizen asked, what we answered, how it ended.

Keyboard first: subject (Enter picks a product), Tab, question, Tab, answer, Ctrl+S. A new
question in the same conversation is Ctrl+N. What was typed is never thrown away: the desk
saves it before a visit is finished, and a failed save keeps the text on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.balie.contact_texts import RESULTAAT_TEXT, TALEN, select_data, text_edit
from app.balie.dutch import time_text
from app.balie.subject_field import SubjectField
from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.kcc.contact import ContactResultaat, InterneTaak, Klantcontact, Onderwerp
from app.core.kcc.contact_service import ContactService
from app.core.kcc.knowledge import KnowledgeService, Product, SearchHit
from app.core.kcc.person import Person
from app.core.staff import Actor
from app.ui.tasks import TaskRunner
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)


class ContactPanel(QWidget):
    #: a contact was saved (Klantcontact)
    contact_saved = Signal(object)
    #: the clerk wants to forward the current contact to the back office
    forward_requested = Signal()
    #: the subject text changed (str): the person lookup takes it as its reason
    subject_changed = Signal(str)

    def __init__(
        self,
        contacts: ContactService,
        knowledge: KnowledgeService,
        actor: Actor,
        clock: Clock,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._contacts = contacts
        self._actor = actor
        self._clock = clock
        self._runner = runner
        self.draft: Klantcontact | None = None
        self._saved: Klantcontact | None = None  # as last stored, to know what is unsaved
        self.ticket_number = ""
        self.citizen_name = ""
        #: contacts saved during the current visit (for the finish outcome)
        self.saved_in_visit: list[Klantcontact] = []
        self._saving = False
        self._article_name = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        self.header = QLabel()
        self.header.setObjectName("sectionTitle")
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        form = QFormLayout()
        form.setVerticalSpacing(6)
        form.setHorizontalSpacing(12)
        self.subject = SubjectField(knowledge, actor, runner)
        self.vraag_edit = text_edit(80)
        self.antwoord_edit = text_edit(96)
        self.resultaat_combo = QComboBox()
        for resultaat in (ContactResultaat.AFGEHANDELD, ContactResultaat.VERWEZEN, ContactResultaat.CONTACT_MISLUKT):
            self.resultaat_combo.addItem(RESULTAAT_TEXT[resultaat], resultaat)
        self.kanaal_combo = QComboBox()
        for name in contacts.channels.names:
            self.kanaal_combo.addItem(name, name)
        self.taal_combo = QComboBox()
        for code, name in TALEN:
            self.taal_combo.addItem(name, code)
        self.vertrouwelijk_check = QCheckBox()
        row = QHBoxLayout()
        row.addWidget(self.resultaat_combo, 1)
        row.addWidget(self.vertrouwelijk_check)
        details = QHBoxLayout()
        details.addWidget(self.taal_combo, 1)
        details.addWidget(self.kanaal_combo, 1)
        keys = ("onderwerp", "vraag", "antwoord", "afloop", "taal", "inwoner", "artikel")
        self.labels = {key: QLabel() for key in keys}
        for label in self.labels.values():
            label.setObjectName("smallLabel")
        self.citizen_label = QLabel()
        self.citizen_label.setWordWrap(True)
        self.unlink_button = QPushButton()
        citizen_row = QHBoxLayout()
        citizen_row.addWidget(self.citizen_label, 1)
        citizen_row.addWidget(self.unlink_button)
        self.article_label = QLabel()
        self.article_label.setWordWrap(True)
        fields: list[QWidget | QLayout] = [self.subject, self.vraag_edit, self.antwoord_edit, row, details]
        fields += [citizen_row, self.article_label]
        buddies = (self.subject.edit, self.vraag_edit, self.antwoord_edit, self.resultaat_combo, self.taal_combo)
        for key, field in zip(keys, fields, strict=True):
            if isinstance(field, QWidget):
                form.addRow(self.labels[key], field)
            else:
                form.addRow(self.labels[key], field)
        for key, buddy in zip(keys, buddies, strict=False):
            self.labels[key].setBuddy(buddy)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.save_button = QPushButton()
        self.save_button.setProperty("role", "primary")
        self.new_button = QPushButton()
        self.forward_button = QPushButton()
        for button in (self.save_button, self.new_button, self.forward_button, self.unlink_button):
            button.setObjectName("compactButton")
        for button in (self.save_button, self.new_button, self.forward_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status_label = QLabel()
        self.status_label.setObjectName("savedNote")
        self.status_label.setWordWrap(True)
        self.error_area = ErrorArea()
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_area)
        layout.addStretch(1)
        self.save_button.clicked.connect(lambda: self.save())
        self.new_button.clicked.connect(self.new_question)
        self.forward_button.clicked.connect(self.forward_requested)
        self.unlink_button.clicked.connect(lambda: self.set_citizen(None))
        self.subject.text_edited.connect(self.subject_changed)
        self.subject.product_picked.connect(lambda hit: self.subject_changed.emit(hit.naam))
        for widget in (self.resultaat_combo, self.taal_combo, self.kanaal_combo, self.vertrouwelijk_check):
            widget.installEventFilter(self)  # Enter on the last fields saves
        # In keyboard order; also what is enabled only while a contact is open.
        self._inputs: tuple[QWidget, ...] = (
            *(self.subject.edit, self.vraag_edit, self.antwoord_edit, self.resultaat_combo),
            *(self.vertrouwelijk_check, self.taal_combo, self.kanaal_combo, self.unlink_button),
            *(self.save_button, self.new_button, self.forward_button),
        )
        for first, second in pairwise(self._inputs):
            QWidget.setTabOrder(first, second)
        self.retranslate_ui()
        self._show_draft()

    def retranslate_ui(self) -> None:
        texts = ("O&nderwerp", "&Vraag", "&Antwoord", "Af&loop", "&Taal, kanaal", "Inwoner", "Kennisbank")
        for label, text in zip(self.labels.values(), texts, strict=True):
            label.setText(text)
        self.subject.retranslate_ui()
        self.vraag_edit.setAccessibleName("Vraag van de inwoner")
        self.vraag_edit.setPlaceholderText("Wat vroeg de inwoner?")
        self.antwoord_edit.setAccessibleName("Ons antwoord")
        self.antwoord_edit.setPlaceholderText("Wat heeft u geantwoord?")
        self.resultaat_combo.setAccessibleName("Hoe is de vraag afgelopen")
        self.taal_combo.setAccessibleName("Taal van het gesprek")
        self.kanaal_combo.setAccessibleName("Kanaal")
        for combo in (self.resultaat_combo, self.taal_combo, self.kanaal_combo):
            combo.view().setAccessibleName(f"Keuzelijst: {combo.accessibleName()}")
        self.vertrouwelijk_check.setText("Vertrouwelijk")
        self.vertrouwelijk_check.setAccessibleName("Vertrouwelijk")
        self.unlink_button.setText("Loskoppelen")
        self.unlink_button.setAccessibleName("Inwoner loskoppelen van dit contact")
        self.save_button.setText("Opslaan (Ctrl+S)")
        self.save_button.setAccessibleName("Klantcontact opslaan (Ctrl+S)")
        self.new_button.setText("Nieuwe vraag (Ctrl+N)")
        self.new_button.setAccessibleName("Nieuwe vraag in hetzelfde gesprek (Ctrl+N)")
        self.forward_button.setText("Doorzetten (Ctrl+D)")
        self.forward_button.setAccessibleName("Doorzetten naar de backoffice (Ctrl+D)")
        self._show_header()

    # --- state --------------------------------------------------------------------------

    def start_visit(self, ticket_id: int | None, ticket_number: str) -> None:
        """A visitor is now served: open a new contact for the ticket (kanaal balie)."""
        self.saved_in_visit = []
        self.ticket_number = ticket_number
        contacts, actor = self._contacts, self._actor
        self._runner.run(lambda: contacts.new_contact(actor, "balie", ticket_id=ticket_id), self._take_draft)

    def new_question(self) -> None:
        """Ctrl+N: save this question (when something was typed), then a new one, same conversation.
        Without any contact yet (a phone call, no ticket) it starts a new conversation."""
        if self.draft is None:
            contacts, actor, kanaal = self._contacts, self._actor, str(self.kanaal_combo.currentData())
            self._runner.run(lambda: contacts.new_contact(actor, kanaal), self._take_draft, self._failed)
            return
        if self.has_content() and self.is_dirty():
            self.save(then=lambda saved: self._next_after(saved))
        else:
            self._next_after(self._saved or self.draft)

    def close_visit(self) -> None:
        """The visitor left and everything is saved: the next Ctrl+N is a new conversation."""
        self.draft, self._saved, self.ticket_number, self.saved_in_visit = None, None, "", []
        self._show_draft()

    def _next_after(self, previous: Klantcontact) -> None:
        contacts, actor = self._contacts, self._actor
        self._runner.run(lambda: contacts.next_question(actor, previous), self._take_draft, self._failed)

    def _take_draft(self, draft: Klantcontact) -> None:
        self.draft = draft
        self._saved = None
        self.error_area.clear_error()
        self.status_label.clear()
        self._show_draft()
        self.subject.setFocus()

    def _show_draft(self) -> None:
        draft = self.draft
        enabled = draft is not None
        for widget in self._inputs:
            widget.setEnabled(enabled)
        self.new_button.setEnabled(True)  # a contact without a visitor: a phone call at the desk
        self.kanaal_combo.setEnabled(True)
        self.subject.set_subject(draft.onderwerp.omschrijving if draft else "")
        self.vraag_edit.setPlainText(draft.vraag if draft else "")
        self.antwoord_edit.setPlainText(draft.antwoord if draft else "")
        select_data(self.kanaal_combo, draft.kanaal if draft else "balie")
        select_data(self.taal_combo, draft.taal if draft else "nld")
        self.vertrouwelijk_check.setChecked(bool(draft and draft.vertrouwelijk))
        self._show_resultaat(draft.resultaat if draft else None)
        if draft is None or not draft.bsn:
            self.citizen_name = ""
        self._show_citizen()
        self._show_article()
        self._show_header()

    def _show_resultaat(self, resultaat: ContactResultaat | None) -> None:
        forwarded = resultaat is ContactResultaat.DOORGEZET
        index = self.resultaat_combo.findData(ContactResultaat.DOORGEZET)
        if forwarded and index < 0:
            self.resultaat_combo.addItem(RESULTAAT_TEXT[ContactResultaat.DOORGEZET], ContactResultaat.DOORGEZET)
        elif not forwarded and index >= 0:
            self.resultaat_combo.removeItem(index)
        select_data(self.resultaat_combo, resultaat or ContactResultaat.AFGEHANDELD)
        self.resultaat_combo.setEnabled(self.draft is not None and not forwarded)

    def _show_header(self) -> None:
        draft = self.draft
        if draft is None:
            self.header.setText("Klantcontact – geen bezoeker; Nieuwe vraag (Ctrl+N) voor een telefoontje")
            return
        visitor = f"Bezoeker {self.ticket_number} · " if self.ticket_number else ""
        number = len({c.id for c in self.saved_in_visit if c.gesprek_id == draft.gesprek_id} - {draft.id}) + 1
        self.header.setText(f"Klantcontact – {visitor}vraag {number} · gestart {time_text(draft.gestart_op)}")

    def _show_citizen(self) -> None:
        linked = self.draft is not None and bool(self.draft.bsn)
        self.citizen_label.setText(self.citizen_name if linked else "Geen (zoek op het tabblad Persoon, Ctrl+3)")
        self.unlink_button.setVisible(linked)

    def _show_article(self) -> None:
        uri = self.draft.kennisartikel_uri if self.draft else None
        self.article_label.setText(self._article_name if uri else "Geen artikel gebruikt")

    # --- what the other panels give -----------------------------------------------------

    def use_article(self, product: Product) -> None:
        """Record the article on the contact; an empty subject becomes that product."""
        if self.draft is None:
            return
        self.draft = replace(self.draft, kennisartikel_uri=product.uri)
        self._article_name = product.naam
        if not self.subject.text().strip():
            self.subject.set_subject(product.naam, SearchHit(product.uri, product.naam, "", 0.0))
            self.subject_changed.emit(product.naam)
        self._show_article()

    def set_citizen(self, person: Person | None) -> None:
        if self.draft is None:
            return
        self.draft = replace(self.draft, bsn=person.burgerservicenummer if person else None)
        self.citizen_name = person.naam.volledige_naam if person else ""
        self._show_citizen()

    def mark_forwarded(self, task: InterneTaak) -> None:
        if self.draft is None or self.draft.id != task.klantcontact_id:
            return
        self.draft = replace(self.draft, resultaat=ContactResultaat.DOORGEZET)
        self._saved = self.form_contact()
        self.saved_in_visit = [c for c in self.saved_in_visit if c.id != task.klantcontact_id] + [self.draft]
        self._show_resultaat(ContactResultaat.DOORGEZET)

    # --- saving -------------------------------------------------------------------------

    def form_contact(self) -> Klantcontact | None:
        """The draft with what is on screen now."""
        draft = self.draft
        if draft is None:
            return None
        hit = self.subject.picked
        text = self.subject.text().strip()
        if hit is not None and hit.naam == text:
            onderwerp = Onderwerp(product_uri=hit.uri, product_naam=hit.naam)
        else:
            onderwerp = Onderwerp(vrije_tekst=text or None)
        chosen = ContactResultaat(self.resultaat_combo.currentData())  # Qt hands back a plain str
        resultaat = draft.resultaat if draft.resultaat is ContactResultaat.DOORGEZET else chosen
        return replace(
            draft,
            kanaal=str(self.kanaal_combo.currentData()),
            onderwerp=onderwerp,
            vraag=self.vraag_edit.toPlainText().strip(),
            antwoord=self.antwoord_edit.toPlainText().strip(),
            resultaat=resultaat,
            taal=str(self.taal_combo.currentData()),
            vertrouwelijk=self.vertrouwelijk_check.isChecked(),
            beeindigd_op=None,  # the service stamps the end when it is saved
        )

    def has_content(self) -> bool:
        """Something was typed or linked that a clerk would not want to lose."""
        contact = self.form_contact()
        if contact is None:
            return False
        return bool(not contact.onderwerp.is_empty or contact.vraag or contact.antwoord or contact.bsn)

    def is_dirty(self) -> bool:
        contact = self.form_contact()
        if contact is None:
            return False
        if self._saved is None:
            return self.has_content()
        return replace(contact, beeindigd_op=None) != replace(self._saved, beeindigd_op=None)

    def save(
        self,
        then: Callable[[Klantcontact], None] | None = None,
        on_fail: Callable[[LoketError], None] | None = None,
    ) -> None:
        contact = self.form_contact()
        if contact is None or self._saving:
            return
        self._saving = True
        self.error_area.clear_error()
        contacts, actor = self._contacts, self._actor

        def failed(error: LoketError) -> None:
            self._failed(error)
            if on_fail is not None:
                on_fail(error)

        def saved(stored: Klantcontact) -> None:
            self._saved_ok(stored)
            if then is not None:
                then(stored)

        self._runner.run(lambda: contacts.save(actor, contact), saved, failed)

    def _saved_ok(self, stored: Klantcontact) -> None:
        self._saving = False
        self.draft = stored
        self._saved = self.form_contact()
        self.saved_in_visit = [c for c in self.saved_in_visit if c.id != stored.id] + [stored]
        when = time_text(stored.beeindigd_op or self._clock.now())
        self.status_label.setText(f"Opgeslagen om {when} (contact {stored.nummer or ''})".replace(" ()", ""))
        self._show_header()
        log.info("klantcontact %s opgeslagen", stored.nummer)
        self.contact_saved.emit(stored)

    def _failed(self, error: LoketError) -> None:
        self._saving = False
        self.error_area.show_error(error)
        field = str(error.details.get("field", ""))
        focus = {"onderwerp": self.subject, "vraag": self.vraag_edit, "antwoord": self.antwoord_edit}.get(field)
        if focus is not None:
            focus.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        pressed = isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
        if pressed and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return True
        return super().eventFilter(watched, event)
