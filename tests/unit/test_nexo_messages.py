"""nexo JSON messages: exact amounts, Adyen receipt lines, and the mapping of answers to outcomes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.payment.errors import MessageInvalid
from app.core.payment.ports import TerminalBusy
from app.core.payment.state import Outcome, StatusResult
from app.hardware.payment import nexo_sim_responses as out
from app.hardware.payment.nexo_messages import (
    MAX_AMOUNT_CENTS,
    Category,
    ErrorCondition,
    Header,
    cents_to_json,
    json_to_cents,
    payment_request,
    transaction_status_request,
)
from app.hardware.payment.nexo_parse import (
    mask_pan,
    payment_result,
    receipt_line,
    response_body,
    status_reply,
    totals,
)

MOMENT = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
HEADER = Header.request(Category.PAYMENT, "A1b2C3d4E5", "LOKET-BALIE-3", "V400m-324688179")


def wire(cents: int) -> int:
    """Cents → JSON text → parsed JSON → cents, as the amount travels to the terminal and back."""
    return json_to_cents(json.loads(json.dumps(cents_to_json(cents))))


@pytest.mark.parametrize(
    ("text", "cents"), [("77.87", 7787), ("0.01", 1), ("155.96", 15596), ("0.1", 10), ("12", 1200)]
)
def test_json_euros_to_cents_exactly(text: str, cents: int) -> None:
    assert json_to_cents(json.loads(text)) == cents
    assert json_to_cents(json.loads(text, parse_float=Decimal)) == cents


def test_request_carries_the_decimal_amount_as_written() -> None:
    message = payment_request(HEADER, "leges-17", MOMENT, "EUR", 7787)
    text = json.dumps(message, separators=(",", ":"))
    assert '"RequestedAmount":77.87' in text
    assert '"TimeStamp":"2026-11-23T14:00:00.000Z"' in text
    assert wire(1) == 1


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_CENTS))
def test_every_amount_survives_the_wire(cents: int) -> None:
    assert wire(cents) == cents


@pytest.mark.parametrize(
    "value", [0.001, 77.875, 1e308, float("nan"), float("inf"), -0.01, True, "77.87", None, [], 10**30, 1e-320]
)
def test_amounts_that_are_not_cents_are_refused(value: object) -> None:
    with pytest.raises(MessageInvalid):
        json_to_cents(value)


@pytest.mark.parametrize("cents", [-1, MAX_AMOUNT_CENTS + 1, True])
def test_amounts_we_never_send(cents: int) -> None:
    with pytest.raises(MessageInvalid):
        cents_to_json(cents)


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("key=header1&name=Gemeente+Loket&value=", "Gemeente Loket"),
        ("name=Totaal&value=EUR%2077%2C87&key=totalAmount", "Totaal: EUR 77,87"),
        ("key=filler&name=&value=", ""),
        ("key=approved&name=&value=GOEDGEKEURD", "GOEDGEKEURD"),
        ("name=%1B%40Printer%0Areset&value=x", "@Printer reset: x"),
        ("plain text", "plain text"),
    ],
)
def test_adyen_receipt_lines_become_plain_lines(raw: str, line: str) -> None:
    assert receipt_line(raw) == line


@pytest.mark.parametrize(
    ("pan", "shown"),
    [("670300 **** 0008", "**** 0008"), ("4111111111111111", "**** 1111"), ("****", None), ("", None)],
)
def test_only_the_last_four_digits_stay_visible(pan: str, shown: str | None) -> None:
    assert mask_pan(pan) == shown


def approved() -> dict[str, object]:
    sale_tx = {"TransactionID": "leges-17", "TimeStamp": "2026-11-23T14:00:00.000Z"}
    return out.envelope(HEADER, "PaymentResponse", out.approved_payment(sale_tx, 7787, "POI123", "654321", MOMENT))


def test_approved_response() -> None:
    _, body = response_body(approved(), Category.PAYMENT, "A1b2C3d4E5", "V400m-324688179")
    result = payment_result(body, "A1b2C3d4E5")
    assert result.outcome is Outcome.APPROVED
    assert (result.amount_cents, result.approval_code, result.terminal_reference) == (7787, "654321", "POI123")
    assert result.cardholder_receipt[0] == "Gemeente Loket"


def test_answer_to_another_request_is_refused() -> None:
    with pytest.raises(MessageInvalid):
        response_body(approved(), Category.PAYMENT, "OtherId", "V400m-324688179")
    with pytest.raises(MessageInvalid):
        response_body(approved(), Category.TRANSACTION_STATUS, "A1b2C3d4E5", "V400m-324688179")
    with pytest.raises(MessageInvalid):
        response_body(approved(), Category.PAYMENT, "A1b2C3d4E5", "P400-other")


@pytest.mark.parametrize(
    ("condition", "outcome"),
    [
        (ErrorCondition.REFUSAL, Outcome.DECLINED),
        (ErrorCondition.CANCEL, Outcome.ABORTED),
        (ErrorCondition.ABORTED, Outcome.ABORTED),
        (ErrorCondition.WRONG_PIN, Outcome.DECLINED),
        (ErrorCondition.UNAVAILABLE_SERVICE, Outcome.DECLINED),
    ],
)
def test_failures_map_to_outcomes(condition: ErrorCondition, outcome: Outcome) -> None:
    body = out.failed_payment({}, condition, "reason", "POI1")
    assert payment_result(body, "S1").outcome is outcome


@pytest.mark.parametrize("condition", [ErrorCondition.BUSY, ErrorCondition.IN_PROGRESS])
def test_busy_raises(condition: ErrorCondition) -> None:
    with pytest.raises(TerminalBusy):
        payment_result(out.failed_payment({}, condition, "busy", ""), "S1")


def test_status_replies() -> None:
    original = approved()["SaleToPOIResponse"]
    assert isinstance(original, dict)
    found = out.status_found("A1b2C3d4E5", "LOKET-BALIE-3", original["MessageHeader"], original["PaymentResponse"])
    reply = status_reply(found, "A1b2C3d4E5")
    assert reply.result is StatusResult.APPROVED and reply.payment is not None
    assert reply.payment.amount_cents == 7787
    with pytest.raises(MessageInvalid):
        status_reply(found, "OtherId")
    progress = out.status_failure(ErrorCondition.IN_PROGRESS, "busy")
    assert status_reply(progress, "A1").result is StatusResult.STILL_IN_PROGRESS
    assert status_reply(out.status_failure(ErrorCondition.NOT_FOUND, "?"), "A1").result is StatusResult.NOT_FOUND
    assert status_reply(out.status_failure(ErrorCondition.LOGGED_OUT, "?"), "A1").result is StatusResult.UNDECIDABLE


def test_status_request_names_the_original_payment() -> None:
    header = Header.request(Category.TRANSACTION_STATUS, "Status01", "LOKET-BALIE-3", "V400m-1")
    body = transaction_status_request(header, "Pay01")["SaleToPOIRequest"]["TransactionStatusRequest"]
    assert body["MessageReference"] == {"MessageCategory": "Payment", "ServiceID": "Pay01", "SaleID": "LOKET-BALIE-3"}
    assert body["ReceiptReprintFlag"] is True


def test_totals_count_debits() -> None:
    body = out.totals_body(7, 3, 23361, reconciliation=True)
    result = totals(body)
    assert (result.approved_count, result.approved_cents, result.period_reference) == (3, 23361, "7")
    assert totals(out.totals_body(8, 0, 0, reconciliation=False)).approved_count == 0
