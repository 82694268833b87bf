"""Pieces of the desk's payment panel that hold no widget: amount parsing, the finished-payment
payload and the panel's own styles. The receipt is built in the core (app.core.payment.receipt),
the same for desk and kiosk; `card_receipt` stays importable from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.payment.order import PaymentOrder
from app.core.payment.receipt import card_receipt
from app.core.payment.service import AmountInvalid
from app.core.payment.state import OPEN_STATES, PaymentState
from app.core.printing import cents_from_euro_text
from app.core.staff import Actor

__all__ = [
    "BUTTON_TEXTS",
    "PANEL_CSS",
    "RESOLVE_HINT",
    "TERMINAL_DONE",
    "UNDECIDED",
    "WORKING",
    "CashRecorder",
    "PaymentFinished",
    "amount_text",
    "card_receipt",
    "may_retry",
    "parse_amount",
]

#: the terminal works on the payment: only "Afbreken" makes sense now
WORKING = frozenset({PaymentState.SENT, PaymentState.IN_PROGRESS})
UNDECIDED = frozenset({PaymentState.UNKNOWN, PaymentState.RECOVERING, PaymentState.NEEDS_OPERATOR})
#: the terminal's last words no longer describe the payment: the state line alone says what happened
TERMINAL_DONE = UNDECIDED | {PaymentState.APPROVED, PaymentState.DECLINED, PaymentState.ABORTED}
RESOLVE_HINT = "Alleen een teamleider kan vastleggen of er betaald is. Vraag de teamleider. Start geen nieuwe betaling."

#: KasService.record_cash: takes cash and puts it in the desk's kas
CashRecorder = Callable[[Actor, int, str], object]
#: PaymentService.entries is used by default; this keyword stays for older callers


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
    cents = cents_from_euro_text(text.strip().removeprefix("€"))
    if cents is None or (cents == 0 and not allow_zero):
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


def may_retry(order: PaymentOrder | None, state: PaymentState) -> bool:
    """A new attempt only after a declined or aborted one, and never once anything was paid."""
    return (
        order is not None
        and not order.is_paid
        and state in (PaymentState.DECLINED, PaymentState.ABORTED)
        and all(attempt.state not in OPEN_STATES for attempt in order.attempts)
    )
