"""Reading the terminal's answers (decrypted, verified nexo JSON) into the core's payment types.

Only typed PaymentErrors come out: MessageInvalid for anything malformed, TerminalBusy when the
terminal says it is busy, TerminalRefused when a totals request was refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs

from app.core.payment.errors import MessageInvalid, PaymentError
from app.core.payment.ports import StatusReply, TerminalBusy, TerminalResult, TerminalTotals
from app.core.payment.state import Outcome, StatusResult
from app.hardware.payment.nexo_messages import (
    RESPONSE,
    Category,
    ErrorCondition,
    Header,
    Json,
    MessageType,
    Result,
    integer,
    json_to_cents,
    obj,
    objects,
    opt_obj,
    opt_text,
    split_message,
    text,
)

MAX_RECEIPT_LINES = 200
MAX_LINE = 120
_BODY_OF = {
    Category.PAYMENT: "PaymentResponse",
    Category.TRANSACTION_STATUS: "TransactionStatusResponse",
    Category.RECONCILIATION: "ReconciliationResponse",
    Category.GET_TOTALS: "GetTotalsResponse",
    Category.DISPLAY: "DisplayResponse",
    Category.PRINT: "PrintResponse",
}
_ABORTED = {ErrorCondition.CANCEL.value, ErrorCondition.ABORTED.value}
_BUSY = {ErrorCondition.BUSY.value, ErrorCondition.IN_PROGRESS.value}


class TerminalRefused(PaymentError):
    """The terminal answered a service request (totals, display) with a failure."""

    code = "payment.terminal_refused"


@dataclass(frozen=True)
class ResponseStatus:
    result: str
    error_condition: str | None
    additional: dict[str, str]

    @property
    def success(self) -> bool:
        return self.result == Result.SUCCESS


def response_body(message: object, category: Category, service_id: str, poi_id: str) -> tuple[Header, Json]:
    """The `<Category>Response` object of an answer to our request with `service_id`."""
    kind, header, body = split_message(message)
    if kind != RESPONSE or header.message_type != MessageType.RESPONSE:
        raise MessageInvalid("Het antwoord is geen SaleToPOIResponse.")
    if header.category != category.value:
        raise MessageInvalid("Het antwoord hoort bij een ander soort verzoek.", category=header.category[:32])
    if header.service_id != service_id or header.poi_id != poi_id:
        raise MessageInvalid("Het antwoord hoort bij een ander verzoek of een andere betaalautomaat.")
    return header, obj(body, _BODY_OF[category])


def response_status(body: Json) -> ResponseStatus:
    raw = obj(body, "Response")
    result = text(raw, "Result", 16)
    if result not in {r.value for r in Result}:
        raise MessageInvalid("Onbekende uitkomst in het antwoord.", field="Result")
    additional = _form_fields(opt_text(raw, "AdditionalResponse", 8192) or "")
    return ResponseStatus(result, opt_text(raw, "ErrorCondition", 32), additional)


def payment_result(body: Json, service_id: str) -> TerminalResult:
    """A PaymentResponse as a TerminalResult. Busy/InProgress raise TerminalBusy: nothing charged."""
    status = response_status(body)
    cashier, customer = receipts(body)
    poi_data = opt_obj(body, "POIData")
    reference = None
    if poi_data is not None:
        poi_transaction = opt_obj(poi_data, "POITransactionID")
        reference = opt_text(poi_transaction, "TransactionID", 128) if poi_transaction else None
    if status.result == Result.FAILURE:
        condition = status.error_condition or ""
        if condition in _BUSY:
            raise TerminalBusy("De betaalautomaat is bezig met een andere betaling.")
        outcome = Outcome.ABORTED if condition in _ABORTED else Outcome.DECLINED
        reason = status.additional.get("refusalReason") or status.additional.get("message") or condition
        return TerminalResult(
            outcome=outcome,
            service_id=service_id,
            amount_cents=0,
            terminal_reference=reference,
            reason=_clean(reason)[:MAX_LINE] or None,
            cardholder_receipt=customer,
            merchant_receipt=cashier,
        )
    result = obj(body, "PaymentResult")
    amounts = obj(result, "AmountsResp")
    authorised = json_to_cents(amounts.get("AuthorizedAmount"), "AuthorizedAmount")
    instrument = opt_obj(result, "PaymentInstrumentData")
    card = opt_obj(instrument, "CardData") if instrument else None
    acquirer = opt_obj(result, "PaymentAcquirerData")
    return TerminalResult(
        outcome=Outcome.APPROVED,
        service_id=service_id,
        amount_cents=authorised,
        approval_code=opt_text(acquirer, "ApprovalCode", 32) if acquirer else None,
        masked_pan=mask_pan(opt_text(card, "MaskedPAN", 32)) if card else None,
        card_brand=opt_text(card, "PaymentBrand", 64) if card else None,
        terminal_reference=reference,
        reason=Result.PARTIAL.value if status.result == Result.PARTIAL else None,
        cardholder_receipt=customer,
        merchant_receipt=cashier,
    )


def status_reply(body: Json, payment_service_id: str) -> StatusReply:
    """A TransactionStatusResponse about the payment with `payment_service_id`."""
    status = response_status(body)
    if not status.success:
        if status.error_condition == ErrorCondition.IN_PROGRESS:
            return StatusReply(StatusResult.STILL_IN_PROGRESS)
        if status.error_condition == ErrorCondition.NOT_FOUND:
            return StatusReply(StatusResult.NOT_FOUND)
        return StatusReply(StatusResult.UNDECIDABLE)
    repeated = obj(body, "RepeatedMessageResponse")
    original = obj(repeated, "MessageHeader")
    if text(original, "ServiceID", 10) != payment_service_id:
        raise MessageInvalid("Het statusantwoord gaat over een andere betaling.")
    if text(original, "MessageCategory", 32) != Category.PAYMENT:
        return StatusReply(StatusResult.UNDECIDABLE)
    inner = obj(repeated, "RepeatedResponseMessageBody")
    try:
        payment = payment_result(obj(inner, "PaymentResponse"), payment_service_id)
    except TerminalBusy:
        # The original was refused as busy: it never started, so nothing was charged.
        payment = TerminalResult(Outcome.DECLINED, payment_service_id, 0, reason=ErrorCondition.BUSY.value)
    return StatusReply(StatusResult(payment.outcome.value), payment)


def totals(body: Json) -> TerminalTotals:
    """Card debits in a ReconciliationResponse or GetTotalsResponse."""
    status = response_status(body)
    if not status.success:
        raise TerminalRefused("De betaalautomaat gaf geen totalen.", condition=(status.error_condition or "")[:32])
    count = 0
    cents = 0
    for group in objects(body, "TransactionTotals"):
        for line in objects(group, "PaymentTotals"):
            if text(line, "TransactionType", 32) == "Debit":
                count += integer(line, "TransactionCount", 10**7)
                cents += json_to_cents(line.get("TransactionAmount"), "TransactionAmount")
    period = body.get("POIReconciliationID")
    if isinstance(period, bool) or not isinstance(period, int | str | None):
        raise MessageInvalid("Het veld POIReconciliationID is ongeldig.", field="POIReconciliationID")
    reference = None if period is None else str(period)[:32]
    return TerminalTotals(approved_count=count, approved_cents=cents, period_reference=reference)


def receipts(body: Json) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(cashier, customer) receipt lines, each Adyen key/value line turned into plain text."""
    cashier: list[str] = []
    customer: list[str] = []
    for receipt in objects(body, "PaymentReceipt", 8):
        qualifier = text(receipt, "DocumentQualifier", 32)
        content = obj(receipt, "OutputContent")
        lines = [receipt_line(text(item, "Text", 2048)) for item in objects(content, "OutputText", MAX_RECEIPT_LINES)]
        target = customer if qualifier == "CustomerReceipt" else cashier if qualifier == "CashierReceipt" else None
        if target is not None:
            target.extend(line for line in lines if line is not None)
    return tuple(cashier), tuple(customer)


def receipt_line(raw: str) -> str | None:
    """`key=..&name=..&value=..` → "name: value" (a filler line becomes empty; None when no text)."""
    fields = _form_fields(raw)
    if not fields:
        return _clean(raw)[:MAX_LINE]
    name = _clean(fields.get("name", ""))
    value = _clean(fields.get("value", ""))
    if fields.get("key") == "filler" or (not name and not value):
        return ""
    line = f"{name}: {value}" if name and value else name or value
    return line[:MAX_LINE]


def mask_pan(pan: str | None) -> str | None:
    """Only the last four digits stay visible, whatever the terminal sent."""
    if not pan:
        return None
    digits = [c for c in pan if c.isdigit()]
    last = "".join(digits[-4:])
    return f"**** {last}" if last else None


def _form_fields(raw: str) -> dict[str, str]:
    if "=" not in raw:
        return {}
    try:
        parsed = parse_qs(raw, keep_blank_values=True, max_num_fields=64)
    except ValueError as error:
        raise MessageInvalid("Een tekstregel van de betaalautomaat is onleesbaar.") from error
    return {key: values[0] for key, values in parsed.items() if values}


_CONTROL = re.compile(r"\s+")


def _clean(value: str) -> str:
    """No control characters on a printed receipt (escape codes would drive the printer)."""
    kept = "".join(" " if unicodedata.category(c).startswith("C") else c for c in value)
    return _CONTROL.sub(" ", kept).strip()
