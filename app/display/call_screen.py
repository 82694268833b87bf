"""Waiting-room call screen: the newest call large and highlighted, the ones before below.

Dark and calm so it does not glare across the hall; every call flashes briefly and chimes.
The data comes from TicketCalled events; the first picture from a snapshot of who is at a desk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.events import TicketCalled
from app.core.queue.model import PeriodKind
from app.core.queue.service import QueueService, QueueSnapshot
from app.ui.bridge import EventBridge
from app.ui.sound import Chime
from app.ui.tasks import TaskRunner
from app.ui.theme import display_style
from app.ui.widgets import OfflineBanner, stop_timers

log = logging.getLogger(__name__)

#: a call older than this (heard while catching up after an outage) is shown, not announced
STALE_AFTER = timedelta(minutes=2)
#: how many calls the screen shows (the newest plus the ones before it)
SHOWN_CALLS = 6
#: the newest call switches colour this many times, then keeps only its accent border
FLASH_TOGGLES = 6
FLASH_INTERVAL_MS = 450


@dataclass(frozen=True)
class Call:
    ticket_id: int
    number: str
    desk_name: str
    called_at: str  # ISO, for ordering the first picture


class CallScreen(QWidget):
    def __init__(
        self,
        queue: QueueService,
        clock: Clock,
        location_id: int,
        runner: TaskRunner,
        bridge: EventBridge,
        chime: Chime,
        *,
        text_scale: float = 1.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._location_id = location_id
        self._chime = chime
        self._timezone = ZoneInfo("Europe/Amsterdam")
        self._location_name = ""
        self.calls: list[Call] = []
        self.setObjectName("displayRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(display_style(scale=text_scale))
        self._build(bridge)
        self.flash_timer = QTimer(self)
        self.flash_timer.setInterval(FLASH_INTERVAL_MS)
        self.flash_timer.timeout.connect(self._flash_step)
        self._flashes_left = 0
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(1000)
        self.clock_timer.timeout.connect(self._update_clock)
        self.clock_timer.start()
        bridge.ticket_called.connect(self.on_ticket_called)
        self.retranslate_ui()
        runner.run(lambda: queue.snapshot(location_id), self._show_first_picture, self._load_failed)

    def closeEvent(self, event: QCloseEvent) -> None:
        stop_timers(self)
        super().closeEvent(event)

    def _build(self, bridge: EventBridge) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.offline_banner = OfflineBanner(bridge)
        root.addWidget(self.offline_banner)
        content = QVBoxLayout()
        content.setContentsMargins(72, 40, 72, 48)
        content.setSpacing(28)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("displayTitle")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("displayClock")
        top.addWidget(self.title, 1)
        top.addWidget(self.clock_label)
        content.addLayout(top)

        self.newest = QFrame()
        self.newest.setObjectName("newestCall")
        self.newest.setProperty("flash", "false")
        newest_row = QHBoxLayout(self.newest)
        newest_row.setContentsMargins(64, 28, 64, 28)
        self.newest_number = QLabel()
        self.newest_number.setObjectName("newestNumber")
        self.newest_arrow = QLabel("→")
        self.newest_arrow.setObjectName("newestArrow")
        self.newest_desk = QLabel()
        self.newest_desk.setObjectName("newestDesk")
        newest_row.addWidget(self.newest_number)
        newest_row.addStretch(1)
        newest_row.addWidget(self.newest_arrow)
        newest_row.addStretch(1)
        newest_row.addWidget(self.newest_desk)
        content.addWidget(self.newest)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("displayEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        content.addWidget(self.empty_label, 1)

        self.history_caption = QLabel()
        self.history_caption.setObjectName("historyCaption")
        content.addWidget(self.history_caption)
        self.history = QGridLayout()
        self.history.setHorizontalSpacing(48)
        self.history.setVerticalSpacing(16)
        self.history_rows: list[tuple[QLabel, QLabel]] = []
        for index in range(SHOWN_CALLS - 1):
            number, desk = QLabel(), QLabel()
            number.setObjectName("historyNumber")
            desk.setObjectName("historyDesk")
            # two columns of rows: the eye reads down the left, then the right
            column = (index // 3) * 2
            self.history.addWidget(number, index % 3, column)
            self.history.addWidget(desk, index % 3, column + 1)
            self.history_rows.append((number, desk))
        self.history.setColumnStretch(1, 1)
        self.history.setColumnStretch(3, 1)
        content.addLayout(self.history)
        content.addStretch(1)
        self.guidance = QLabel()
        self.guidance.setObjectName("historyCaption")
        self.guidance.setWordWrap(True)
        content.addWidget(self.guidance)
        root.addLayout(content, 1)

    def retranslate_ui(self) -> None:
        self.setWindowTitle("Loket – oproepscherm")
        self.setAccessibleName("Oproepscherm wachtruimte")
        self.title.setText(f"{self._location_name} · Oproepen" if self._location_name else "Oproepen")
        self.empty_label.setText("Welkom. Hier ziet u straks uw nummer en de balie waar u heen gaat.")
        self.history_caption.setText("Eerder opgeroepen")
        self.guidance.setText("Ziet u uw nummer? Ga dan naar de balie die erbij staat.")
        self.offline_banner.retranslate_ui()
        self._show_calls()
        self._update_clock()

    # --- calls ---------------------------------------------------------------------------

    def on_ticket_called(self, event: TicketCalled) -> None:
        if event.location_id != self._location_id:
            return
        self._add(Call(event.ticket_id, event.number, event.desk_name, event.called_at))
        if self._is_stale(event.called_at):
            log.info("oude oproep %s → %s getoond zonder geluid", event.number, event.desk_name)
            return
        log.info("oproep %s → %s", event.number, event.desk_name)
        self._chime.play()
        self._start_flash()

    def _is_stale(self, called_at: str) -> bool:
        try:
            moment = datetime.fromisoformat(called_at)
        except ValueError:
            return False
        return self._clock.now() - moment > STALE_AFTER

    def _add(self, call: Call) -> None:
        # A recall or a second call moves the ticket to the top instead of showing it twice.
        self.calls = [call, *(c for c in self.calls if c.ticket_id != call.ticket_id)][:SHOWN_CALLS]
        self._show_calls()

    def _show_first_picture(self, snapshot: QueueSnapshot) -> None:
        self._location_name = snapshot.location.name
        self._timezone = ZoneInfo(snapshot.location.timezone)
        desks = {d.id: d.name for d in snapshot.desks}
        known = {c.ticket_id for c in self.calls}
        found = []
        for ticket in snapshot.at_desks:
            called = [p for p in ticket.periods if p.kind is PeriodKind.CALLED]
            if ticket.id is None or ticket.id in known or not called or ticket.desk_id not in desks:
                continue
            found.append(Call(ticket.id, ticket.number, desks[ticket.desk_id], called[-1].started_at.isoformat()))
        found.sort(key=lambda c: c.called_at, reverse=True)
        # Calls heard while loading are newer than anything in the snapshot.
        self.calls = [*self.calls, *found][:SHOWN_CALLS]
        self.retranslate_ui()

    def _load_failed(self, error: LoketError) -> None:
        log.warning("oproepscherm kon de beginstand niet laden: %s", error.code)

    def _show_calls(self) -> None:
        has_calls = bool(self.calls)
        self.newest.setVisible(has_calls)
        self.empty_label.setVisible(not has_calls)
        self.history_caption.setVisible(len(self.calls) > 1)
        if has_calls:
            newest = self.calls[0]
            self.newest_number.setText(newest.number)
            self.newest_desk.setText(newest.desk_name)
            self.newest.setAccessibleName(f"{newest.number} naar {newest.desk_name}")
        for index, (number, desk) in enumerate(self.history_rows, start=1):
            call = self.calls[index] if index < len(self.calls) else None
            number.setText(call.number if call else "")
            desk.setText(call.desk_name if call else "")

    def newest_text(self) -> str:
        """What the big panel says, as a sentence: 'A012 → Balie 3'."""
        if not self.calls:
            return ""
        return f"{self.calls[0].number} → {self.calls[0].desk_name}"

    # --- flashing and time ---------------------------------------------------------------

    def _start_flash(self) -> None:
        self._flashes_left = FLASH_TOGGLES
        self._set_flash(True)
        self.flash_timer.start()

    def _flash_step(self) -> None:
        self._flashes_left -= 1
        if self._flashes_left <= 0:
            self.flash_timer.stop()
            self._set_flash(False)  # the accent border keeps the newest call easy to find
            return
        self._set_flash(self._flashes_left % 2 == 0)

    @property
    def flashing(self) -> bool:
        return bool(self.newest.property("flash") == "true")

    def _set_flash(self, on: bool) -> None:
        self.newest.setProperty("flash", "true" if on else "false")
        for widget in (self.newest, self.newest_number, self.newest_arrow, self.newest_desk):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def _update_clock(self) -> None:
        self.clock_label.setText(self._clock.now().astimezone(self._timezone).strftime("%H:%M"))
