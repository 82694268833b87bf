"""Cryptographic primitives of ICAO Doc 9303 part 11: key derivation, 3DES and AES with their MACs.

Keys and data here are secrets or personal data: nothing in this module logs.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.ciphers.algorithms import AES
from cryptography.hazmat.primitives.cmac import CMAC

from app.core.identity.errors import SecureMessagingFailed

try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # cryptography 42 still has it in the main package
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES  # type: ignore[no-redef,unused-ignore]

DES_BLOCK = 8
AES_BLOCK = 16
MAC_LENGTH = 8

# Counter values of the 9303 key derivation function (part 11, 9.7.1).
KDF_ENC = 1
KDF_MAC = 2
KDF_PI = 3


def pad(data: bytes, block: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 80, then zeros to a whole block (always added)."""
    padded = data + b"\x80"
    return padded + bytes(-len(padded) % block)


def unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise SecureMessagingFailed("De beveiligde gegevens van de chip zijn ongeldig opgevuld.")
    return stripped[:-1]


def adjust_des_parity(key: bytes) -> bytes:
    """Sets each byte's lowest bit for odd parity, as 9303 prescribes for DES keys."""
    return bytes((byte & 0xFE) | ((bin(byte >> 1).count("1") + 1) % 2) for byte in key)


def kdf(shared_secret: bytes, counter: int, key_length: int = 16, *, des: bool = False) -> bytes:
    """KDF(K, c) of 9303 part 11, 9.7.1: SHA-1 for 3DES and AES-128, SHA-256 for longer AES keys."""
    data = shared_secret + counter.to_bytes(4, "big")
    digest = hashlib.sha1(data).digest() if key_length <= 16 else hashlib.sha256(data).digest()
    key = digest[:key_length]
    return adjust_des_parity(key) if des else key


def des3_encrypt(key: bytes, data: bytes, iv: bytes = bytes(DES_BLOCK)) -> bytes:
    encryptor = Cipher(TripleDES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def des3_decrypt(key: bytes, data: bytes, iv: bytes = bytes(DES_BLOCK)) -> bytes:
    if len(data) % DES_BLOCK:
        raise SecureMessagingFailed("Versleutelde gegevens van de chip hebben een ongeldige lengte.")
    decryptor = Cipher(TripleDES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES, padding method 2 (the 3DES MAC of BAC and its SM)."""
    k1, k2 = key[:8], key[8:16]
    padded = pad(data, DES_BLOCK)
    # Single DES CBC-MAC with K1 over all blocks (a 3DES key K1K1K1 is single DES) ...
    chained = des3_encrypt(k1, padded)[-DES_BLOCK:]
    # ... then the last block is decrypted with K2 and encrypted again with K1.
    step = Cipher(TripleDES(k2), modes.ECB()).decryptor().update(chained)
    return Cipher(TripleDES(k1), modes.ECB()).encryptor().update(step)


def aes_encrypt(key: bytes, data: bytes, iv: bytes = bytes(AES_BLOCK)) -> bytes:
    encryptor = Cipher(AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def aes_decrypt(key: bytes, data: bytes, iv: bytes = bytes(AES_BLOCK)) -> bytes:
    if len(data) % AES_BLOCK:
        raise SecureMessagingFailed("Versleutelde gegevens van de chip hebben een ongeldige lengte.")
    decryptor = Cipher(AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def aes_ecb_encrypt_block(key: bytes, block: bytes) -> bytes:
    return Cipher(AES(key), modes.ECB()).encryptor().update(block)


def aes_cmac(key: bytes, data: bytes) -> bytes:
    """AES-CMAC truncated to 8 bytes (9303 part 11, 9.8.6.2)."""
    mac = CMAC(AES(key))
    mac.update(data)
    return mac.finalize()[:MAC_LENGTH]
