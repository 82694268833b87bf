"""The answers a terminal gives, built the way Adyen's Terminal API writes them (simulator side)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from app.hardware.payment.nexo_messages import (
    RESPONSE,
    ErrorCondition,
    Header,
    Json,
    Result,
    cents_to_json,
    iso_time,
)

CARD_BRAND = "maestro"
MASKED_PAN = "670300 **** 0008"  # a test card; Adyen shows the first six and last four
#: a terminal in a Dutch city hall prints its own wall-clock time, not UTC
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def envelope(header: Header, body_name: str, body: Json) -> Json:
    return {RESPONSE: {"MessageHeader": header.response().to_json(), body_name: body}}


def response(result: Result, condition: ErrorCondition | None = None, **additional: str) -> Json:
    raw: Json = {"Result": result.value}
    if condition is not None:
        raw["ErrorCondition"] = condition.value
    if additional:
        raw["AdditionalResponse"] = urlencode(additional)
    return raw


def approved_payment(
    sale_transaction: Json,
    amount_cents: int,
    poi_transaction_id: str,
    approval_code: str,
    moment: datetime,
    *,
    partial: bool = False,
) -> Json:
    """`amount_cents` is what was authorised; `partial` when that is less than requested."""
    amount = cents_to_json(amount_cents)
    return {
        "Response": response(Result.PARTIAL if partial else Result.SUCCESS),
        "SaleData": {"SaleTransactionID": sale_transaction},
        "POIData": {"POITransactionID": {"TransactionID": poi_transaction_id, "TimeStamp": iso_time(moment)}},
        "PaymentResult": {
            "PaymentType": "Normal",
            "PaymentInstrumentData": {
                "PaymentInstrumentType": "Card",
                "CardData": {"MaskedPAN": MASKED_PAN, "PaymentBrand": CARD_BRAND, "EntryMode": ["Contactless"]},
            },
            "AmountsResp": {"Currency": "EUR", "AuthorizedAmount": amount},
            "PaymentAcquirerData": {
                "ApprovalCode": approval_code,
                "AcquirerPOIID": "SIMULATOR",
                "MerchantID": "GemeenteLoket",
            },
        },
        "PaymentReceipt": [
            _receipt("CashierReceipt", amount_cents, approval_code, moment, "Handtekening niet nodig"),
            _receipt("CustomerReceipt", amount_cents, approval_code, moment, "Bewaar dit bewijs"),
        ],
    }


def failed_payment(sale_transaction: Json, condition: ErrorCondition, reason: str, poi_transaction_id: str) -> Json:
    body: Json = {
        "Response": response(Result.FAILURE, condition, refusalReason=reason, message=reason),
        "SaleData": {"SaleTransactionID": sale_transaction},
        "POIData": {"POITransactionID": {"TransactionID": poi_transaction_id, "TimeStamp": ""}},
    }
    return body


def busy_payment(sale_transaction: Json) -> Json:
    return {
        "Response": response(Result.FAILURE, ErrorCondition.BUSY, message="Terminal busy"),
        "SaleData": {"SaleTransactionID": sale_transaction},
    }


def status_found(payment_service_id: str, sale_id: str, original_header: Json, original_body: Json) -> Json:
    return {
        "Response": response(Result.SUCCESS),
        "MessageReference": {"MessageCategory": "Payment", "ServiceID": payment_service_id, "SaleID": sale_id},
        "RepeatedMessageResponse": {
            "MessageHeader": original_header,
            "RepeatedResponseMessageBody": {"PaymentResponse": original_body},
        },
    }


def status_failure(condition: ErrorCondition, message: str) -> Json:
    return {"Response": response(Result.FAILURE, condition, message=message)}


def totals_body(period: int, count: int, cents: int, reconciliation: bool) -> Json:
    groups: list[Any] = [{"PaymentInstrumentType": "Card", "PaymentCurrency": "EUR"}]
    if count:
        groups[0]["PaymentTotals"] = [
            {"TransactionType": "Debit", "TransactionCount": count, "TransactionAmount": cents_to_json(cents)}
        ]
    body: Json = {"Response": response(Result.SUCCESS), "POIReconciliationID": str(period), "TransactionTotals": groups}
    if reconciliation:
        body["ReconciliationType"] = "SaleReconciliation"
    return body


def _receipt(qualifier: str, amount_cents: int, approval_code: str, moment: datetime, closing: str) -> Json:
    euros = f"{amount_cents // 100},{amount_cents % 100:02d}"
    local = moment.astimezone(LOCAL_TIME)  # a naive moment counts as the machine's own time
    lines = [
        {"key": "header1", "name": "Gemeente Loket", "value": ""},
        {"key": "filler", "name": "", "value": ""},
        {"key": "txdate", "name": "Datum", "value": local.strftime("%d-%m-%Y")},
        {"key": "txtime", "name": "Tijd", "value": local.strftime("%H:%M:%S")},
        {"key": "cardType", "name": "Kaart", "value": CARD_BRAND},
        {"key": "pan", "name": "Kaartnummer", "value": "**** **** **** 0008"},
        {"key": "txtype", "name": "Type", "value": "BETALING"},
        {"key": "totalAmount", "name": "Totaal", "value": f"EUR {euros}"},
        {"key": "authCode", "name": "Autorisatiecode", "value": approval_code},
        {"key": "approved", "name": "GOEDGEKEURD", "value": ""},
        {"key": "thanks", "name": closing, "value": ""},
    ]
    return {
        "DocumentQualifier": qualifier,
        "RequiredSignatureFlag": False,
        "OutputContent": {
            "OutputFormat": "Text",
            "OutputText": [{"EndOfLineFlag": True, "Text": urlencode(line)} for line in lines],
        },
    }
