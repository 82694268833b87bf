"""'Mijn doorgezette vragen': what the KCC forwarded, its deadline, and the department's answer.

The KCC stays owner of every question it forwards, so the list marks overdue ones in red with
"te laat". A teamleider (TASK_HANDLE) may record the department's answer here; it then goes on
the contact and the question counts as verwerkt.

The list keeps itself current: a question shown here that changes at another PC (TaskChanged,
ContactChanged) reloads it, and so does a new day, when "te laat" may start to apply.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.balie.dutch import short_date
from app.balie.style import DONE, OVERDUE
from app.core.errors import LoketError
from app.core.events import ContactChanged, TaskChanged
from app.core.kcc.contact import ForwardedQuestion, TaakStatus
from app.core.kcc.contact_service import ContactService
from app.core.staff import Actor, Permission
from app.ui.tasks import TaskRunner
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)

#: how often the screen looks whether the day turned (milliseconds); cheap, no database
DAY_CHECK_MS = 30_000
COLUMNS = ("Onderwerp", "Naar", "Uiterlijk", "Status", "Antwoord")


def status_text(row: ForwardedQuestion) -> str:
    if row.task.status is TaakStatus.VERWERKT:
        return "verwerkt"
    if row.te_laat:
        return "te laat"
    if row.werkdagen_over == 0:
        return "te verwerken\nvandaag"
    return f"te verwerken\nnog {row.werkdagen_over} werkdag{'en' if row.werkdagen_over != 1 else ''}"


class ForwardedScreen(QWidget):
    #: an answer was recorded (InterneTaak)
    answer_recorded = Signal(object)

    def __init__(
        self, contacts: ContactService, actor: Actor, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._contacts = contacts
        self._actor = actor
        self._runner = runner
        self.rows: list[ForwardedQuestion] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.all_check = QCheckBox()
        self.refresh_button = QPushButton()
        top.addWidget(self.title, 1)
        top.addWidget(self.all_check)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        # A long department name wraps instead of squeezing the subject and the answer.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 150)
        layout.addWidget(self.table, 1)
        answer = QHBoxLayout()
        self.answer_label = QLabel()
        self.answer_label.setObjectName("smallLabel")
        self.answer_edit = QLineEdit()
        self.answer_edit.setMaxLength(4000)
        self.answer_label.setBuddy(self.answer_edit)
        self.answer_button = QPushButton()
        answer.addWidget(self.answer_label)
        answer.addWidget(self.answer_edit, 1)
        answer.addWidget(self.answer_button)
        layout.addLayout(answer)
        self.may_answer = actor.may(Permission.TASK_HANDLE)
        # After they have a parent: showing a parentless widget would open it as a window.
        for widget in (self.answer_label, self.answer_edit, self.answer_button, self.all_check):
            widget.setVisible(self.may_answer)
        self.error_area = ErrorArea()
        layout.addWidget(self.error_area)
        self.refresh_button.clicked.connect(self.refresh)
        self.all_check.toggled.connect(lambda _on: self.refresh())
        self.answer_button.clicked.connect(self.record_answer)
        self.answer_edit.returnPressed.connect(self.record_answer)
        self._shown_day = contacts.today()
        self.day_timer = QTimer(self)
        self.day_timer.setInterval(DAY_CHECK_MS)
        self.day_timer.timeout.connect(self.check_day)
        self.day_timer.start()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText("Mijn doorgezette vragen")
        self.all_check.setText("Alle open vragen")
        self.all_check.setAccessibleName("Alle open vragen van het team tonen")
        self.refresh_button.setText("Vernieuwen")
        self.refresh_button.setAccessibleName("Lijst vernieuwen")
        self.table.setAccessibleName("Doorgezette vragen")
        self.answer_label.setText("Antwoord &afdeling")
        self.answer_edit.setAccessibleName("Antwoord van de afdeling")
        self.answer_edit.setPlaceholderText("Kies een vraag en typ het antwoord")
        self.answer_button.setText("Vastleggen")
        self.answer_button.setAccessibleName("Antwoord van de afdeling vastleggen")

    def refresh(self) -> None:
        contacts, actor = self._contacts, self._actor
        self._shown_day = contacts.today()
        if self.all_check.isChecked():
            self._runner.run(lambda: contacts.open_tasks(actor), self.show_rows, self.error_area.show_error)
        else:
            self._runner.run(lambda: contacts.forwarded_by_me(actor), self.show_rows, self.error_area.show_error)

    def show_rows(self, rows: list[ForwardedQuestion]) -> None:
        self.rows = rows
        self.error_area.clear_error()
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            task = row.task
            values = (
                row.onderwerp or "(geen onderwerp)",
                task.toegewezen_aan.naam,
                short_date(task.deadline),
                status_text(row),
                task.antwoord or "",
            )
            colour = OVERDUE if row.te_laat else (DONE if task.status is TaakStatus.VERWERKT else "")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if colour and column in (2, 3):
                    item.setForeground(QBrush(QColor(colour)))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                item.setData(Qt.ItemDataRole.UserRole, task.id)
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()
        late = sum(1 for row in rows if row.te_laat)
        open_ = sum(1 for row in rows if row.task.status is TaakStatus.TE_VERWERKEN)
        self.summary.setText(f"{len(rows)} vragen, {open_} nog te verwerken, {late} te laat")

    def task_changed(self, event: TaskChanged) -> None:
        """A forwarded question changed somewhere: reload when this list shows or owns it."""
        mine = event.owner_staff_id is not None and event.owner_staff_id == self._actor.staff_id
        shown = any(row.task.id == event.task_id for row in self.rows)
        if mine or shown or self.all_check.isChecked():
            self.refresh()

    def contact_changed(self, event: ContactChanged) -> None:
        if any(row.task.klantcontact_id == event.contact_id for row in self.rows):
            self.refresh()

    def check_day(self) -> None:
        """A new day may make open questions overdue: reload once when the date changed."""
        if self._contacts.today() != self._shown_day:
            self.refresh()

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def record_answer(self) -> None:
        row = self.table.currentRow()
        text = self.answer_edit.text()
        if not 0 <= row < len(self.rows):
            self.error_area.show_error(LoketError("Kies eerst een vraag in de lijst."))
            return
        task_id = self.rows[row].task.id
        contacts, actor = self._contacts, self._actor
        self._runner.run(lambda: contacts.record_answer(actor, task_id, text), self._answered, self._failed)

    def _answered(self, task: object) -> None:
        self.answer_edit.clear()
        self.answer_recorded.emit(task)
        self.refresh()

    def _failed(self, error: LoketError) -> None:
        self.error_area.show_error(error)
