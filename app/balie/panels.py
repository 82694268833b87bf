"""Small parts of the desk: the waiting counts, where to transfer a visitor, how a visit ended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.queue.model import Desk, Outcome, Service
from app.core.queue.service import QueueSnapshot
from app.ui.texts import OUTCOME_TEXT, duration_text


class QueueCountsPanel(QFrame):
    """Waiting visitors per service of this desk, with the longest wait."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        self.title = QLabel()
        self.title.setObjectName("fieldLabel")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(0, 1)
        self._rows: list[tuple[QLabel, QLabel, QLabel]] = []
        layout.addLayout(self.grid)
        self.total_label = QLabel()
        self.total_label.setObjectName("muted")
        self.total_label.setWordWrap(True)
        layout.addWidget(self.total_label)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText("Wachtenden voor mijn diensten")

    def show_counts(self, snapshot: QueueSnapshot, desk: Desk | None, callable_count: int) -> None:
        statuses = {s.service.id: s for s in snapshot.services}
        mine = [statuses[i] for i in (desk.service_ids if desk else ()) if i in statuses]
        while len(self._rows) < len(mine):
            self._add_row()
        for index, (name, longest, count) in enumerate(self._rows):
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
        self.total_label.setText(f"U kunt {callable_count} bezoekers oproepen")

    def _add_row(self) -> None:
        # Rows are reused: a refresh must not flicker or leave stale labels behind.
        row = len(self._rows) * 2
        name, longest, count = QLabel(), QLabel(), QLabel()
        name.setObjectName("countName")
        name.setWordWrap(True)
        longest.setObjectName("muted")
        count.setObjectName("countValue")
        count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.grid.addWidget(name, row, 0)
        self.grid.addWidget(longest, row + 1, 0)
        self.grid.addWidget(count, row, 1, 2, 1)
        self._rows.append((name, longest, count))


@dataclass(frozen=True)
class TransferTarget:
    """Where a visitor goes: another dienst, or a given balie (keeping the dienst)."""

    service_id: int | None
    desk_id: int | None
    front: bool


class TransferPanel(QFrame):
    #: the clerk confirmed a transfer
    transfer_confirmed = Signal(object)  # TransferTarget
    #: the clerk changed their mind
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.title = QLabel()
        self.title.setObjectName("fieldLabel")
        self.target_combo = QComboBox()
        self.title.setBuddy(self.target_combo)
        self.front_check = QCheckBox()
        self.front_check.setChecked(True)
        self.confirm_button = QPushButton()
        self.confirm_button.setProperty("role", "primary")
        self.cancel_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.front_check, 1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout.addWidget(self.title)
        layout.addWidget(self.target_combo)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self.cancelled)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText("&Doorsturen naar")
        self.target_combo.setAccessibleName("Doorsturen naar dienst of balie")
        self.target_combo.view().setAccessibleName("Lijst met diensten en balies")
        self.front_check.setText("Vooraan in de rij")
        self.front_check.setAccessibleName("Vooraan in de rij")
        self.front_check.setToolTip("De bezoeker heeft al gewacht en komt als eerste aan de beurt")
        self.confirm_button.setText("Doorsturen")
        self.confirm_button.setAccessibleName("Doorsturen bevestigen")
        self.cancel_button.setText("Annuleren (Esc)")
        self.cancel_button.setShortcut(QKeySequence("Esc"))  # setText resets shortcuts
        self.cancel_button.setAccessibleName("Doorsturen annuleren")

    def offer(self, services: Sequence[Service], desks: Sequence[Desk], current_service_id: int, own_desk: int) -> None:
        """Other services, then other desks that help with the visitor's current service."""
        self.target_combo.clear()
        for service in services:
            if service.id != current_service_id:
                self.target_combo.addItem(f"Dienst: {service.name_nl}", (service.id, None))
        for desk in desks:
            if desk.id != own_desk and current_service_id in desk.service_ids:
                state = "open" if desk.is_open else "nu dicht"
                self.target_combo.addItem(f"{desk.name} ({state})", (None, desk.id))
        self.front_check.setChecked(True)
        self.target_combo.setFocus()

    def _confirm(self) -> None:
        data = self.target_combo.currentData()
        if data is None:
            return
        service_id, desk_id = data
        self.transfer_confirmed.emit(TransferTarget(service_id, desk_id, self.front_check.isChecked()))


class FinishPanel(QFrame):
    """Finishing asks for the outcome every time: registration feeds management information."""

    #: the clerk chose how the visit ended
    outcome_chosen = Signal(object)  # Outcome
    cancelled = Signal()

    OUTCOMES = (Outcome.HANDLED, Outcome.FORWARDED, Outcome.REFERRED)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 10)  # low enough to fit beside the KCC workspace
        self.title = QLabel()
        self.title.setObjectName("fieldLabel")
        layout.addWidget(self.title)
        grid = QGridLayout()
        self.outcome_buttons: dict[Outcome, QPushButton] = {}
        for index, outcome in enumerate(self.OUTCOMES):
            button = QPushButton()
            button.clicked.connect(lambda _=False, o=outcome: self.outcome_chosen.emit(o))
            self.outcome_buttons[outcome] = button
            grid.addWidget(button, index // 2, index % 2)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancelled)
        grid.addWidget(self.cancel_button, 1, 1)
        layout.addLayout(grid)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText("Hoe is het gesprek afgerond?")
        for number, (outcome, button) in enumerate(self.outcome_buttons.items(), start=1):
            button.setText(f"{number}  {OUTCOME_TEXT[outcome]}")
            button.setShortcut(QKeySequence(str(number)))  # setText resets shortcuts
            button.setAccessibleName(f"Afronden: {OUTCOME_TEXT[outcome]} (toets {number})")
        self.cancel_button.setText("Annuleren (Esc)")
        self.cancel_button.setShortcut(QKeySequence("Esc"))
        self.cancel_button.setAccessibleName("Afronden annuleren")

    def focus_first(self, suggested: Outcome = Outcome.HANDLED) -> None:
        """Focus the suggested outcome (e.g. "doorgestuurd" after forwarding): Enter confirms it."""
        self.outcome_buttons.get(suggested, self.outcome_buttons[Outcome.HANDLED]).setFocus()
