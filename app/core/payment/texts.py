"""Dutch texts (B1) per payment state, for the citizen at the kiosk and for staff at the desk.

Keyed by stable outcome codes so the UI can swap in translations. Every text for an open outcome
says "do not pay again": a second charge is the harm we most want to prevent.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from app.core.payment.state import PaymentState


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
