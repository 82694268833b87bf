"""An in-process eMRTD chip for unit tests: BAC and PACE (ECDH-GM, AES-128, brainpoolP256r1) on the
chip side, then files behind secure messaging. Keys come from the MRZ it was made with, so a reader
with another MRZ fails exactly as with a real document."""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from app.core.identity.card_access import BRAINPOOL_P256R1, PACE_ECDH_GM_AES_CBC_CMAC_128, PaceInfo
from app.core.identity.errors import IdentityError
from app.core.identity.tlv import decode_oid, encode_oid, encode_tlv, parse_all, parse_one
from app.hardware.idcard import crypto
from app.hardware.idcard.apdu import CommandApdu
from app.hardware.idcard.bac import derive_bac_keys
from app.hardware.idcard.ec import STANDARD_CURVES, Point
from app.hardware.idcard.fake import InMemoryCard
from app.hardware.idcard.pace import authentication_token, mapped_generator, password_key, session_keys
from app.hardware.idcard.secure_messaging import SecureMessaging, SmCipher

EF_CARD_ACCESS = 0x011C
OK = b"\x90\x00"
SECURITY_NOT_SATISFIED = b"\x69\x82"
AUTHENTICATION_FAILED = b"\x63\x00"
SM_OBJECTS_WRONG = b"\x69\x88"


def card_access_for(info: PaceInfo) -> bytes:
    """EF.CardAccess content offering one PACE variant."""
    content = encode_tlv(0x06, encode_oid(info.protocol)) + encode_tlv(0x02, bytes([info.version]))
    if info.parameter_id is not None:
        content += encode_tlv(0x02, bytes([info.parameter_id]))
    return encode_tlv(0x31, encode_tlv(0x30, content))


@dataclass
class _PaceState:
    protocol: str
    nonce: int = 0
    generator: Point | None = None
    terminal_public: Point | None = None
    own_public: Point | None = None
    ks_enc: bytes = b""
    ks_mac: bytes = b""


class FakeEmrtdChip:
    def __init__(
        self,
        mrz_information: str,
        files: dict[int, bytes],
        *,
        pace: bool = True,
        random: Callable[[int], bytes] = os.urandom,
        parameter_id: int = BRAINPOOL_P256R1,
    ) -> None:
        self._mrz_information = mrz_information
        self._random = random
        self._curve = STANDARD_CURVES[parameter_id]  # PACE domain parameters the chip offers
        card_access = card_access_for(PaceInfo(PACE_ECDH_GM_AES_CBC_CMAC_128, 2, parameter_id)) if pace else None
        self._public = InMemoryCard({EF_CARD_ACCESS: card_access} if card_access else {})
        self._files = InMemoryCard(files)
        self._session: SecureMessaging | None = None
        self._challenge = b""
        self._pace: _PaceState | None = None
        self.commands = 0

    @property
    def file_commands(self) -> list[CommandApdu]:
        """The plain commands that reached the files, after secure messaging was removed."""
        return self._files.commands

    @property
    def authenticated(self) -> bool:
        return self._session is not None

    def transmit(self, apdu: bytes) -> bytes:
        self.commands += 1
        if self._session is None:
            return self._plain(CommandApdu.parse(apdu))
        try:
            plain = self._session.unprotect_command(apdu)
        except IdentityError:
            self._session = None  # ISO 7816-4: an SM error ends the session
            return SM_OBJECTS_WRONG
        response = self._files.transmit(plain)
        status = int.from_bytes(response[-2:], "big")
        return self._session.protect_response(response[:-2], status, odd_instruction=bool(plain[1] & 1))

    def _plain(self, command: CommandApdu) -> bytes:
        if command.ins == 0xA4 and command.p1 == 0x04:
            return OK  # application selected; its files still need access control
        if command.ins in (0xA4, 0xB0, 0xB1):
            return self._public.transmit(command.encode())
        if command.ins == 0x84:
            self._challenge = self._random(8)
            return self._challenge + OK
        if command.ins == 0x82:
            return self._external_authenticate(command.data)
        if command.ins == 0x22:
            return self._mse_set_at(command.data)
        if command.ins == 0x86:
            return self._general_authenticate(command.data)
        return SECURITY_NOT_SATISFIED

    def _external_authenticate(self, data: bytes) -> bytes:
        keys = derive_bac_keys(self._mrz_information)
        if len(data) != 40 or not self._challenge:
            return AUTHENTICATION_FAILED
        if not hmac.compare_digest(crypto.retail_mac(keys.k_mac, data[:32]), data[32:]):
            return AUTHENTICATION_FAILED
        plain = crypto.des3_decrypt(keys.k_enc, data[:32])
        rnd_ifd, rnd_ic, k_ifd = plain[:8], plain[8:16], plain[16:]
        if rnd_ic != self._challenge:
            return AUTHENTICATION_FAILED
        k_ic = self._random(16)
        answer = crypto.des3_encrypt(keys.k_enc, rnd_ic + rnd_ifd + k_ic)
        seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
        self._session = SecureMessaging(
            SmCipher.DES3,
            crypto.kdf(seed, crypto.KDF_ENC, des=True),
            crypto.kdf(seed, crypto.KDF_MAC, des=True),
            int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big"),
        )
        return answer + crypto.retail_mac(keys.k_mac, answer) + OK

    def _mse_set_at(self, data: bytes) -> bytes:
        try:
            items = {item.tag: item.value for item in parse_all(data)}
            protocol = decode_oid(items[0x80])
        except (IdentityError, KeyError):
            return b"\x6a\x80"
        if protocol != PACE_ECDH_GM_AES_CBC_CMAC_128:
            return b"\x6a\x80"
        self._pace = _PaceState(protocol)
        return OK

    def _general_authenticate(self, data: bytes) -> bytes:
        if self._pace is None:
            return b"\x69\x85"
        try:
            inner = parse_one(data).value
            step = parse_one(inner) if inner else None
            return self._pace_step(self._pace, step.tag if step else None, step.value if step else b"")
        except IdentityError:
            return b"\x6a\x80"

    def _pace_step(self, state: _PaceState, tag: int | None, value: bytes) -> bytes:
        curve = self._curve
        if tag is None:
            nonce = self._random(16)
            state.nonce = int.from_bytes(nonce, "big")
            return _answer(0x80, crypto.aes_encrypt(password_key(self._mrz_information), nonce))
        if tag == 0x81:
            private = 1 + secrets.randbelow(curve.order - 1)
            shared = curve.multiply(private, curve.decode(value))
            state.generator = mapped_generator(curve, state.nonce, _point(shared))
            return _answer(0x82, curve.encode(_point(curve.multiply(private, curve.generator))))
        if tag == 0x83:
            private = 1 + secrets.randbelow(curve.order - 1)
            state.terminal_public = curve.decode(value)
            state.own_public = _point(curve.multiply(private, _point(state.generator)))
            secret = _point(curve.multiply(private, state.terminal_public))[0].to_bytes(curve.size, "big")
            state.ks_enc, state.ks_mac = session_keys(secret, 16)
            return _answer(0x84, curve.encode(state.own_public))
        if tag == 0x85:
            expected = authentication_token(state.ks_mac, state.protocol, curve, _point(state.own_public))
            if not state.ks_mac or not hmac.compare_digest(value, expected):
                return AUTHENTICATION_FAILED
            self._session = SecureMessaging(SmCipher.AES, state.ks_enc, state.ks_mac, 0)
            token = authentication_token(state.ks_mac, state.protocol, curve, _point(state.terminal_public))
            return _answer(0x86, token)
        return b"\x6a\x80"


def _answer(tag: int, value: bytes) -> bytes:
    return encode_tlv(0x7C, encode_tlv(tag, value)) + OK


def _point(value: Point | None) -> Point:
    if value is None:
        raise IdentityError("PACE-stap in de verkeerde volgorde.")
    return value
