"""Citizen lookup at the desk: by BSN, or by surname and birth date, always with a reason.

The BSN's 11-proef is checked while typing (a pure function, no lookup); the lookup itself and
its audit entry run on the task runner. Secrecy and death are shown first, in red; the documents
with their expiry and the proactive hint ("Uw paspoort verloopt over 5 maanden") follow.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.balie.dutch import local_today, long_date
from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.kcc.bsn import validate_bsn
from app.core.kcc.errors import BsnInvalid
from app.core.kcc.person import Person
from app.core.kcc.persons import DOCUMENT_NAMES, PersonLookup, expiring_documents, person_warnings
from app.core.staff import Actor
from app.ui.tasks import TaskRunner
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)

_DATE = re.compile(r"^\s*(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{4})\s*$")


class InvalidDate(LoketError):
    code = "balie.date_invalid"


def parse_birth_date(text: str) -> date:
    """'1-12-1985' or '01-12-1985' (day-month-year, as Dutch staff type it)."""
    match = _DATE.match(text)
    if match is None:
        raise InvalidDate("Typ de geboortedatum als dag-maand-jaar, bijvoorbeeld 01-12-1985.")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidDate("Deze geboortedatum bestaat niet.") from None


def address_text(person: Person) -> str:
    place = person.verblijfplaats
    if place is None:
        return "Geen adres bekend"
    if place.is_buitenland:
        return f"Woont in het buitenland ({place.land_buitenland})"
    if place.locatiebeschrijving and not place.straat:
        return place.locatiebeschrijving
    number = f"{place.huisnummer or ''}{place.huisletter}"
    if place.huisnummertoevoeging:
        number += f"-{place.huisnummertoevoeging}"
    line = " ".join(p for p in (place.straat, number) if p)
    town = place.woonplaats or place.gemeente
    kind = " (briefadres)" if place.functie_adres == "B" else ""
    return f"{line}, {place.postcode} {town}{kind}".strip(", ")


class PersonPanel(QWidget):
    #: the clerk linked this person to the contact (Person)
    person_linked = Signal(object)

    def __init__(
        self, lookup: PersonLookup, actor: Actor, clock: Clock, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._lookup = lookup
        self._actor = actor
        self._clock = clock
        self._runner = runner
        self._reason_typed = False
        self.person: Person | None = None
        self.found: list[Person] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        form = QGridLayout()
        form.setHorizontalSpacing(10)
        self.bsn_edit = QLineEdit()
        self.bsn_edit.setMaxLength(9)
        self.bsn_error = QLabel()
        self.bsn_error.setObjectName("inlineError")
        self.name_edit = QLineEdit()
        self.birth_edit = QLineEdit()
        self.birth_edit.setMaxLength(10)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(300)
        self.search_button = QPushButton()
        self.search_button.setProperty("role", "primary")
        self.labels = {key: QLabel() for key in ("bsn", "naam", "geboren", "reden")}
        for label in self.labels.values():
            label.setObjectName("smallLabel")
        pairs = (("bsn", self.bsn_edit), ("naam", self.name_edit), ("geboren", self.birth_edit))
        for column, (key, edit) in enumerate(pairs):
            self.labels[key].setBuddy(edit)
            form.addWidget(self.labels[key], 0, column)
            form.addWidget(edit, 1, column)
        form.addWidget(self.bsn_error, 2, 0, 1, 3)
        self.labels["reden"].setBuddy(self.reason_edit)
        form.addWidget(self.labels["reden"], 3, 0, 1, 3)
        form.addWidget(self.reason_edit, 4, 0, 1, 3)
        form.addWidget(self.search_button, 4, 3)
        layout.addLayout(form)
        self.error_area = ErrorArea()
        layout.addWidget(self.error_area)
        self.results = QListWidget()
        self.results.setMaximumHeight(110)
        self.results.hide()
        layout.addWidget(self.results)

        self.card = QFrame()
        card = QVBoxLayout(self.card)
        card.setContentsMargins(0, 4, 0, 0)
        self.flags = QVBoxLayout()
        self.name_label = QLabel()
        self.name_label.setObjectName("personName")
        self.name_label.setWordWrap(True)
        facts = QFormLayout()
        self.birth_label, self.address_label, self.documents_label = QLabel(), QLabel(), QLabel()
        # No word wrap in the card: height-for-width labels made QFormLayout cut the documents short.
        self.fact_captions = [QLabel() for _ in range(3)]
        for caption, value in zip(
            self.fact_captions, (self.birth_label, self.address_label, self.documents_label), strict=True
        ):
            caption.setObjectName("smallLabel")
            facts.addRow(caption, value)
        self.hints = QVBoxLayout()
        card.addLayout(self.flags)
        card.addWidget(self.name_label)
        card.addLayout(facts)
        card.addLayout(self.hints)
        buttons = QHBoxLayout()
        self.link_button = QPushButton()
        buttons.addWidget(self.link_button)
        buttons.addStretch(1)
        card.addLayout(buttons)
        self.card.hide()
        layout.addWidget(self.card)
        layout.addStretch(1)

        self.bsn_edit.textEdited.connect(self._check_bsn)
        for edit in (self.bsn_edit, self.name_edit, self.birth_edit, self.reason_edit):
            edit.returnPressed.connect(self.search)
        self.reason_edit.textEdited.connect(lambda _t: setattr(self, "_reason_typed", True))
        self.search_button.clicked.connect(self.search)
        self.results.currentRowChanged.connect(self._pick_row)
        self.link_button.clicked.connect(self._link)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        texts = {"bsn": "&BSN", "naam": "of &achternaam", "geboren": "en ge&boortedatum", "reden": "&Reden"}
        for key, text in texts.items():
            self.labels[key].setText(text)
        self.bsn_edit.setAccessibleName("BSN")
        self.bsn_edit.setPlaceholderText("9 cijfers")
        self.name_edit.setAccessibleName("Achternaam")
        self.birth_edit.setAccessibleName("Geboortedatum (dag-maand-jaar)")
        self.birth_edit.setPlaceholderText("dd-mm-jjjj")
        self.reason_edit.setAccessibleName("Reden van het opvragen (verplicht)")
        self.reason_edit.setPlaceholderText("Waarom kijkt u dit na?")
        self.search_button.setText("Opvragen")
        self.search_button.setAccessibleName("Persoon opvragen in de BRP")
        self.results.setAccessibleName("Gevonden personen")
        self.link_button.setText("Koppel aan contact")
        self.link_button.setAccessibleName("Deze inwoner aan het klantcontact koppelen")
        for caption, text in zip(self.fact_captions, ("Geboren", "Adres", "Documenten"), strict=True):
            caption.setText(text)

    def set_default_reason(self, text: str) -> None:
        """The contact's subject is the reason, unless the clerk typed one."""
        if not self._reason_typed:
            self.reason_edit.setText(text)

    def clear(self) -> None:
        """A new visitor: nothing of the previous citizen stays on screen."""
        for edit in (self.bsn_edit, self.name_edit, self.birth_edit, self.reason_edit):
            edit.clear()
        self._reason_typed = False
        self.bsn_error.clear()
        self.error_area.clear_error()
        self.results.clear()
        self.results.hide()
        self.found = []
        self._show_person(None)

    # --- looking up ---------------------------------------------------------------------

    def _check_bsn(self, text: str) -> None:
        if len(text) < 9:
            self.bsn_error.clear()
            return
        try:
            validate_bsn(text)
        except BsnInvalid as error:
            self.bsn_error.setText(error.message)
        else:
            self.bsn_error.clear()

    def search(self) -> None:
        self.error_area.clear_error()
        bsn = self.bsn_edit.text().strip()
        reason = self.reason_edit.text().strip()
        if not reason:
            self.error_area.show_error(LoketError("Vul de reden in: elke opvraging wordt vastgelegd."))
            self.reason_edit.setFocus()
            return
        lookup, actor = self._lookup, self._actor
        if bsn:
            try:
                validate_bsn(bsn)
            except BsnInvalid as error:
                self.bsn_error.setText(error.message)
                self.bsn_edit.setFocus()
                return
            self._runner.run(lambda: [lookup.by_bsn(actor, bsn, reason)], self._show_found, self._failed)
            return
        try:
            born = parse_birth_date(self.birth_edit.text())
        except InvalidDate as error:
            text = self.name_edit.text().strip()
            self.error_area.show_error(error if text else LoketError("Typ een BSN, of achternaam en geboortedatum."))
            return
        surname = self.name_edit.text()
        self._runner.run(
            lambda: lookup.search(actor, surname, born, reason, include_deceased=True), self._show_found, self._failed
        )

    def _failed(self, error: LoketError) -> None:
        self._show_person(None)
        self.error_area.show_error(error)

    def _show_found(self, persons: list[Person]) -> None:
        self.found = persons
        self.results.blockSignals(True)
        self.results.clear()
        for person in persons:
            item = QListWidgetItem(f"{person.naam.volledige_naam}, geboren {person.geboorte.datum}")
            self.results.addItem(item)
        self.results.blockSignals(False)
        self.results.setVisible(len(persons) > 1)
        if not persons:
            self._show_person(None)
            self.error_area.show_error(LoketError("Niemand gevonden met deze achternaam en geboortedatum."))
            return
        self.results.blockSignals(True)
        self.results.setCurrentRow(0)
        self.results.blockSignals(False)
        self._show_person(persons[0])

    def _pick_row(self, row: int) -> None:
        if 0 <= row < len(self.found):
            self._show_person(self.found[row])

    # --- the person card ----------------------------------------------------------------

    def _show_person(self, person: Person | None) -> None:
        self.person = person
        self.card.setVisible(person is not None)
        for box in (self.flags, self.hints):
            while box.count():
                item = box.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()  # deleteLater waits for the event loop; it must not show till then
                    widget.deleteLater()
        if person is None:
            return
        for warning in person_warnings(person):
            flag = QLabel(warning)
            flag.setObjectName("flag")
            self.flags.addWidget(flag)
        self.name_label.setText(person.naam.volledige_naam)
        birth = person.geboorte
        born = long_date(birth.datum.as_date) if birth.datum.as_date else str(birth.datum)
        self.birth_label.setText(f"{born} in {birth.plaats}" if birth.plaats else born)
        self.address_label.setText(address_text(person))
        today = local_today(self._clock)
        lines = []
        for doc in person.reisdocumenten:
            name = DOCUMENT_NAMES.get(doc.soort, "reisdocument").capitalize()
            end = doc.datum_einde_geldigheid.as_date
            if doc.aanduiding_inhouding:
                state = "ingeleverd of vermist"
            elif end is None:
                state = "geldig tot onbekend"
            else:
                state = f"{'geldig tot' if end >= today else 'verlopen op'} {long_date(end)}"
            lines.append(f"{name}: {state}")
        self.documents_label.setText("\n".join(lines) or "Geen reisdocumenten bekend")
        for notice in expiring_documents(person, today):
            hint = QLabel(notice.text)
            hint.setObjectName("hint")
            self.hints.addWidget(hint)
        self.link_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def hint_texts(self) -> list[str]:
        return [self._label_text(self.hints, i) for i in range(self.hints.count())]

    def flag_texts(self) -> list[str]:
        return [self._label_text(self.flags, i) for i in range(self.flags.count())]

    @staticmethod
    def _label_text(box: QVBoxLayout, index: int) -> str:
        item = box.itemAt(index)
        widget = item.widget() if item is not None else None
        return widget.text() if isinstance(widget, QLabel) else ""

    def _link(self) -> None:
        if self.person is not None:
            self.person_linked.emit(self.person)
