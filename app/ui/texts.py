"""Dutch (B1) phrasing shared by the screens: bands, durations, states, outcomes."""

from __future__ import annotations

from datetime import timedelta

from app.core.queue.model import Outcome, TicketState


def band_text(band: tuple[int, int] | None) -> str:
    """'ca. 10–20 min'; an estimate, never a promise."""
    if band is None:
        return "nu geen balie open"
    low, high = band
    if low == 0:
        return f"minder dan {high} min"
    return f"ca. {low}–{high} min"


def duration_text(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "minder dan 1 min"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} uur {minutes % 60} min"


def people_text(count: int) -> str:
    if count == 0:
        return "U bent de volgende"
    if count == 1:
        return "Er is 1 persoon voor u"
    return f"Er zijn {count} personen voor u"


STATE_TEXT = {
    TicketState.WAITING: "Wacht",
    TicketState.CALLED: "Opgeroepen",
    TicketState.SERVING: "In gesprek",
    TicketState.ON_HOLD: "Gepauzeerd",
    TicketState.DONE: "Afgerond",
    TicketState.NO_SHOW: "Niet verschenen",
    TicketState.CANCELLED: "Geannuleerd",
}

OUTCOME_TEXT = {
    Outcome.HANDLED: "Afgehandeld",
    Outcome.FORWARDED: "Doorgestuurd naar backoffice",
    Outcome.REFERRED: "Verwezen",
}
