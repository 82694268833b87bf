"""OPI messages: real terminal answers are read right (exact cents, PAN cut to four digits),
what we write reads back the same, and malformed, truncated or hostile XML gives only typed
payment errors — never a ParseError, never an expanded entity."""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.payment.errors import PaymentError
from app.hardware.payment import opi_messages as m
from app.hardware.payment.opi_xml import OpiMessageInvalid, cents_from_text, text_from_cents

# A CCV/Thales terminal's answer to CardPayment and to ReconciliationWithClosure, as published in
# the tests of tillhub/payment-engine (payment-engine/src/test/.../opi/data/ConvertersTest.kt).
THALES_CARD_RESPONSE = b"""<?xml version="1.0" encoding="UTF-8"?>
<CardServiceResponse xmlns="http://www.nrf-arts.org/IXRetail/namespace"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" RequestType="CardPayment" WorkstationID="1"
  RequestID="20544" OverallResult="Success">
  <Terminal TerminalID="68276185" STAN="021601"/>
  <Tender>
    <TotalAmount Currency="EUR">39.50</TotalAmount>
    <Authorisation AuthorisationType="Online" CardCircuit="girocard" CardPAN="6805330010086784747"
      Merchant="VU-123456789017" ReceiptNumber="8930" ActionCode="0" TimeStamp="2024-02-09T09:36:28-00:00"/>
  </Tender>
  <PrivateData><ErrorCode>1002700</ErrorCode><ErrorText>Zahlung erfolgt</ErrorText></PrivateData>
</CardServiceResponse>"""

THALES_RECONCILIATION = b"""<?xml version="1.0" encoding="UTF-8"?>
<ServiceResponse xmlns="http://www.nrf-arts.org/IXRetail/namespace" RequestType="ReconciliationWithClosure"
  WorkstationID="1" RequestID="20792" OverallResult="Success">
  <Terminal TerminalID="68276185" STAN="021888"/>
  <Reconciliation>
    <TotalAmount NumberPayments="8" PaymentType="Debit" Currency="EUR" CardCircuit="girocard">338.00</TotalAmount>
    <TotalAmount NumberPayments="3" PaymentType="Debit" Currency="EUR" CardCircuit="VISA">87.00</TotalAmount>
  </Reconciliation>
</ServiceResponse>"""

THALES_DEVICE_REQUEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<DeviceRequest RequestType="Output" RequestID="20792" WorkstationID="1" SequenceID="2" TerminalID="68276185"
  ApplicationSender="Thales-OPI">
  <Output OutDeviceTarget="CashierDisplay">
    <TextLine Column="0" Row="0">Vorgang wird</TextLine>
    <TextLine Column="0" Row="1">bearbeitet</TextLine>
  </Output>
</DeviceRequest>"""


def test_a_real_terminal_answer_reads_with_exact_cents_and_a_masked_pan() -> None:
    answer = m.decode(THALES_CARD_RESPONSE)
    assert isinstance(answer, m.CardServiceResponse)
    assert (answer.request_type, answer.request_id, answer.overall_result) == ("CardPayment", "20544", "Success")
    assert answer.amount_cents == 3950
    assert answer.currency == "EUR"
    assert answer.masked_pan == "****4747"  # the terminal sent all 19 digits
    assert answer.card_circuit == "girocard"
    assert answer.stan == "021601"
    assert "6805330010086784747" not in repr(answer)


def test_a_real_reconciliation_reads_per_card_circuit() -> None:
    answer = m.decode(THALES_RECONCILIATION)
    assert isinstance(answer, m.ServiceResponse)
    assert [(t.card_circuit, t.count, t.cents) for t in answer.totals] == [("girocard", 8, 33800), ("VISA", 3, 8700)]


def test_a_real_device_request_without_namespace_reads() -> None:
    request = m.decode(THALES_DEVICE_REQUEST)
    assert isinstance(request, m.DeviceRequest)
    assert request.outputs == (m.DeviceOutput("CashierDisplay", ("Vorgang wird", "bearbeitet")),)
    assert request.sequence_id == "2"


def test_our_card_payment_request_has_the_opi_shape() -> None:
    request = m.CardServiceRequest(
        request_type="CardPayment",
        request_id="AB12",
        workstation_id="1",
        timestamp="2026-03-02T10:15:00",
        amount_cents=7787,
    )
    xml = m.encode(request)
    assert b'RequestType="CardPayment"' in xml
    assert b'RequestID="AB12"' in xml
    assert b'POPID="001"' in xml
    assert b"<POSdata><POSTimeStamp>2026-03-02T10:15:00</POSTimeStamp></POSdata>" in xml
    assert b'<TotalAmount Currency="EUR">77.87</TotalAmount>' in xml
    assert b'xmlns="http://www.nrf-arts.org/IXRetail/namespace"' in xml
    assert m.decode(xml) == request


@pytest.mark.parametrize(
    ("text", "cents"), [("77.87", 7787), ("0.01", 1), ("120.00", 12000), ("39.5", 3950), ("5", 500), ("0.1", 10)]
)
def test_amounts_are_exact(text: str, cents: int) -> None:
    assert cents_from_text(text) == cents


@given(st.integers(min_value=0, max_value=999_999_999))
def test_every_amount_in_cents_survives_the_round_trip(cents: int) -> None:
    assert cents_from_text(text_from_cents(cents)) == cents


@pytest.mark.parametrize("text", ["-1.00", "1.234", "1,50", "1e3", "NaN", "", " ", "0x10", "１２"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(OpiMessageInvalid):
        cents_from_text(text)


def test_every_message_round_trips() -> None:
    messages: list[m.OpiMessage] = [
        m.CardServiceResponse("CardPayment", "X1", "1", "Success", 1, "EUR", "****0017", "MAESTRO", "A1", "T1", "9"),
        m.ServiceRequest("ReconciliationWithClosure", "R1", "1", timestamp="2026-01-01T08:00:00"),
        m.ServiceResponse("Reconciliation", "R1", "1", "Success", "7", (m.CircuitTotal("VISA", 2, 1999, "EUR"),)),
        m.DeviceRequest("Output", "X1", "1", "3", (m.DeviceOutput("PrinterReceipt", ("a", "b")),), "sim"),
        m.DeviceResponse("Output", "X1", "1", "Success", "3", ("PrinterReceipt",), "001", "Loket"),
    ]
    for message in messages:
        assert m.decode(m.encode(message)) == message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CardServiceResponse RequestType="CardPayment" RequestID="1" OverallResult="Success">&lol2;</CardServiceResponse>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<CardServiceResponse RequestType="CardPayment" RequestID="1" OverallResult="&x;"/>"""
LOWERCASE_DOCTYPE = b'<?xml version="1.0"?><!doctype x><CardServiceResponse/>'


@pytest.mark.parametrize(
    "payload",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        LOWERCASE_DOCTYPE,
        b"<CardServiceResponse RequestType='CardPayment' RequestID='1'>",  # truncated
        b"<CardServiceResponse RequestID='1' OverallResult='Success'/>",  # no RequestType
        b"<Unknown/>",
        b"\xff\xfe<\x00A\x00/\x00>\x00",  # UTF-16
        b"<CardServiceResponse RequestType='CardPayment' RequestID='1' OverallResult='Success'>"
        b"<Tender><TotalAmount Currency='EUR'>-5.00</TotalAmount></Tender></CardServiceResponse>",
        b"<CardServiceResponse RequestType='CardPayment' RequestID='1' OverallResult='Success'>"
        b"<Tender><Authorisation/></Tender></CardServiceResponse>",
        b"<CardServiceRequest RequestType='CardPayment' RequestID='1'/>",  # payment without amount
        b"<CardServiceRequest RequestType='Format C:' RequestID='1'/>",
        b"<a>" * 40 + b"</a>" * 40,
        b"<ServiceResponse RequestType='Reconciliation' RequestID='1' OverallResult='Success'><Reconciliation>"
        b"<TotalAmount Currency='EUR' NumberPayments='many'>1.00</TotalAmount></Reconciliation></ServiceResponse>",
        (
            "<ServiceResponse RequestType='Reconciliation' RequestID='1' OverallResult='Success'><Reconciliation>"
            "<TotalAmount Currency='EUR' NumberPayments='\u00b2'>1.00</TotalAmount></Reconciliation></ServiceResponse>"
        ).encode(),
    ],
)
def test_hostile_and_malformed_messages_give_a_typed_error(payload: bytes) -> None:
    with pytest.raises(OpiMessageInvalid) as caught:
        m.decode(payload)
    assert caught.value.code == "payment.opi.message_invalid"


def test_too_many_text_lines_are_refused() -> None:
    lines = "".join(f"<TextLine>{i}</TextLine>" for i in range(m.MAX_TEXT_LINES + 1))
    payload = f"<DeviceRequest RequestType='Output' RequestID='1'><Output OutDeviceTarget='Printer'>{lines}</Output>"
    with pytest.raises(OpiMessageInvalid):
        m.decode((payload + "</DeviceRequest>").encode())


VALID = [THALES_CARD_RESPONSE, THALES_RECONCILIATION, THALES_DEVICE_REQUEST]


def _only_typed_errors(payload: bytes) -> None:
    # A message or a typed error; anything else propagates and fails the test.
    with contextlib.suppress(PaymentError):
        m.decode(payload)


@given(st.sampled_from(VALID), st.data())
def test_truncated_messages_give_typed_errors_only(valid: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(valid) - 1))
    with pytest.raises(PaymentError):
        m.decode(valid[:cut])


@given(st.sampled_from(VALID), st.data())
def test_mutated_messages_give_a_message_or_a_typed_error(valid: bytes, data: st.DataObject) -> None:
    mutated = bytearray(valid)
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=len(mutated) - 1))
        mutated[position] = data.draw(st.sampled_from(b"<>&\"'=/!?;#x\x00\xff 0123456789"))
    _only_typed_errors(bytes(mutated))


@given(st.binary(max_size=400))
def test_random_bytes_give_typed_errors_only(payload: bytes) -> None:
    _only_typed_errors(payload)


xml_names = st.sampled_from(["CardServiceResponse", "ServiceResponse", "DeviceRequest", "Tender", "TotalAmount"])
attr_values = st.text(max_size=30)


attr_names = st.sampled_from(["RequestType", "RequestID", "OverallResult", "Currency"])


@given(xml_names, st.dictionaries(attr_names, attr_values))
def test_generated_documents_give_a_message_or_a_typed_error(name: str, attrs: dict[str, str]) -> None:
    root = ET.Element(name, attrs)
    ET.SubElement(ET.SubElement(root, "Tender"), "TotalAmount", {"Currency": attrs.get("Currency", "")}).text = "1.00"
    _only_typed_errors(ET.tostring(root))


def test_a_declared_unknown_encoding_is_a_typed_error_or_read_as_utf8() -> None:
    # Found by the mutation property: "encoding=U0F-8" used to escape as a LookupError.
    payload = VALID[0].replace(b'encoding="UTF-8"', b'encoding="U0F-8"')
    assert payload != VALID[0]
    _only_typed_errors(payload)
