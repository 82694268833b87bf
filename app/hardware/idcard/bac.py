"""Basic Access Control (ICAO Doc 9303 part 11, 4.3 and appendix D): keys from the MRZ, mutual
authentication with GET CHALLENGE / EXTERNAL AUTHENTICATE, session keys and the starting SSC."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass

from app.core.identity.errors import AuthenticationFailed, CardResponseInvalid, CardStatusError
from app.core.identity.ports import CardTransport
from app.hardware.idcard import crypto
from app.hardware.idcard.apdu import CommandApdu, ResponseApdu
from app.hardware.idcard.secure_messaging import SecureMessaging, SmCipher

NONCE_LENGTH = 8
KEY_MATERIAL_LENGTH = 16
GET_CHALLENGE = CommandApdu(0x00, 0x84, 0x00, 0x00, le=NONCE_LENGTH)


@dataclass(frozen=True)
class BacKeys:
    """Document basic access keys (Kenc, Kmac), parity-adjusted."""

    k_enc: bytes
    k_mac: bytes

    def __repr__(self) -> str:  # keys open the chip: never in a log or traceback
        return "BacKeys(<secret>)"


def key_seed(mrz_information: str) -> bytes:
    """Kseed: the first 16 bytes of SHA-1 over document number, birth date and expiry with checks."""
    return hashlib.sha1(mrz_information.encode("ascii")).digest()[:16]


def derive_bac_keys(mrz_information: str) -> BacKeys:
    seed = key_seed(mrz_information)
    return BacKeys(crypto.kdf(seed, crypto.KDF_ENC, des=True), crypto.kdf(seed, crypto.KDF_MAC, des=True))


def external_authenticate_command(keys: BacKeys, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes) -> bytes:
    """EXTERNAL AUTHENTICATE with E_IFD || M_IFD over S = RND.IFD || RND.IC || K.IFD."""
    encrypted = crypto.des3_encrypt(keys.k_enc, rnd_ifd + rnd_ic + k_ifd)
    cryptogram = encrypted + crypto.retail_mac(keys.k_mac, encrypted)
    return CommandApdu(0x00, 0x82, 0x00, 0x00, cryptogram, le=len(cryptogram)).encode()


def session_from_response(
    keys: BacKeys, response_data: bytes, rnd_ic: bytes, rnd_ifd: bytes, k_ifd: bytes
) -> SecureMessaging:
    """Checks the chip's E_IC || M_IC and derives KSenc, KSmac and the SSC."""
    if len(response_data) != 40:
        raise CardResponseInvalid("Het antwoord op EXTERNAL AUTHENTICATE heeft een onverwachte lengte.")
    encrypted, mac = response_data[:32], response_data[32:]
    if not hmac.compare_digest(crypto.retail_mac(keys.k_mac, encrypted), mac):
        raise AuthenticationFailed("De chip herkende de sleutel niet. Controleer documentnummer en data.")
    plain = crypto.des3_decrypt(keys.k_enc, encrypted)
    if plain[:8] != rnd_ic or plain[8:16] != rnd_ifd:
        raise AuthenticationFailed("De chip gaf een ongeldig antwoord bij de toegangscontrole.")
    k_ic = plain[16:32]
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    return SecureMessaging(
        cipher=SmCipher.DES3,
        ks_enc=crypto.kdf(seed, crypto.KDF_ENC, des=True),
        ks_mac=crypto.kdf(seed, crypto.KDF_MAC, des=True),
        ssc=int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big"),
    )


def perform_bac(
    transport: CardTransport, mrz_information: str, random: Callable[[int], bytes] = os.urandom
) -> SecureMessaging:
    """Runs BAC on a selected eMRTD application; returns the secure-messaging session."""
    keys = derive_bac_keys(mrz_information)
    rnd_ic = ResponseApdu.parse(transport.transmit(GET_CHALLENGE.encode())).require_success()
    if len(rnd_ic) != NONCE_LENGTH:
        raise CardResponseInvalid("De chip gaf een uitdaging van de verkeerde lengte.")
    rnd_ifd, k_ifd = random(NONCE_LENGTH), random(KEY_MATERIAL_LENGTH)
    answer = ResponseApdu.parse(transport.transmit(external_authenticate_command(keys, rnd_ic, rnd_ifd, k_ifd)))
    try:
        data = answer.require_success()
    except CardStatusError as error:
        # 6300 and friends: the chip rejected our cryptogram, i.e. the MRZ key was wrong.
        raise AuthenticationFailed(
            "De chip herkende de sleutel niet. Controleer documentnummer en data.", status_word=error.status_word
        ) from None
    return session_from_response(keys, data, rnd_ic, rnd_ifd, k_ifd)
