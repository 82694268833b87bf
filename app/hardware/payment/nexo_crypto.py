"""nexo Sale-to-POI message protection as Adyen's Terminal API does it on the local network.

The whole SaleToPOIRequest/Response JSON is encrypted (AES-256-CBC) into `NexoBlob`; only the
MessageHeader stays in clear so the terminal can route it. Keys come from a shared passphrase
(PBKDF2-HMAC-SHA1), and each message carries a random Nonce that is XORed into the derived IV.
The HMAC-SHA256 is over the plaintext, so we decrypt first and then verify before trusting it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app.core.payment.errors import HmacMismatch, KeyUnknown, MessageInvalid

log = logging.getLogger(__name__)

SALT = b"AdyenNexoV1Salt"
ITERATIONS = 4000
CRYPTO_VERSION = 1
MESSAGE_KINDS = ("SaleToPOIRequest", "SaleToPOIResponse")
_NONCE_LENGTH = 16
# A real answer (with two receipts) is a few kilobytes; anything far larger is refused unread.
MAX_MESSAGE_BYTES = 512 * 1024


@dataclass(frozen=True, repr=False)
class NexoKeys:
    """Derived key material. repr hides it so a stray log line cannot leak it."""

    hmac_key: bytes
    cipher_key: bytes
    iv: bytes

    def __repr__(self) -> str:
        return "NexoKeys(<hidden>)"


@dataclass(frozen=True, repr=False)
class NexoCredentials:
    """What the terminal's configuration names: the key's identifier and version, and its material."""

    key_identifier: str
    key_version: int
    keys: NexoKeys

    def __repr__(self) -> str:
        return f"NexoCredentials({self.key_identifier!r}, version {self.key_version})"


def derive_keys(passphrase: str) -> NexoKeys:
    derived = hashlib.pbkdf2_hmac("sha1", passphrase.encode("utf-8"), SALT, ITERATIONS, dklen=80)
    return NexoKeys(hmac_key=derived[0:32], cipher_key=derived[32:64], iv=derived[64:80])


def _iv_for(keys: NexoKeys, nonce: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(keys.iv, nonce, strict=True))


def encrypt_message(
    message: dict[str, Any],
    credentials: NexoCredentials,
    *,
    nonce_source: Callable[[int], bytes] = os.urandom,
) -> dict[str, Any]:
    """Protect a `{"SaleToPOIRequest": {...}}` (or Response) message for the wire."""
    kind = _message_kind(message)
    body = message[kind]
    if not isinstance(body, dict) or not isinstance(body.get("MessageHeader"), dict):
        raise MessageInvalid("Het bericht heeft geen MessageHeader.")
    nonce = nonce_source(_NONCE_LENGTH)
    if len(nonce) != _NONCE_LENGTH:
        raise ValueError("nonce_source must give 16 bytes")
    plaintext = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(
        algorithms.AES(credentials.keys.cipher_key), modes.CBC(_iv_for(credentials.keys, nonce))
    ).encryptor()
    blob = encryptor.update(padded) + encryptor.finalize()
    mac = hmac.new(credentials.keys.hmac_key, plaintext, hashlib.sha256).digest()
    return {
        kind: {
            "MessageHeader": body["MessageHeader"],
            "NexoBlob": base64.b64encode(blob).decode("ascii"),
            "SecurityTrailer": {
                "AdyenCryptoVersion": CRYPTO_VERSION,
                "KeyIdentifier": credentials.key_identifier,
                "KeyVersion": credentials.key_version,
                "Nonce": base64.b64encode(nonce).decode("ascii"),
                "Hmac": base64.b64encode(mac).decode("ascii"),
            },
        }
    }


def decrypt_message(envelope: object, credentials: NexoCredentials) -> dict[str, Any]:
    """Open a protected message (parsed JSON, str or bytes). Only typed PaymentErrors come out."""
    if isinstance(envelope, bytes | str):
        if len(envelope) > MAX_MESSAGE_BYTES:
            raise MessageInvalid("Het bericht van de betaalautomaat is te groot.")
        envelope = load_json(envelope)
    if not isinstance(envelope, dict):
        raise MessageInvalid("Het bericht van de betaalautomaat is geen JSON-object.")
    kind = _message_kind(envelope)
    body = envelope[kind]
    if not isinstance(body, dict):
        raise MessageInvalid("Het bericht van de betaalautomaat heeft geen inhoud.")
    trailer = body.get("SecurityTrailer")
    if not isinstance(trailer, dict):
        raise MessageInvalid("Het bericht van de betaalautomaat heeft geen SecurityTrailer.")
    _check_key(trailer, credentials)
    blob = _b64(body.get("NexoBlob"), "NexoBlob")
    nonce = _b64(trailer.get("Nonce"), "Nonce")
    mac = _b64(trailer.get("Hmac"), "Hmac")
    if len(nonce) != _NONCE_LENGTH or len(mac) != 32 or not blob or len(blob) % 16:
        raise MessageInvalid("Het bericht van de betaalautomaat is afgekapt of verminkt.")
    decryptor = Cipher(
        algorithms.AES(credentials.keys.cipher_key), modes.CBC(_iv_for(credentials.keys, nonce))
    ).decryptor()
    padded = decryptor.update(blob) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plaintext = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        plaintext = padded  # fall through to the HMAC check: one error for every integrity failure
    expected = hmac.new(credentials.keys.hmac_key, plaintext, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, mac):
        log.warning("nexo message from terminal did not verify (key %s)", credentials.key_identifier)
        raise HmacMismatch("Het bericht van de betaalautomaat is niet te vertrouwen.")
    inner = load_json(plaintext)
    if not isinstance(inner, dict) or set(inner) != {kind} or not isinstance(inner[kind], dict):
        raise MessageInvalid("De inhoud van het bericht past niet bij de envelop.")
    # The clear header is what routing used; it must be the header that the HMAC covers.
    if "MessageHeader" in body and body["MessageHeader"] != inner[kind].get("MessageHeader"):
        raise HmacMismatch("De MessageHeader van het bericht is veranderd.")
    return inner


def load_json(data: bytes | str) -> object:
    """json.loads that turns every kind of bad input (also hostile nesting) into MessageInvalid."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise MessageInvalid("Het bericht van de betaalautomaat is geen geldige JSON.") from error


def _message_kind(message: object) -> str:
    if isinstance(message, dict) and len(message) == 1:
        kind = next(iter(message))
        if kind in MESSAGE_KINDS:
            return str(kind)
    raise MessageInvalid("Het bericht is geen SaleToPOIRequest of SaleToPOIResponse.")


def _check_key(trailer: dict[str, Any], credentials: NexoCredentials) -> None:
    version = trailer.get("AdyenCryptoVersion")
    if version != CRYPTO_VERSION or isinstance(version, bool):
        raise KeyUnknown("Onbekende versie van de berichtbeveiliging.", crypto_version=str(version)[:16])
    if trailer.get("KeyIdentifier") != credentials.key_identifier:
        raise KeyUnknown("Het bericht gebruikt een andere sleutel.")
    key_version = trailer.get("KeyVersion")
    if key_version != credentials.key_version or isinstance(key_version, bool):
        raise KeyUnknown("Het bericht gebruikt een andere sleutelversie.")


def _b64(value: object, field: str) -> bytes:
    if not isinstance(value, str):
        raise MessageInvalid(f"Het veld {field} ontbreekt.", field=field)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise MessageInvalid(f"Het veld {field} is geen base64.", field=field) from error
