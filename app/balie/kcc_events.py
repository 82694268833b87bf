"""KCC events (contacts, forwarded questions, knowledge articles) on the UI thread.

The shared EventBridge re-emits only the queue's events; this relay does the same queued hop
for the KCC's own, so a widget never runs on the watcher's thread. One relay per balie window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.core.events import ContactChanged, Event, EventBus, KnowledgeChanged, TaskChanged

log = logging.getLogger(__name__)


class KccEventRelay(QObject):
    #: a klantcontact was saved somewhere (ContactChanged)
    contact_changed = Signal(object)
    #: a forwarded question was created or answered somewhere (TaskChanged)
    task_changed = Signal(object)
    #: a redacteur saved a knowledge article somewhere (KnowledgeChanged)
    knowledge_changed = Signal(object)

    # Emitted on the publishing thread; connected queued so the slot runs on the UI thread.
    _received = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._received.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        unsubscribe = [bus.subscribe(event_type, self._on_bus_event) for event_type in _KINDS]
        # The relay dies with its window; the bus must not call into a deleted object.
        self.destroyed.connect(lambda *_: [stop() for stop in unsubscribe])
        self._unsubscribe = unsubscribe

    def _on_bus_event(self, event: Event) -> None:
        try:
            self._received.emit(event)
        except RuntimeError:  # deleted while the watcher still ran
            log.debug("relay verwijderd; event %s genegeerd", type(event).__name__)

    @Slot(object)
    def _dispatch(self, event: Event) -> None:
        if isinstance(event, ContactChanged):
            self.contact_changed.emit(event)
        elif isinstance(event, TaskChanged):
            self.task_changed.emit(event)
        elif isinstance(event, KnowledgeChanged):
            self.knowledge_changed.emit(event)

    def detach(self) -> None:
        for stop in self._unsubscribe:
            stop()
        self._unsubscribe = []


_KINDS: tuple[type[Event], ...] = (ContactChanged, TaskChanged, KnowledgeChanged)
