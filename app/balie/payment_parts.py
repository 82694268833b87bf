"""Pieces of the desk's payment panel that hold no widget: amount parsing, the finished-payment
payload and the panel's own styles. The receipt is built in the core (app.core.payment.receipt),
the same for desk and kiosk; `card_receipt` stays importable from here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.payment.receipt import card_receipt
from app.core.payment.service import AmountInvalid
from app.core.payment.state import PaymentState

__all__ = ["BUTTON_TEXTS", "PANEL_CSS", "PaymentFinished", "amount_text", "card_receipt", "parse_amount"]

_AMOUNT = re.compile(r"(?:€\s*)?(\d{1,5})(?:[.,](\d{2}))?")

PANEL_CSS = """
QLabel#paymentState { font-size: 24px; font-weight: 700; }
QLabel#paymentState[tone="good"] { color: #1D6B2E; }
QLabel#paymentState[tone="bad"] { color: #A3001B; }
QLabel#terminalText {
    font-size: 22px; font-weight: 600; background: #121A24; color: #FFFFFF; padding: 10px 14px;
    border-radius: 6px; font-family: "DejaVu Sans Mono", monospace;
}
QLabel#resolveHint {
    font-size: 18px; font-weight: 600; background: #FFF1C7; color: #3D2B00; padding: 8px 12px;
    border-radius: 6px;
}
"""


#: button attribute, text with its Alt key, accessible name
BUTTON_TEXTS = (
    ("card_button", "&Pinnen", "Betalen met de pinautomaat"),
    ("cash_button", "&Contant", "Contant betaald"),
    ("abort_button", "&Afbreken", "Betaling op de pinautomaat afbreken"),
    ("print_button", "Bon af&drukken", "Bon afdrukken voor de klant"),
    ("paid_button", "Wel &betaald", "Vastleggen: de klant heeft wel betaald"),
    ("not_paid_button", "&Niet betaald", "Vastleggen: de klant heeft niet betaald"),
    ("retry_button", "&Opnieuw proberen", "Nieuwe poging op de pinautomaat"),
    ("new_button", "Nieuwe b&etaling", "Klaar, nieuwe betaling invoeren"),
)


def parse_amount(text: str, *, allow_zero: bool = False) -> int:
    """'12,50', '12.50', '€ 12' → cents. Anything else is an AmountInvalid with a Dutch message."""
    match = _AMOUNT.fullmatch(text.strip())
    cents = int(match.group(1)) * 100 + int(match.group(2) or 0) if match else -1
    if cents < 0 or (cents == 0 and not allow_zero):
        raise AmountInvalid("Vul een bedrag in euro in, bijvoorbeeld 77,87.")
    return cents


def amount_text(cents: int) -> str:
    """What goes back into the amount field: '77,87' (no € sign, no thousands dot)."""
    return f"{cents // 100},{cents % 100:02d}"


@dataclass(frozen=True)
class PaymentFinished:
    """A payment reached its end: approved, declined, aborted (card), or cash taken."""

    order_id: str  # empty for cash
    state: PaymentState  # APPROVED, DECLINED or ABORTED
    amount_cents: int
    description: str
    method: str  # "pin" or "contant"
    decided_by: str | None = None  # set when a team lead recorded the outcome
