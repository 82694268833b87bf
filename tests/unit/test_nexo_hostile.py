"""Malformed, truncated and hostile terminal messages: only typed PaymentErrors may come out.

Two doors: the decrypting path (anything on the wire) and the parsers behind it (a correctly
encrypted answer with nonsense inside, which only the key holder could send, but still).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.payment.errors import MessageInvalid, PaymentError
from app.hardware.payment import nexo_sim_responses as out
from app.hardware.payment.nexo_crypto import (
    MAX_MESSAGE_BYTES,
    NexoCredentials,
    decrypt_message,
    derive_keys,
    encrypt_message,
)
from app.hardware.payment.nexo_messages import Category, ErrorCondition, Header
from app.hardware.payment.nexo_parse import payment_result, response_body, status_reply, totals

CREDENTIALS = NexoCredentials("LoketTestKey", 1, derive_keys("hostile-test-passphrase"))
MOMENT = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SERVICE_ID = "Svc0000001"
POI_ID = "V400m-1"
HEADER = Header.request(Category.PAYMENT, SERVICE_ID, "LOKET", POI_ID)
STATUS_HEADER = Header.request(Category.TRANSACTION_STATUS, "Status0001", "LOKET", POI_ID)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def approved_answer() -> dict[str, Any]:
    sale_tx = {"TransactionID": "leges-1", "TimeStamp": "2026-11-23T14:00:00.000Z"}
    return out.envelope(HEADER, "PaymentResponse", out.approved_payment(sale_tx, 7787, "POI1", "123456", MOMENT))


def status_answer() -> dict[str, Any]:
    original = approved_answer()["SaleToPOIResponse"]
    body = out.status_found(SERVICE_ID, "LOKET", original["MessageHeader"], original["PaymentResponse"])
    return out.envelope(STATUS_HEADER, "TransactionStatusResponse", body)


def totals_answer() -> dict[str, Any]:
    header = Header.request(Category.RECONCILIATION, "Recon00001", "LOKET", POI_ID)
    return out.envelope(header, "ReconciliationResponse", out.totals_body(3, 2, 7788, reconciliation=True))


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def mutate(message: dict[str, Any], index: int, replacement: Any, delete: bool) -> dict[str, Any]:
    changed = copy.deepcopy(message)
    targets = paths(changed)
    path = targets[index % len(targets)]
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return changed


def read_all(message: Any) -> None:
    """Every parser the driver runs on an answer."""
    for category, service_id in ((Category.PAYMENT, SERVICE_ID), (Category.TRANSACTION_STATUS, "Status0001")):
        try:
            _, body = response_body(message, category, service_id, POI_ID)
        except MessageInvalid:
            continue
        if category is Category.PAYMENT:
            payment_result(body, SERVICE_ID)
        else:
            status_reply(body, SERVICE_ID)
    try:
        _, body = response_body(message, Category.RECONCILIATION, "Recon00001", POI_ID)
    except MessageInvalid:
        return
    totals(body)


def only_typed_errors(action: Any, *args: Any) -> None:
    with contextlib.suppress(PaymentError):
        action(*args)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from([approved_answer, status_answer, totals_answer]),
    index=st.integers(min_value=0, max_value=10_000),
    replacement=json_values,
    delete=st.booleans(),
)
def test_mutated_answers_give_typed_errors_only(base: Any, index: int, replacement: Any, delete: bool) -> None:
    only_typed_errors(read_all, mutate(base(), index, replacement, delete))


@settings(max_examples=200)
@given(json_values)
def test_arbitrary_json_gives_typed_errors_only(value: Any) -> None:
    only_typed_errors(read_all, value)
    only_typed_errors(read_all, {"SaleToPOIResponse": value})
    only_typed_errors(decrypt_message, value, CREDENTIALS)


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_on_the_wire(data: bytes) -> None:
    only_typed_errors(decrypt_message, data, CREDENTIALS)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    field=st.sampled_from(["NexoBlob", "Nonce", "Hmac", "KeyIdentifier", "KeyVersion", "AdyenCryptoVersion"]),
    replacement=json_values | st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ+/=", max_size=60),
    cut=st.integers(min_value=0, max_value=2000),
)
def test_tampered_envelopes(field: str, replacement: Any, cut: int) -> None:
    envelope = encrypt_message(approved_answer(), CREDENTIALS)
    body = envelope["SaleToPOIResponse"]
    target = body if field == "NexoBlob" else body["SecurityTrailer"]
    target[field] = replacement
    only_typed_errors(decrypt_message, envelope, CREDENTIALS)
    wire = json.dumps(encrypt_message(approved_answer(), CREDENTIALS))
    only_typed_errors(decrypt_message, wire[:cut], CREDENTIALS)


def test_wrong_hmac_and_flipped_ciphertext_are_refused() -> None:
    envelope = encrypt_message(approved_answer(), CREDENTIALS)
    blob = bytearray(base64.b64decode(envelope["SaleToPOIResponse"]["NexoBlob"]))
    blob[-1] ^= 0x40
    envelope["SaleToPOIResponse"]["NexoBlob"] = base64.b64encode(bytes(blob)).decode()
    with pytest.raises(PaymentError) as caught:
        decrypt_message(envelope, CREDENTIALS)
    assert caught.value.code == "payment.hmac_mismatch"


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_on_the_wire(depth: int) -> None:
    with pytest.raises(MessageInvalid):
        decrypt_message("[" * depth + "]" * depth, CREDENTIALS)


def test_deep_nesting_inside_a_correctly_encrypted_message() -> None:
    answer = approved_answer()
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    answer["SaleToPOIResponse"]["PaymentResponse"]["Extra"] = "PLACEHOLDER"
    envelope = encrypt_message(answer, CREDENTIALS)
    plaintext = json.dumps(answer).replace('"PLACEHOLDER"', "[" * 100_000 + "]" * 100_000)
    hostile = _encrypt_text(plaintext, envelope)
    with pytest.raises(MessageInvalid):
        decrypt_message(hostile, CREDENTIALS)


def test_oversized_message_is_refused_unread() -> None:
    with pytest.raises(MessageInvalid):
        decrypt_message(b" " * (MAX_MESSAGE_BYTES + 1), CREDENTIALS)


def test_huge_amount_inside_an_answer() -> None:
    answer = approved_answer()
    answer["SaleToPOIResponse"]["PaymentResponse"]["PaymentResult"]["AmountsResp"]["AuthorizedAmount"] = 10**400
    with pytest.raises(MessageInvalid):
        read_all(answer)


def test_busy_failure_is_typed() -> None:
    answer = out.envelope(HEADER, "PaymentResponse", out.failed_payment({}, ErrorCondition.BUSY, "busy", ""))
    with pytest.raises(PaymentError):
        read_all(answer)


def _encrypt_text(plaintext: str, template: dict[str, Any]) -> dict[str, Any]:
    """Encrypt text json.dumps could never write (it refuses such depth), with a valid HMAC."""
    keys = CREDENTIALS.keys
    nonce = b"\x01" * 16
    iv = bytes(a ^ b for a, b in zip(keys.iv, nonce, strict=True))
    data = plaintext.encode()
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(keys.cipher_key), modes.CBC(iv)).encryptor()
    blob = encryptor.update(padded) + encryptor.finalize()
    envelope = copy.deepcopy(template)
    body = envelope["SaleToPOIResponse"]
    body["NexoBlob"] = base64.b64encode(blob).decode()
    body["SecurityTrailer"]["Nonce"] = base64.b64encode(nonce).decode()
    body["SecurityTrailer"]["Hmac"] = base64.b64encode(hmac.new(keys.hmac_key, data, hashlib.sha256).digest()).decode()
    return envelope
