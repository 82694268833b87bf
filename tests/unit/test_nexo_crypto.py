"""nexo local encryption (Adyen Terminal API) against the vector in tests/fixtures, never retyped."""

from __future__ import annotations

import base64
import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.payment.errors import HmacMismatch, KeyUnknown, MessageInvalid, PaymentError
from app.hardware.payment.nexo_crypto import NexoCredentials, decrypt_message, derive_keys, encrypt_message

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "nexo-local-crypto.json"


@cache
def vector() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@cache
def credentials() -> NexoCredentials:
    keys = derive_keys(vector()["derived_key_vector"]["passphrase"])
    return NexoCredentials(key_identifier="CryptoKeyIdentifier12345", key_version=0, keys=keys)


def sale_request() -> dict[str, Any]:
    return {
        "SaleToPOIRequest": {
            "MessageHeader": {
                "ProtocolVersion": "3.0",
                "MessageClass": "Service",
                "MessageCategory": "Payment",
                "MessageType": "Request",
                "SaleID": "LOKET-BALIE-3",
                "ServiceID": "A1b2C3d4E5",
                "POIID": "V400m-324688179",
            },
            "PaymentRequest": {
                "SaleData": {"SaleTransactionID": {"TransactionID": "leges-17", "TimeStamp": "2026-11-23T14:00:00Z"}},
                "PaymentTransaction": {"AmountsReq": {"Currency": "EUR", "RequestedAmount": 77.35}},
            },
        }
    }


def test_source_is_kept() -> None:
    assert "Adyen" in vector()["source"]


def test_derived_keys_match_vector() -> None:
    expected = vector()["derived_key_vector"]
    keys = credentials().keys
    assert keys.hmac_key.hex() == expected["hmac_key"]
    assert keys.cipher_key.hex() == expected["cipher_key"]
    assert keys.iv.hex() == expected["iv"]


def test_round_trip_and_envelope_fields() -> None:
    message = sale_request()
    envelope = encrypt_message(message, credentials())
    body = envelope["SaleToPOIRequest"]
    assert set(body) == {"MessageHeader", "NexoBlob", "SecurityTrailer"}
    assert body["MessageHeader"] == message["SaleToPOIRequest"]["MessageHeader"]
    trailer = body["SecurityTrailer"]
    assert set(trailer) == {"AdyenCryptoVersion", "KeyIdentifier", "KeyVersion", "Nonce", "Hmac"}
    assert trailer["AdyenCryptoVersion"] == 1
    assert len(base64.b64decode(trailer["Nonce"])) == 16
    assert "77.35" not in body["NexoBlob"]
    assert decrypt_message(json.dumps(envelope), credentials()) == message


def test_blob_is_aes_cbc_with_iv_xor_nonce_and_hmac_over_plaintext() -> None:
    """Recompute the documented per-message rule independently, with a fixed nonce."""
    from cryptography.hazmat.primitives import hashes, hmac, padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    expected = vector()["derived_key_vector"]
    nonce = bytes(range(16))
    envelope = encrypt_message(sale_request(), credentials(), nonce_source=lambda n: nonce)
    iv = bytes(a ^ b for a, b in zip(bytes.fromhex(expected["iv"]), nonce, strict=True))
    decryptor = Cipher(algorithms.AES(bytes.fromhex(expected["cipher_key"])), modes.CBC(iv)).decryptor()
    blob = base64.b64decode(envelope["SaleToPOIRequest"]["NexoBlob"])
    unpadder = padding.PKCS7(128).unpadder()
    plaintext = unpadder.update(decryptor.update(blob) + decryptor.finalize()) + unpadder.finalize()
    assert json.loads(plaintext) == sale_request()
    mac = hmac.HMAC(bytes.fromhex(expected["hmac_key"]), hashes.SHA256())
    mac.update(plaintext)
    assert base64.b64decode(envelope["SaleToPOIRequest"]["SecurityTrailer"]["Hmac"]) == mac.finalize()


def test_response_round_trip() -> None:
    response = {"SaleToPOIResponse": {"MessageHeader": {"ServiceID": "X1"}, "PaymentResponse": {"Response": {}}}}
    assert decrypt_message(encrypt_message(response, credentials()), credentials()) == response


def test_tampered_blob_is_hmac_mismatch() -> None:
    envelope = encrypt_message(sale_request(), credentials())
    blob = bytearray(base64.b64decode(envelope["SaleToPOIRequest"]["NexoBlob"]))
    blob[5] ^= 0x01
    envelope["SaleToPOIRequest"]["NexoBlob"] = base64.b64encode(bytes(blob)).decode()
    with pytest.raises(HmacMismatch) as caught:
        decrypt_message(envelope, credentials())
    assert caught.value.code == "payment.hmac_mismatch"


def test_changed_clear_header_is_refused() -> None:
    envelope = encrypt_message(sale_request(), credentials())
    envelope["SaleToPOIRequest"]["MessageHeader"]["ServiceID"] = "Other1"
    with pytest.raises(HmacMismatch):
        decrypt_message(envelope, credentials())


def test_truncated_blob_is_message_invalid() -> None:
    envelope = encrypt_message(sale_request(), credentials())
    envelope["SaleToPOIRequest"]["NexoBlob"] = envelope["SaleToPOIRequest"]["NexoBlob"][:-8]
    with pytest.raises(MessageInvalid) as caught:
        decrypt_message(envelope, credentials())
    assert caught.value.code == "payment.message_invalid"


def test_wrong_passphrase_does_not_verify() -> None:
    envelope = encrypt_message(sale_request(), credentials())
    other = NexoCredentials("CryptoKeyIdentifier12345", 0, derive_keys("something else"))
    with pytest.raises(HmacMismatch):
        decrypt_message(envelope, other)


@pytest.mark.parametrize(("field", "value"), [("KeyIdentifier", "Other"), ("KeyVersion", 1), ("AdyenCryptoVersion", 2)])
def test_other_key_is_key_unknown(field: str, value: object) -> None:
    envelope = encrypt_message(sale_request(), credentials())
    envelope["SaleToPOIRequest"]["SecurityTrailer"][field] = value
    with pytest.raises(KeyUnknown) as caught:
        decrypt_message(envelope, credentials())
    assert caught.value.code == "payment.key_unknown"


@pytest.mark.parametrize("garbage", [b"", b"not json", "[]", "{}", '{"SaleToPOIRequest": 3}', b"\xff\xfe"])
def test_garbage_is_message_invalid(garbage: str | bytes) -> None:
    with pytest.raises(MessageInvalid):
        decrypt_message(garbage, credentials())


_ENVELOPE = encrypt_message(sale_request(), credentials(), nonce_source=lambda n: b"\x07" * n)
_ENCODED = json.dumps(_ENVELOPE).encode()


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0, max_value=len(_ENCODED) - 1), value=st.integers(min_value=0, max_value=255))
def test_mutated_envelope_bytes_give_only_typed_errors(position: int, value: int) -> None:
    mutated = bytearray(_ENCODED)
    mutated[position] = value
    try:
        result = decrypt_message(bytes(mutated), credentials())
    except PaymentError:
        return
    # A mutation that survives must be harmless (whitespace, an equivalent JSON spelling).
    assert result == sale_request()


@settings(max_examples=200, deadline=None)
@given(
    field=st.sampled_from(["NexoBlob", "Nonce", "Hmac"]),
    raw=st.binary(max_size=96),
)
def test_garbage_fields_give_only_typed_errors(field: str, raw: bytes) -> None:
    envelope = copy.deepcopy(_ENVELOPE)
    target = envelope["SaleToPOIRequest"] if field == "NexoBlob" else envelope["SaleToPOIRequest"]["SecurityTrailer"]
    target[field] = base64.b64encode(raw).decode()
    with pytest.raises(PaymentError):
        decrypt_message(envelope, credentials())


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        st.recursive(st.none() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)),
    )
)
def test_arbitrary_input_gives_only_typed_errors(garbage: object) -> None:
    with pytest.raises(PaymentError):
        decrypt_message(garbage, credentials())


@settings(max_examples=200, deadline=None)
@given(
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)), min_size=1, max_size=4)
)
def test_bit_flipped_blob_gives_hmac_mismatch(flips: list[tuple[int, int]]) -> None:
    envelope = copy.deepcopy(_ENVELOPE)
    blob = bytearray(base64.b64decode(envelope["SaleToPOIRequest"]["NexoBlob"]))
    for position, mask in flips:
        blob[position % len(blob)] ^= mask
    envelope["SaleToPOIRequest"]["NexoBlob"] = base64.b64encode(bytes(blob)).decode()
    if bytes(blob) == base64.b64decode(_ENVELOPE["SaleToPOIRequest"]["NexoBlob"]):
        return  # flips that cancel out leave the original message
    with pytest.raises(HmacMismatch):
        decrypt_message(envelope, credentials())
