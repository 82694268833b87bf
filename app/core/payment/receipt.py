"""The legesnota of an approved card payment, built from the journal: the same receipt at the desk
and at the kiosk. Pure: the printing is the caller's (through its ReceiptPrinter)."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.payment.errors import PaymentError
from app.core.payment.journal import JournalEntry
from app.core.payment.state import PaymentState
from app.core.printing import CardPayment, Receipt, ReceiptLine


class ReceiptUnavailable(PaymentError):
    """Only an approved payment gets a receipt."""

    code = "payment.no_receipt"


def card_receipt(entry: JournalEntry, location: str, point: str, tariff_item: str = "") -> Receipt:
    """The receipt of one approved attempt; the terminal's cardholder receipt is printed verbatim.
    The amount is what the order asked (an approval for another amount never reaches APPROVED
    by itself: a person decides it)."""
    if entry.state is not PaymentState.APPROVED:
        raise ReceiptUnavailable("Er is geen gelukte betaling om een bon van te maken.", order_id=entry.order_id)
    payment = CardPayment(
        method="pin",
        terminal_id=entry.poi_id,
        masked_card=entry.masked_pan or "",
        approval_code=entry.approval_code or "",
        reference=entry.terminal_reference or "",
        cardholder_receipt=entry.cardholder_receipt,
    )
    return Receipt(
        number=entry.order_id,
        issued_at=entry.updated_at,
        location=location,
        point=point or entry.workstation,
        lines=(ReceiptLine(entry.description, tariff_item, 1, entry.amount_cents),),
        payment=payment,
    )


def order_receipt(entries: Sequence[JournalEntry], location: str, point: str = "", tariff_item: str = "") -> Receipt:
    """The receipt of an order from its journal entries (PaymentService.entries): the approved
    attempt's. `point` defaults to the workstation that took the payment."""
    approved = [entry for entry in entries if entry.state is PaymentState.APPROVED]
    if not approved:
        order_id = entries[0].order_id if entries else ""
        raise ReceiptUnavailable("Er is geen gelukte betaling om een bon van te maken.", order_id=order_id)
    return card_receipt(approved[-1], location, point, tariff_item)
