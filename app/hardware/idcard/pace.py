"""PACE with ECDH generic mapping and AES (ICAO Doc 9303 part 11, 4.4), password = the MRZ.

Steps: MSE:Set AT; GENERAL AUTHENTICATE 1 gets the encrypted nonce s; 2 maps the generator
(G' = s*G + H, H the ECDH point of the mapping keys); 3 agrees the shared secret on G'; 4 swaps
authentication tokens. The result is an AES secure-messaging session with SSC 0.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from app.core.identity.card_access import (
    PACE_ECDH_GM_AES_CBC_CMAC_128,
    PACE_ECDH_GM_AES_CBC_CMAC_192,
    PACE_ECDH_GM_AES_CBC_CMAC_256,
    PaceInfo,
)
from app.core.identity.errors import AuthenticationFailed, CardResponseInvalid, CardStatusError, UnsupportedProtocol
from app.core.identity.ports import CardTransport
from app.core.identity.tlv import encode_oid, encode_tlv, parse_one
from app.hardware.idcard import crypto
from app.hardware.idcard import ec as curves
from app.hardware.idcard.apdu import CommandApdu, ResponseApdu
from app.hardware.idcard.secure_messaging import SecureMessaging, SmCipher

# AES key length per protocol OID we support.
_KEY_LENGTHS = {PACE_ECDH_GM_AES_CBC_CMAC_128: 16, PACE_ECDH_GM_AES_CBC_CMAC_192: 24, PACE_ECDH_GM_AES_CBC_CMAC_256: 32}
_CURVES = curves.STANDARD_CURVES  # Brainpool and NIST curves by PACE parameter ID
PASSWORD_MRZ = 0x01
TAG_DYNAMIC_AUTH = 0x7C
TAG_PUBLIC_KEY = 0x7F49
TAG_EC_POINT = 0x86


@dataclass(frozen=True)
class PaceSuite:
    """A PACE variant we can run: protocol OID, domain parameters and AES key length."""

    protocol: str
    parameter_id: int
    curve: curves.Curve
    key_length: int


def choose_suite(offered: list[PaceInfo]) -> PaceSuite:
    """The first PACEInfo of EF.CardAccess that we implement."""
    for info in offered:
        if info.protocol in _KEY_LENGTHS and info.parameter_id in _CURVES:
            return PaceSuite(info.protocol, info.parameter_id, _CURVES[info.parameter_id], _KEY_LENGTHS[info.protocol])
    raise UnsupportedProtocol("Deze chip biedt geen PACE-variant aan die wij ondersteunen.")


def password_key(mrz_information: str, key_length: int = 16) -> bytes:
    """K_pi = KDF_pi(SHA-1(MRZ information))."""
    return crypto.kdf(hashlib.sha1(mrz_information.encode("ascii")).digest(), crypto.KDF_PI, key_length)


def mse_set_at_command(protocol: str, parameter_id: int | None = None) -> bytes:
    data = encode_tlv(0x80, encode_oid(protocol)) + encode_tlv(0x83, bytes([PASSWORD_MRZ]))
    if parameter_id is not None:
        data += encode_tlv(0x84, bytes([parameter_id]))
    return CommandApdu(0x00, 0x22, 0xC1, 0xA4, data).encode()


def general_authenticate_command(tag: int | None, payload: bytes, *, last: bool = False) -> bytes:
    """GENERAL AUTHENTICATE; all but the last step are chained (CLA 10)."""
    inner = encode_tlv(tag, payload) if tag is not None else b""
    return CommandApdu(0x00 if last else 0x10, 0x86, 0x00, 0x00, encode_tlv(TAG_DYNAMIC_AUTH, inner), le=256).encode()


def general_authenticate_response(response: bytes, tag: int) -> bytes:
    data = ResponseApdu.parse(response).require_success()
    outer = parse_one(data)
    if outer.tag != TAG_DYNAMIC_AUTH:
        raise CardResponseInvalid("Het antwoord op GENERAL AUTHENTICATE heeft een onverwachte vorm.")
    return outer.child(tag).value


def decrypt_nonce(k_pi: bytes, encrypted: bytes) -> int:
    if not encrypted or len(encrypted) % crypto.AES_BLOCK:
        raise CardResponseInvalid("De chip stuurde een nonce van een ongeldige lengte.")
    return int.from_bytes(crypto.aes_decrypt(k_pi, encrypted), "big")


def mapped_generator(curve: curves.Curve, nonce: int, shared_point: curves.Point) -> curves.Point:
    """Generic mapping: G' = s*G + H."""
    point = curve.add(curve.multiply(nonce, curve.generator), shared_point)
    if point is None:
        raise AuthenticationFailed("De PACE-afbeelding leverde geen bruikbaar punt op.")
    return point


def session_keys(shared_secret: bytes, key_length: int) -> tuple[bytes, bytes]:
    return crypto.kdf(shared_secret, crypto.KDF_ENC, key_length), crypto.kdf(shared_secret, crypto.KDF_MAC, key_length)


def authentication_token(ks_mac: bytes, protocol: str, curve: curves.Curve, other_public: curves.Point) -> bytes:
    """T = MAC(KS_mac, public key data object of the other side's ephemeral key)."""
    content = encode_tlv(0x06, encode_oid(protocol)) + encode_tlv(TAG_EC_POINT, curve.encode(other_public))
    return crypto.aes_cmac(ks_mac, encode_tlv(TAG_PUBLIC_KEY, content))


def _step(transport: CardTransport, tag: int | None, payload: bytes, answer_tag: int, *, last: bool = False) -> bytes:
    """One GENERAL AUTHENTICATE round: what the chip put under `answer_tag`."""
    return general_authenticate_response(
        transport.transmit(general_authenticate_command(tag, payload, last=last)), answer_tag
    )


def _multiply(curve: curves.Curve, scalar: int, point: curves.Point) -> curves.Point:
    result = curve.multiply(scalar, point)
    if result is None:
        raise AuthenticationFailed("De sleutelafspraak met de chip leverde geen bruikbaar punt op.")
    return result


def perform_pace(
    transport: CardTransport,
    mrz_information: str,
    suite: PaceSuite,
    random_scalar: Callable[[int], int] | None = None,
    *,
    send_parameter_id: bool = False,
) -> SecureMessaging:
    """Runs PACE on the selected master file; returns the AES secure-messaging session."""
    curve = suite.curve
    draw = random_scalar or (lambda order: 1 + secrets.randbelow(order - 1))
    parameter_id = suite.parameter_id if send_parameter_id else None
    ResponseApdu.parse(transport.transmit(mse_set_at_command(suite.protocol, parameter_id))).require_success()

    nonce = decrypt_nonce(password_key(mrz_information, suite.key_length), _step(transport, None, b"", 0x80))

    map_private = draw(curve.order)
    map_public = _multiply(curve, map_private, curve.generator)
    chip_map_public = curve.decode(_step(transport, 0x81, curve.encode(map_public), 0x82))
    generator = mapped_generator(curve, nonce, _multiply(curve, map_private, chip_map_public))

    own_private = draw(curve.order)
    own_public = _multiply(curve, own_private, generator)
    chip_public = curve.decode(_step(transport, 0x83, curve.encode(own_public), 0x84))
    if chip_public == own_public:
        raise AuthenticationFailed("De chip gaf onze eigen sleutel terug.")
    shared = _multiply(curve, own_private, chip_public)[0].to_bytes(curve.size, "big")
    ks_enc, ks_mac = session_keys(shared, suite.key_length)

    token = authentication_token(ks_mac, suite.protocol, curve, chip_public)
    try:
        chip_token = _step(transport, 0x85, token, 0x86, last=True)
    except CardStatusError as error:
        # Only here can the chip notice a wrong MRZ (different nonce, so a different token): 6300.
        raise AuthenticationFailed(
            "De chip herkende de sleutel niet. Controleer documentnummer en data.", status_word=error.status_word
        ) from None
    if not hmac.compare_digest(chip_token, authentication_token(ks_mac, suite.protocol, curve, own_public)):
        raise AuthenticationFailed("De chip bewees niet dezelfde sleutel te hebben.")
    return SecureMessaging(SmCipher.AES, ks_enc, ks_mac, 0)
