"""The desk's kas: today's card and cash lines with their totals, and "Dag afsluiten".

Closing asks for the counted cash, lets the KasService reconcile the journal with the terminal's
totals, and shows every difference in plain words and in a small table (Loket / automaat /
verschil). The screen gets the KasService, a task runner (reconciliation talks to the terminal)
and who is signed in; it builds nothing itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
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

from app.balie.dutch import time_text
from app.balie.payment_parts import parse_amount
from app.core.errors import LoketError
from app.core.payment.kas import CashAmountInvalid, DayClosing, KasLine, KasMethod, KasService
from app.core.payment.service import AmountInvalid
from app.core.printing import euro
from app.core.staff import Actor, Permission
from app.ui.tasks import TaskRunner
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)

COLUMNS = ("Tijd", "Soort", "Waarvoor", "Bedrag", "Medewerker")
METHOD_TEXT = {KasMethod.CARD: "Pin", KasMethod.CASH: "Contant"}
KAS_CSS = """
QLabel#kasTotal { font-size: 22px; font-weight: 700; }
QLabel#closingVerdict { font-size: 24px; font-weight: 700; padding: 10px 14px; border-radius: 6px; }
QLabel#closingVerdict[balanced="true"] { background: #E3F1E6; color: #1D6B2E; }
QLabel#closingVerdict[balanced="false"] { background: #FFF1C7; color: #3D2B00; }
QLabel#closingLine { font-size: 20px; }
QLabel#closingCell { font-size: 20px; }
QLabel#closingHead { font-size: 18px; font-weight: 700; }
"""


def count_text(count: int) -> str:
    return "1 betaling" if count == 1 else f"{count} betalingen"


def signed_euro(cents: int) -> str:
    """A difference: '+ € 5,00', '- € 2,50' or '€ 0,00'."""
    if cents == 0:
        return euro(0)
    return f"{'+' if cents > 0 else '-'} {euro(abs(cents))}"


class KasScreen(QFrame):
    #: the day was closed (DayClosing); the desk may print or show it elsewhere
    day_closed = Signal(object)

    def __init__(
        self,
        kas: KasService,
        runner: TaskRunner,
        actor: Callable[[], Actor | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._kas = kas
        self._runner = runner
        self._actor = actor
        self.lines: list[KasLine] = []
        self.closing: DayClosing | None = None
        self.setObjectName("panel")
        self.setStyleSheet(KAS_CSS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("fieldLabel")
        self.refresh_button = QPushButton()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.totals = QLabel()
        self.totals.setObjectName("kasTotal")
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)
        closing = QHBoxLayout()
        self.counted_label = QLabel()
        self.counted_edit = QLineEdit()
        self.counted_label.setBuddy(self.counted_edit)
        self.close_button = QPushButton()
        self.close_button.setProperty("role", "primary")
        closing.addWidget(self.counted_label)
        closing.addWidget(self.counted_edit, 1)
        closing.addWidget(self.close_button)
        layout.addLayout(closing)
        self.counted_hint = QLabel()
        self.counted_hint.setObjectName("smallLabel")
        self.counted_hint.setWordWrap(True)
        layout.addWidget(self.counted_hint)
        self.verdict = QLabel()
        self.verdict.setObjectName("closingVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.hide()
        layout.addWidget(self.verdict)
        self.comparison = QGridLayout()
        layout.addLayout(self.comparison)
        self.explanation = QLabel()
        self.explanation.setObjectName("closingLine")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.error_area = ErrorArea()
        layout.addWidget(self.error_area)
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.close_day)
        self.counted_edit.returnPressed.connect(self.close_day)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText("Kas van vandaag")
        self.refresh_button.setText("&Vernieuwen")
        self.refresh_button.setAccessibleName("Kasregels vernieuwen")
        self.table.setAccessibleName("Kasregels: pin en contant")
        self.counted_label.setText("&Geteld contant geld (€)")
        self.counted_edit.setAccessibleName("Geteld contant geld in euro")
        # Short enough to stay whole in the field on the demo's desk; the rest goes below it.
        self.counted_edit.setPlaceholderText("bijvoorbeeld 22,50")
        self.counted_hint.setText("Tel het contante geld in de kas, zonder het wisselgeld.")
        self.counted_edit.setAccessibleDescription(self.counted_hint.text())
        self.close_button.setText("Dag af&sluiten")
        self.close_button.setAccessibleName("Dag afsluiten: kas en betaalautomaat vergelijken")
        may_close = self._may_close()
        for widget in (self.counted_label, self.counted_edit, self.close_button, self.counted_hint):
            widget.setVisible(may_close)

    def refresh(self) -> None:
        self._runner.run(self._kas.lines, self.show_lines, self.error_area.show_error)

    def show_lines(self, lines: Sequence[KasLine]) -> None:
        self.lines = list(lines)
        self.error_area.clear_error()
        self.table.setRowCount(len(self.lines))
        name = self._staff_name
        for row, line in enumerate(self.lines):
            staff = (
                name(line.staff)
                if not line.decided_by
                else f"{name(line.staff)} (vastgelegd door {name(line.decided_by)})"
            )
            values = (
                time_text(line.at),
                METHOD_TEXT[line.method],
                line.description,
                euro(line.amount_cents),
                staff,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        card = [line.amount_cents for line in self.lines if line.method is KasMethod.CARD]
        cash = [line.amount_cents for line in self.lines if line.method is KasMethod.CASH]
        parts = (
            f"Pin: {count_text(len(card))}, {euro(sum(card))}",
            f"Contant: {count_text(len(cash))}, {euro(sum(cash))}",
            f"Totaal: {euro(sum(card) + sum(cash))}",
        )
        # Non-breaking spaces inside each part: a narrow desk wraps between the parts, never within.
        self.totals.setText("    ".join(part.replace(" ", "\u00a0") for part in parts))
        self.totals.setAccessibleName(self.totals.text())

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def close_day(self) -> None:
        actor = self._actor()
        if not self._may_close() or actor is None:
            return
        self.error_area.clear_error()
        try:
            counted = parse_amount(self.counted_edit.text(), allow_zero=True)
        except AmountInvalid:
            self.error_area.show_error(CashAmountInvalid("Vul het getelde contante geld in, bijvoorbeeld 22,50."))
            self.counted_edit.setFocus()
            return
        self.close_button.setEnabled(False)
        kas = self._kas
        self._runner.run(lambda: kas.close_day(actor, counted), self.show_closing, self._close_failed)

    def show_closing(self, closing: DayClosing) -> None:
        self.closing = closing
        self.close_button.setEnabled(True)
        balanced = closing.in_balance
        self.verdict.setText("De kas klopt." if balanced else "Er is een verschil. Hieronder staat wat niet klopt.")
        self.verdict.setProperty("balanced", "true" if balanced else "false")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        self.verdict.show()
        self._fill_comparison(closing)
        self.explanation.setText("\n".join(closing.explanation()))
        self.explanation.setAccessibleName(self.explanation.text())
        log.info("kas %s closed: in balance %s", closing.kas_id, closing.in_balance)
        self.day_closed.emit(closing)
        self.refresh()

    def comparison_rows(self) -> list[tuple[str, ...]]:
        """The comparison table as shown: one tuple of cell texts per row, header first."""
        rows = []
        for row in range(self.comparison.rowCount()):
            cells = []
            for column in range(self.comparison.columnCount()):
                item = self.comparison.itemAtPosition(row, column)
                widget = item.widget() if item is not None else None
                cells.append(widget.text() if isinstance(widget, QLabel) else "")
            rows.append(tuple(cells))
        return rows

    def _fill_comparison(self, closing: DayClosing) -> None:
        while self.comparison.count():
            taken = self.comparison.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        terminal = closing.terminal
        rows = (
            ("", "Loket", "Betaalautomaat / geteld", "Verschil"),
            (
                "Pin",
                f"{closing.card_count} x, {euro(closing.card_cents)}",
                f"{terminal.approved_count} x, {euro(terminal.approved_cents)}",
                signed_euro(closing.card_difference_cents),
            ),
            (
                "Contant",
                euro(closing.cash_expected_cents),
                euro(closing.cash_counted_cents),
                signed_euro(closing.cash_difference_cents),
            ),
        )
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                label = QLabel(value)
                label.setObjectName("closingHead" if row == 0 or column == 0 else "closingCell")
                self.comparison.addWidget(label, row, column)

    def _close_failed(self, error: LoketError) -> None:
        log.warning("kas closing refused: %s", error.code)
        self.close_button.setEnabled(True)
        self.error_area.show_error(error)

    def _staff_name(self, username: str) -> str:
        """The kas keeps user names; the signed-in clerk's own lines show the name people know."""
        actor = self._actor()
        return actor.display_name if actor is not None and actor.username == username else username

    def _may_close(self) -> bool:
        actor = self._actor()
        return actor is not None and actor.may(Permission.CASH_CLOSE)
