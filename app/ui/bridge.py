"""The one QObject between the core's EventBus and the widgets.

The watcher publishes on its own thread; the bridge hands every event to the UI thread
through a queued connection and re-emits it as a typed Qt signal there. No widget is ever
touched from another thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.core.events import (
    DatabaseStatusChanged,
    DayReset,
    DeskChanged,
    DeviceAlert,
    Event,
    EventBus,
    ServiceChanged,
    TicketCalled,
    TicketChanged,
    TicketIssued,
)
from app.core.identity.events import IdCardInserted, IdCardRemoved

log = logging.getLogger(__name__)

_QUEUE_EVENTS = (TicketIssued, TicketCalled, TicketChanged, DeskChanged, ServiceChanged, DayReset)


class EventBridge(QObject):
    """Re-emits core events as signals on the UI thread. Payloads are the event dataclasses."""

    #: a ticket was issued (TicketIssued)
    ticket_issued = Signal(object)
    #: a desk called or recalled a ticket (TicketCalled); the display chimes on it
    ticket_called = Signal(object)
    #: any other state change of a ticket (TicketChanged)
    ticket_changed = Signal(object)
    #: a desk was opened or closed (DeskChanged)
    desk_changed = Signal(object)
    #: a service was opened or closed (ServiceChanged)
    service_changed = Signal(object)
    #: the business day started over (DayReset)
    day_reset = Signal(object)
    #: any of the events above: screens that show the whole queue refresh on this
    queue_changed = Signal(object)
    #: the database went away or came back (DatabaseStatusChanged)
    database_status_changed = Signal(object)
    #: a device needs a person, e.g. a kiosk printer out of paper (DeviceAlert); the host shows it
    device_alert = Signal(object)

    #: an ID card was put on the reader (IdCardInserted), from the reader's monitor thread
    id_card_inserted = Signal(object)
    #: the ID card was taken off the reader (IdCardRemoved)
    id_card_removed = Signal(object)

    # Emitted on the publishing thread; connected queued so the slot runs on the UI thread.
    _received = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._received.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(Event, self._on_bus_event)

    def _on_bus_event(self, event: Event) -> None:
        try:
            self._received.emit(event)
        except RuntimeError:  # the bridge was deleted while the watcher still ran
            log.debug("bridge verwijderd; event %s genegeerd", type(event).__name__)

    @Slot(object)
    def _dispatch(self, event: Event) -> None:
        if isinstance(event, DatabaseStatusChanged):
            self.database_status_changed.emit(event)
            return
        signal = {
            TicketIssued: self.ticket_issued,
            TicketCalled: self.ticket_called,
            TicketChanged: self.ticket_changed,
            DeskChanged: self.desk_changed,
            ServiceChanged: self.service_changed,
            DayReset: self.day_reset,
            DeviceAlert: self.device_alert,
            IdCardInserted: self.id_card_inserted,
            IdCardRemoved: self.id_card_removed,
        }.get(type(event))
        if signal is not None:
            signal.emit(event)
        if isinstance(event, _QUEUE_EVENTS):
            self.queue_changed.emit(event)

    def detach(self) -> None:
        """Stop listening to the bus (on shutdown, before the watcher stops)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
