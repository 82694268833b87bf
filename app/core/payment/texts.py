"""Dutch texts (B1) per payment state, for the citizen at the kiosk and for staff at the desk.

Keyed by stable outcome codes so the UI can swap in translations. Every text for an open outcome
says "do not pay again": a second charge is the harm we most want to prevent.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from app.core.payment.state import PaymentState
from app.core.printing import euro

REASON_UNREACHABLE = "unreachable"  # no connection: the request was not delivered
REASON_BUSY = "busy"  # the terminal refused: busy with another transaction
REASON_STOPPED = "stopped_before_sending"  # aborted by a person before anything went out
REASON_PARTIAL = "partial_approval"  # approved, but for another amount than asked

# Why an attempt ended without the terminal deciding what we asked, for the desk and kiosk (B1).
REASON_TEXTS = MappingProxyType(
    {
        REASON_UNREACHABLE: "De betaalautomaat is niet bereikbaar. Er is niets afgeschreven. "
        "Kijk of de betaalautomaat aan staat en probeer het opnieuw.",
        REASON_BUSY: "De betaalautomaat is bezig met een andere betaling. Er is niets afgeschreven. "
        "Probeer het zo nog een keer.",
        REASON_STOPPED: "De betaling is gestopt voordat de betaalautomaat iets kreeg. Er is niets afgeschreven.",
        REASON_PARTIAL: "De betaalautomaat heeft een ander bedrag afgeschreven dan gevraagd. "
        "De betaling is nog niet rond. Start geen nieuwe betaling.",
    }
)


def reason_text(reason: str | None) -> str | None:
    """Dutch text for one of our own reasons; None for the terminal's own (shown as it gave them)."""
    return REASON_TEXTS.get(reason) if reason else None


def partial_text(asked_cents: int, approved_cents: int) -> OutcomeText:
    """The terminal approved another amount than asked: money moved, but the order is not paid."""
    asked, approved = euro(asked_cents), euro(approved_cents)
    return OutcomeText(
        kiosk=f"De betaalautomaat heeft {approved} afgeschreven in plaats van {asked}. "
        "De betaling is nog niet rond. Er komt een medewerker naar u toe. Betaal niet nog een keer.",
        desk=f"De betaalautomaat heeft {approved} goedgekeurd, maar de klant moet {asked} betalen. "
        "Regel het verschil met de klant (rest contant of geld terug) en leg de uitkomst vast. "
        "Start geen nieuwe betaling.",
    )


@dataclass(frozen=True)
class OutcomeText:
    kiosk: str
    desk: str


def outcome_code(state: PaymentState) -> str:
    return f"payment.{state.value}"


PAYMENT_TEXTS = MappingProxyType(
    {
        "payment.idle": OutcomeText(
            kiosk="U kunt betalen met uw bankpas.",
            desk="Nog niet betaald. Start de betaling als de klant klaar is.",
        ),
        "payment.sent": OutcomeText(
            kiosk="Even geduld. De betaalautomaat maakt zich klaar.",
            desk="De betaling is naar de betaalautomaat gestuurd.",
        ),
        "payment.in_progress": OutcomeText(
            kiosk="Betaal nu op de betaalautomaat. Volg wat op het scherm van de automaat staat.",
            desk="De klant betaalt nu op de betaalautomaat.",
        ),
        "payment.approved": OutcomeText(
            kiosk="De betaling is gelukt. Dank u wel.",
            desk="Betaling gelukt. Geef de klant de bon.",
        ),
        "payment.declined": OutcomeText(
            kiosk="De betaling is niet gelukt. Er is geen geld van uw rekening gegaan. "
            "U kunt het nog een keer proberen of hulp vragen.",
            desk="Betaling geweigerd. Er is niets afgeschreven. Vraag of de klant opnieuw wil betalen.",
        ),
        "payment.aborted": OutcomeText(
            kiosk="De betaling is gestopt. Er is geen geld van uw rekening gegaan.",
            desk="Betaling afgebroken. Er is niets afgeschreven. Start zo nodig een nieuwe betaling.",
        ),
        "payment.unknown": OutcomeText(
            kiosk="We weten nog niet of de betaling gelukt is. Blijf even staan. Betaal niet nog een keer.",
            desk="Uitkomst nog onbekend. Start geen nieuwe betaling. Loket vraagt de betaalautomaat wat er is gebeurd.",
        ),
        "payment.recovering": OutcomeText(
            kiosk="We kijken of de betaling gelukt is. Dit duurt even. Betaal niet nog een keer.",
            desk="Loket vraagt de status op bij de betaalautomaat. Start geen nieuwe betaling.",
        ),
        "payment.needs_operator": OutcomeText(
            kiosk="We kunnen niet zien of de betaling gelukt is. Er komt een medewerker naar u toe. "
            "Betaal niet nog een keer.",
            desk="Loket kan niet vaststellen of er betaald is. Kijk op de bon of in het overzicht van de "
            "betaalautomaat en leg de uitkomst vast. Start geen nieuwe betaling.",
        ),
    }
)


def text_for(state: PaymentState) -> OutcomeText:
    return PAYMENT_TEXTS[outcome_code(state)]
