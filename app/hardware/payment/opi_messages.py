"""The OPI messages Loket exchanges with a CCV terminal (IFSF POS-EPS "Open Payment Initiative").

Channel 0 (ECR → terminal): CardServiceRequest RequestType CardPayment, AbortRequest and
RepeatLastMessage (the terminal repeats its last CardServiceResponse: our status query), and
ServiceRequest Reconciliation / ReconciliationWithClosure. Channel 1 (terminal → ECR):
DeviceRequest RequestType Output with TextLines for the displays and printers, which we answer
with a DeviceResponse. Element and attribute names follow the OPI schema as CCV terminals send it
(namespace http://www.nrf-arts.org/IXRetail/namespace, though some omit it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from app.hardware.payment.opi_xml import (
    NAMESPACE,
    OpiMessageInvalid,
    cents_from_text,
    child,
    children,
    element,
    int_attr,
    local,
    mask_pan,
    optional_attr,
    parse_xml,
    required_attr,
    serialize,
    text_from_cents,
    text_of,
)

CARD_PAYMENT = "CardPayment"
ABORT_REQUEST = "AbortRequest"
REPEAT_LAST_MESSAGE = "RepeatLastMessage"
RECONCILIATION = "Reconciliation"
RECONCILIATION_WITH_CLOSURE = "ReconciliationWithClosure"
OUTPUT = "Output"
CARD_REQUEST_TYPES = frozenset({CARD_PAYMENT, ABORT_REQUEST, REPEAT_LAST_MESSAGE})
SERVICE_REQUEST_TYPES = frozenset({RECONCILIATION, RECONCILIATION_WITH_CLOSURE})
DISPLAYS = frozenset({"CashierDisplay", "CustomerDisplay"})
MAX_TEXT_LINES = 200


@dataclass(frozen=True)
class CardServiceRequest:
    request_type: str
    request_id: str
    workstation_id: str
    pop_id: str = "001"
    application_sender: str = "Loket"
    timestamp: str | None = None  # POSdata/POSTimeStamp, local time ISO 8601
    amount_cents: int | None = None
    currency: str = "EUR"


@dataclass(frozen=True)
class CardServiceResponse:
    request_type: str
    request_id: str
    workstation_id: str
    overall_result: str
    amount_cents: int | None = None
    currency: str | None = None
    masked_pan: str | None = None
    card_circuit: str | None = None
    approval_code: str | None = None
    terminal_id: str | None = None
    stan: str | None = None
    error_text: str | None = None


@dataclass(frozen=True)
class ServiceRequest:
    request_type: str
    request_id: str
    workstation_id: str
    pop_id: str = "001"
    application_sender: str = "Loket"
    timestamp: str | None = None


@dataclass(frozen=True)
class CircuitTotal:
    card_circuit: str | None
    count: int
    cents: int
    currency: str


@dataclass(frozen=True)
class ServiceResponse:
    request_type: str
    request_id: str
    workstation_id: str
    overall_result: str
    terminal_batch: str | None = None
    totals: tuple[CircuitTotal, ...] = ()


@dataclass(frozen=True)
class DeviceOutput:
    target: str  # OutDeviceTarget: CashierDisplay, CustomerDisplay, Printer, PrinterReceipt, ...
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeviceRequest:
    request_type: str
    request_id: str  # the RequestID of the channel-0 request this output belongs to
    workstation_id: str
    sequence_id: str | None = None
    outputs: tuple[DeviceOutput, ...] = ()
    application_sender: str = "Loket-simulator"


@dataclass(frozen=True)
class DeviceResponse:
    request_type: str
    request_id: str
    workstation_id: str
    overall_result: str
    sequence_id: str | None = None
    targets: tuple[str, ...] = ()
    pop_id: str = "001"
    application_sender: str = "Loket"


OpiMessage = (
    CardServiceRequest | CardServiceResponse | ServiceRequest | ServiceResponse | DeviceRequest | DeviceResponse
)


# --- writing ------------------------------------------------------------------------------


def _root(tag: str, attrs: dict[str, str | None]) -> ET.Element:
    return element(tag, {**attrs, "xmlns": NAMESPACE})


def _posdata(root: ET.Element, timestamp: str | None) -> None:
    if timestamp is not None:
        posdata = ET.SubElement(root, "POSdata")
        ET.SubElement(posdata, "POSTimeStamp").text = timestamp


def encode(message: OpiMessage) -> bytes:
    if isinstance(message, CardServiceRequest | ServiceRequest):
        return _encode_request(message)
    if isinstance(message, CardServiceResponse):
        return _encode_card_response(message)
    if isinstance(message, ServiceResponse):
        return _encode_service_response(message)
    if isinstance(message, DeviceRequest):
        return _encode_device_request(message)
    return _encode_device_response(message)


def _ids(message: OpiMessage) -> dict[str, str | None]:
    return {
        "RequestType": message.request_type,
        "RequestID": message.request_id,
        "WorkstationID": message.workstation_id,
    }


def _encode_request(message: CardServiceRequest | ServiceRequest) -> bytes:
    root = _root(type(message).__name__, _ids(message) | {"POPID": message.pop_id})
    root.set("ApplicationSender", message.application_sender)
    _posdata(root, message.timestamp)
    if isinstance(message, CardServiceRequest) and message.amount_cents is not None:
        amount = text_from_cents(message.amount_cents)
        root.append(element("TotalAmount", {"Currency": message.currency}, amount))
    return serialize(root)


def _encode_card_response(message: CardServiceResponse) -> bytes:
    root = _root("CardServiceResponse", _ids(message) | {"OverallResult": message.overall_result})
    if message.terminal_id is not None:
        root.append(element("Terminal", {"TerminalID": message.terminal_id, "STAN": message.stan}))
    if message.amount_cents is not None:
        tender = ET.SubElement(root, "Tender")
        amount = text_from_cents(message.amount_cents)
        tender.append(element("TotalAmount", {"Currency": message.currency or "EUR"}, amount))
        authorisation = {
            "CardPAN": message.masked_pan,
            "CardCircuit": message.card_circuit,
            "ApprovalCode": message.approval_code,
        }
        tender.append(element("Authorisation", authorisation))
    if message.error_text is not None:
        private = ET.SubElement(root, "PrivateData")
        ET.SubElement(private, "ErrorText").text = message.error_text
    return serialize(root)


def _encode_service_response(message: ServiceResponse) -> bytes:
    root = _root("ServiceResponse", _ids(message) | {"OverallResult": message.overall_result})
    if message.terminal_batch is not None:
        root.append(element("Terminal", {"TerminalBatch": message.terminal_batch}))
    if message.totals:
        reconciliation = ET.SubElement(root, "Reconciliation")
        for total in message.totals:
            attrs = {
                "NumberPayments": str(total.count),
                "PaymentType": "Debit",
                "Currency": total.currency,
                "CardCircuit": total.card_circuit,
            }
            reconciliation.append(element("TotalAmount", attrs, text_from_cents(total.cents)))
    return serialize(root)


def _encode_device_request(message: DeviceRequest) -> bytes:
    root = _root("DeviceRequest", _ids(message) | {"SequenceID": message.sequence_id})
    root.set("ApplicationSender", message.application_sender)
    for output in message.outputs:
        node = ET.SubElement(root, "Output", {"OutDeviceTarget": output.target})
        for row, line in enumerate(output.lines):
            node.append(element("TextLine", {"Row": str(row), "Column": "0"}, line))
    return serialize(root)


def _encode_device_response(message: DeviceResponse) -> bytes:
    attrs = _ids(message) | {"OverallResult": message.overall_result, "SequenceID": message.sequence_id}
    root = _root("DeviceResponse", attrs | {"POPID": message.pop_id, "ApplicationSender": message.application_sender})
    for target in message.targets:
        ET.SubElement(root, "Output", {"OutDeviceTarget": target, "OutResult": message.overall_result})
    return serialize(root)


# --- reading ------------------------------------------------------------------------------


def decode(payload: bytes) -> OpiMessage:
    """Any OPI message we know; everything else raises OpiMessageInvalid."""
    root = parse_xml(payload)
    name = local(root.tag)
    reader = _READERS.get(name)
    if reader is None:
        raise OpiMessageInvalid("Onbekend OPI-bericht.", element=name[:40])
    return reader(root)


def _id_fields(root: ET.Element) -> tuple[str, str, str]:
    request_type = required_attr(root, "RequestType")[:40]
    request_id = required_attr(root, "RequestID")[:40]
    workstation = optional_attr(root, "WorkstationID") or ""
    return request_type, request_id, workstation


def _read_card_request(root: ET.Element) -> CardServiceRequest:
    request_type, request_id, workstation = _id_fields(root)
    if request_type not in CARD_REQUEST_TYPES:
        raise OpiMessageInvalid("Dit soort kaartverzoek wordt niet ondersteund.", request_type=request_type)
    amount = child(root, "TotalAmount")
    cents = cents_from_text(amount.text) if amount is not None else None
    currency = (optional_attr(amount, "Currency") or "EUR") if amount is not None else "EUR"
    if request_type == CARD_PAYMENT and cents is None:
        raise OpiMessageInvalid("Een betaalverzoek zonder bedrag.")
    posdata = child(root, "POSdata")
    return CardServiceRequest(
        request_type=request_type,
        request_id=request_id,
        workstation_id=workstation,
        pop_id=optional_attr(root, "POPID") or "",
        application_sender=optional_attr(root, "ApplicationSender") or "",
        timestamp=text_of(child(posdata, "POSTimeStamp") if posdata is not None else None, 40),
        amount_cents=cents,
        currency=currency,
    )


def _read_card_response(root: ET.Element) -> CardServiceResponse:
    request_type, request_id, workstation = _id_fields(root)
    overall = required_attr(root, "OverallResult")[:40]
    terminal = child(root, "Terminal")
    tender = child(root, "Tender")
    cents = currency = pan = circuit = approval = None
    if tender is not None:
        amount = child(tender, "TotalAmount")
        if amount is None:
            raise OpiMessageInvalid("Tender zonder TotalAmount.")
        cents = cents_from_text(amount.text)
        currency = required_attr(amount, "Currency")[:3]
        authorisation = child(tender, "Authorisation")
        if authorisation is not None:
            pan = mask_pan(optional_attr(authorisation, "CardPAN", 40))
            circuit = optional_attr(authorisation, "CardCircuit", 32)
            approval = optional_attr(authorisation, "ApprovalCode", 16)
    private = child(root, "PrivateData")
    return CardServiceResponse(
        request_type=request_type,
        request_id=request_id,
        workstation_id=workstation,
        overall_result=overall,
        amount_cents=cents,
        currency=currency,
        masked_pan=pan,
        card_circuit=circuit,
        approval_code=approval,
        terminal_id=optional_attr(terminal, "TerminalID", 16) if terminal is not None else None,
        stan=optional_attr(terminal, "STAN", 16) if terminal is not None else None,
        error_text=text_of(child(private, "ErrorText"), 120) if private is not None else None,
    )


def _read_service_request(root: ET.Element) -> ServiceRequest:
    request_type, request_id, workstation = _id_fields(root)
    if request_type not in SERVICE_REQUEST_TYPES:
        raise OpiMessageInvalid("Dit soort serviceverzoek wordt niet ondersteund.", request_type=request_type)
    posdata = child(root, "POSdata")
    return ServiceRequest(
        request_type=request_type,
        request_id=request_id,
        workstation_id=workstation,
        pop_id=optional_attr(root, "POPID") or "",
        application_sender=optional_attr(root, "ApplicationSender") or "",
        timestamp=text_of(child(posdata, "POSTimeStamp") if posdata is not None else None, 40),
    )


def _read_service_response(root: ET.Element) -> ServiceResponse:
    request_type, request_id, workstation = _id_fields(root)
    terminal = child(root, "Terminal")
    reconciliation = child(root, "Reconciliation")
    totals = tuple(
        CircuitTotal(
            card_circuit=optional_attr(node, "CardCircuit", 32),
            count=int_attr(node, "NumberPayments"),
            cents=cents_from_text(node.text),
            currency=required_attr(node, "Currency")[:3],
        )
        for node in (children(reconciliation, "TotalAmount") if reconciliation is not None else [])
    )
    return ServiceResponse(
        request_type=request_type,
        request_id=request_id,
        workstation_id=workstation,
        overall_result=required_attr(root, "OverallResult")[:40],
        terminal_batch=optional_attr(terminal, "TerminalBatch", 32) if terminal is not None else None,
        totals=totals,
    )


def _read_outputs(root: ET.Element) -> tuple[DeviceOutput, ...]:
    outputs = []
    line_count = 0
    for node in children(root, "Output"):
        lines = []
        for line in children(node, "TextLine"):
            line_count += 1
            if line_count > MAX_TEXT_LINES:
                raise OpiMessageInvalid("Te veel tekstregels in een OPI-bericht.")
            lines.append((line.text or "").rstrip()[:80])
        outputs.append(DeviceOutput(target=required_attr(node, "OutDeviceTarget")[:40], lines=tuple(lines)))
    return tuple(outputs)


def _read_device_request(root: ET.Element) -> DeviceRequest:
    request_type, request_id, workstation = _id_fields(root)
    return DeviceRequest(
        request_type=request_type,
        request_id=request_id,
        workstation_id=workstation,
        sequence_id=optional_attr(root, "SequenceID", 16),
        outputs=_read_outputs(root),
        application_sender=optional_attr(root, "ApplicationSender") or "",
    )


def _read_device_response(root: ET.Element) -> DeviceResponse:
    request_type, request_id, workstation = _id_fields(root)
    return DeviceResponse(
        request_type=request_type,
        request_id=request_id,
        workstation_id=workstation,
        overall_result=required_attr(root, "OverallResult")[:40],
        sequence_id=optional_attr(root, "SequenceID", 16),
        targets=tuple(required_attr(node, "OutDeviceTarget")[:40] for node in children(root, "Output")),
        pop_id=optional_attr(root, "POPID") or "",
        application_sender=optional_attr(root, "ApplicationSender") or "",
    )


_READERS: dict[str, Callable[[ET.Element], OpiMessage]] = {
    "CardServiceRequest": _read_card_request,
    "CardServiceResponse": _read_card_response,
    "ServiceRequest": _read_service_request,
    "ServiceResponse": _read_service_response,
    "DeviceRequest": _read_device_request,
    "DeviceResponse": _read_device_response,
}
