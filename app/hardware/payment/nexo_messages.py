"""nexo Sale-to-POI messages as Adyen's Terminal API (local) writes them: header, requests, fields.

Everything here works on the plain JSON (before encryption / after decryption). Amounts are decimal
euros in JSON and whole cents in Loket; the conversion is exact (via Decimal of the shortest repr).
The field readers turn every missing, wrong-typed or oversized field into MessageInvalid, so no
KeyError/TypeError/ValueError ever leaves a parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from app.core.payment.errors import MessageInvalid

PROTOCOL_VERSION = "3.0"
REQUEST = "SaleToPOIRequest"
RESPONSE = "SaleToPOIResponse"
# Leges never come near this; a larger amount in a message is hostile or garbage.
MAX_AMOUNT_CENTS = 10**9
MAX_TEXT = 1024
MAX_ITEMS = 256

Json = dict[str, Any]


class MessageClass(StrEnum):
    SERVICE = "Service"
    DEVICE = "Device"


class Category(StrEnum):
    PAYMENT = "Payment"
    ABORT = "Abort"
    TRANSACTION_STATUS = "TransactionStatus"
    RECONCILIATION = "Reconciliation"
    GET_TOTALS = "GetTotals"
    DISPLAY = "Display"
    PRINT = "Print"


class MessageType(StrEnum):
    REQUEST = "Request"
    RESPONSE = "Response"


class Result(StrEnum):
    SUCCESS = "Success"
    FAILURE = "Failure"
    PARTIAL = "Partial"


class ErrorCondition(StrEnum):
    ABORTED = "Aborted"
    BUSY = "Busy"
    CANCEL = "Cancel"
    DEVICE_OUT = "DeviceOut"
    IN_PROGRESS = "InProgress"
    LOGGED_OUT = "LoggedOut"
    MESSAGE_FORMAT = "MessageFormat"
    NOT_ALLOWED = "NotAllowed"
    NOT_FOUND = "NotFound"
    PAYMENT_RESTRICTION = "PaymentRestriction"
    REFUSAL = "Refusal"
    UNAVAILABLE_DEVICE = "UnavailableDevice"
    UNAVAILABLE_SERVICE = "UnavailableService"
    UNREACHABLE_HOST = "UnreachableHost"
    WRONG_PIN = "WrongPIN"


_CLASS_OF = {
    Category.DISPLAY: MessageClass.DEVICE,
    Category.PRINT: MessageClass.DEVICE,
}


@dataclass(frozen=True)
class Header:
    message_class: str
    category: str
    message_type: str
    service_id: str
    sale_id: str
    poi_id: str

    @classmethod
    def request(cls, category: Category, service_id: str, sale_id: str, poi_id: str) -> Header:
        message_class = _CLASS_OF.get(category, MessageClass.SERVICE)
        return cls(message_class, category, MessageType.REQUEST, service_id, sale_id, poi_id)

    def response(self) -> Header:
        return Header(
            self.message_class, self.category, MessageType.RESPONSE, self.service_id, self.sale_id, self.poi_id
        )

    def to_json(self) -> Json:
        return {
            "ProtocolVersion": PROTOCOL_VERSION,
            "MessageClass": self.message_class,
            "MessageCategory": self.category,
            "MessageType": self.message_type,
            "ServiceID": self.service_id,
            "SaleID": self.sale_id,
            "POIID": self.poi_id,
        }


def parse_header(body: Json) -> Header:
    raw = obj(body, "MessageHeader")
    return Header(
        message_class=text(raw, "MessageClass", 32),
        category=text(raw, "MessageCategory", 32),
        message_type=text(raw, "MessageType", 32),
        service_id=text(raw, "ServiceID", 10),
        sale_id=text(raw, "SaleID", 64),
        poi_id=text(raw, "POIID", 64),
    )


def split_message(message: object) -> tuple[str, Header, Json]:
    """(kind, header, body) of a decrypted `{"SaleToPOI...": {...}}` message."""
    if not isinstance(message, dict) or len(message) != 1:
        raise MessageInvalid("Het bericht is geen SaleToPOIRequest of SaleToPOIResponse.")
    kind = next(iter(message))
    if kind not in (REQUEST, RESPONSE):
        raise MessageInvalid("Het bericht is geen SaleToPOIRequest of SaleToPOIResponse.")
    body = message[kind]
    if not isinstance(body, dict):
        raise MessageInvalid("Het bericht heeft geen inhoud.")
    return kind, parse_header(body), body


# --- requests the Sale system sends -------------------------------------------------------------


def payment_request(
    header: Header,
    transaction_id: str,
    timestamp: datetime,
    currency: str,
    amount_cents: int,
    operator_id: str = "",
) -> Json:
    sale_data: Json = {
        "SaleTransactionID": {"TransactionID": transaction_id, "TimeStamp": iso_time(timestamp)},
    }
    if operator_id:
        sale_data["OperatorID"] = operator_id
    return {
        REQUEST: {
            "MessageHeader": header.to_json(),
            "PaymentRequest": {
                "SaleData": sale_data,
                "PaymentTransaction": {
                    "AmountsReq": {"Currency": currency, "RequestedAmount": cents_to_json(amount_cents)}
                },
            },
        }
    }


def abort_request(header: Header, payment_service_id: str, reason: str = "MerchantAbort") -> Json:
    return {
        REQUEST: {
            "MessageHeader": header.to_json(),
            "AbortRequest": {
                "AbortReason": reason,
                "MessageReference": {
                    "MessageCategory": Category.PAYMENT.value,
                    "ServiceID": payment_service_id,
                    "SaleID": header.sale_id,
                    "POIID": header.poi_id,
                },
            },
        }
    }


def transaction_status_request(header: Header, payment_service_id: str) -> Json:
    return {
        REQUEST: {
            "MessageHeader": header.to_json(),
            "TransactionStatusRequest": {
                "MessageReference": {
                    "MessageCategory": Category.PAYMENT.value,
                    "ServiceID": payment_service_id,
                    "SaleID": header.sale_id,
                },
                "ReceiptReprintFlag": True,
                "DocumentQualifier": ["CashierReceipt", "CustomerReceipt"],
            },
        }
    }


def totals_request(header: Header, close_period: bool) -> Json:
    """With closure a ReconciliationRequest (SaleReconciliation); without, a GetTotalsRequest."""
    if close_period:
        body: Json = {"ReconciliationRequest": {"ReconciliationType": "SaleReconciliation"}}
    else:
        body = {"GetTotalsRequest": {}}
    return {REQUEST: {"MessageHeader": header.to_json(), **body}}


def display_request(header: Header, lines: tuple[str, ...]) -> Json:
    return {
        REQUEST: {
            "MessageHeader": header.to_json(),
            "DisplayRequest": {
                "DisplayOutput": [
                    {
                        "Device": "CustomerDisplay",
                        "InfoQualifier": "Display",
                        "ResponseRequiredFlag": False,
                        "OutputContent": {
                            "OutputFormat": "Text",
                            "OutputText": [{"Text": line} for line in lines],
                        },
                    }
                ]
            },
        }
    }


# --- amounts and times --------------------------------------------------------------------------


def cents_to_json(cents: int) -> float:
    """Cents as the JSON number nexo wants; repr of the result is the exact decimal (77.87)."""
    if isinstance(cents, bool) or not isinstance(cents, int) or not 0 <= cents <= MAX_AMOUNT_CENTS:
        raise MessageInvalid("Dit bedrag kan niet naar de betaalautomaat.")
    return cents / 100


def json_to_cents(value: object, field: str = "amount") -> int:
    """A JSON amount in euros to whole cents, exactly; anything with a fraction of a cent is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise MessageInvalid(f"Het bedrag {field} is geen getal.", field=field)
    try:
        # repr of a float parsed from JSON is the shortest decimal that reads back the same.
        euros = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not euros.is_finite():
            raise MessageInvalid(f"Het bedrag {field} is geen eindig getal.", field=field)
        if abs(euros.adjusted()) > 12:
            raise MessageInvalid(f"Het bedrag {field} is te groot.", field=field)
        cents = euros * 100
        if cents != cents.to_integral_value():
            raise MessageInvalid(f"Het bedrag {field} heeft delen van centen.", field=field)
    except (InvalidOperation, ValueError, OverflowError) as error:
        raise MessageInvalid(f"Het bedrag {field} is onleesbaar.", field=field) from error
    whole = int(cents)
    if not 0 <= whole <= MAX_AMOUNT_CENTS:
        raise MessageInvalid(f"Het bedrag {field} valt buiten de grenzen.", field=field)
    return whole


def iso_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- field readers: typed errors only -----------------------------------------------------------


def obj(parent: Json, key: str) -> Json:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise MessageInvalid(f"Het veld {key} ontbreekt of is geen object.", field=key)
    return value


def opt_obj(parent: Json, key: str) -> Json | None:
    return obj(parent, key) if parent.get(key) is not None else None


def text(parent: Json, key: str, max_length: int = MAX_TEXT) -> str:
    value = parent.get(key)
    if not isinstance(value, str):
        raise MessageInvalid(f"Het veld {key} ontbreekt of is geen tekst.", field=key)
    if len(value) > max_length:
        raise MessageInvalid(f"Het veld {key} is te lang.", field=key)
    return value


def opt_text(parent: Json, key: str, max_length: int = MAX_TEXT) -> str | None:
    return text(parent, key, max_length) if parent.get(key) is not None else None


def array(parent: Json, key: str, max_items: int = MAX_ITEMS) -> list[Any]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MessageInvalid(f"Het veld {key} is geen lijst.", field=key)
    if len(value) > max_items:
        raise MessageInvalid(f"Het veld {key} heeft te veel elementen.", field=key)
    return value


def objects(parent: Json, key: str, max_items: int = MAX_ITEMS) -> list[Json]:
    items = array(parent, key, max_items)
    if not all(isinstance(item, dict) for item in items):
        raise MessageInvalid(f"Het veld {key} bevat iets anders dan objecten.", field=key)
    return items


def integer(parent: Json, key: str, maximum: int = MAX_AMOUNT_CENTS) -> int:
    value = parent.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise MessageInvalid(f"Het veld {key} is geen geldig geheel getal.", field=key)
    return value
