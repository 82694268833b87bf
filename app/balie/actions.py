"""What a desk may do, by the state of the visitor in front of it, and the key for each."""

from __future__ import annotations

import enum

from app.core.queue.model import TicketState


class Action(enum.Enum):
    NEXT = "next"
    RECALL = "recall"
    NO_SHOW = "no_show"
    START = "start"
    PAUSE = "pause"  # hold or resume, by state
    TRANSFER = "transfer"
    FINISH = "finish"


def allowed_actions(state: TicketState | None, waiting: int) -> set[Action]:
    """What the desk may do now. Mirrors the ticket's transitions in the core, which still
    has the last word (another desk may have taken the last visitor a moment ago)."""
    if state is None:
        return {Action.NEXT} if waiting > 0 else set()
    if state is TicketState.CALLED:
        return {Action.RECALL, Action.NO_SHOW, Action.START, Action.TRANSFER}
    if state in (TicketState.SERVING, TicketState.ON_HOLD):
        return {Action.PAUSE, Action.TRANSFER, Action.FINISH}
    return set()


#: key, label, accessible name of each action button
BUTTONS: dict[Action, tuple[str, str, str]] = {
    Action.NEXT: ("F1", "Volgende", "Volgende bezoeker oproepen"),
    Action.RECALL: ("F2", "Opnieuw roepen", "Bezoeker opnieuw oproepen"),
    Action.NO_SHOW: ("F3", "Niet verschenen", "Bezoeker is niet verschenen"),
    Action.START: ("F4", "Start", "Gesprek starten"),
    Action.PAUSE: ("F5", "Pauze", "Gesprek pauzeren"),
    Action.TRANSFER: ("F6", "Doorsturen", "Bezoeker doorsturen"),
    Action.FINISH: ("F7", "Afronden", "Gesprek afronden"),
}
