"""Events of the ID-card reader. Published by the reader's monitor thread on the EventBus; the Qt
bridge hands them to the UI thread. Local to this PC, so location 0 and never in the change log."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Event


@dataclass(frozen=True)
class IdCardInserted(Event):
    """A card was put on the reader (also published at start for a card that already lies there)."""

    reader: str


@dataclass(frozen=True)
class IdCardRemoved(Event):
    reader: str
