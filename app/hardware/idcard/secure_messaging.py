"""Secure messaging of ICAO Doc 9303 part 11, 9.8: protected APDUs with DO'87'/'85', '97', '99', '8E'.

The send sequence counter (SSC) goes up by one for every command and for every response, before
the MAC is computed. 3DES uses a zero IV and the retail MAC; AES uses IV = E(KSenc, SSC) and CMAC.
Nothing here logs: APDUs carry personal data.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from enum import Enum

from app.core.identity.errors import CardResponseInvalid, CommandInvalid, SecureMessagingFailed
from app.core.identity.ports import CardTransport
from app.core.identity.tlv import Tlv, encode_tlv, iter_tlv
from app.hardware.idcard import crypto
from app.hardware.idcard.apdu import MAX_SHORT_LC, SW_OK, CommandApdu, ResponseApdu

SM_CLA = 0x0C
TAG_CRYPTOGRAM_PADDED = 0x87  # padding indicator + cryptogram (even INS)
TAG_CRYPTOGRAM_BER = 0x85  # cryptogram of BER-TLV data (odd INS)
TAG_LE = 0x97
TAG_STATUS = 0x99
TAG_MAC = 0x8E
PADDING_INDICATOR = 0x01


class SmCipher(Enum):
    DES3 = "3des"
    AES = "aes"


@dataclass
class SecureMessaging:
    """Session keys and counter of one access-controlled session with a chip."""

    cipher: SmCipher
    # Session keys stay out of repr, so no log line or traceback ever carries them.
    ks_enc: bytes = field(repr=False)
    ks_mac: bytes = field(repr=False)
    ssc: int = field(repr=False)

    @property
    def block_size(self) -> int:
        return crypto.DES_BLOCK if self.cipher is SmCipher.DES3 else crypto.AES_BLOCK

    @property
    def ssc_bytes(self) -> bytes:
        return self.ssc.to_bytes(self.block_size, "big")

    def _encrypt(self, data: bytes) -> bytes:
        if self.cipher is SmCipher.DES3:
            return crypto.des3_encrypt(self.ks_enc, data)
        return crypto.aes_encrypt(self.ks_enc, data, self._aes_iv())

    def _decrypt(self, data: bytes) -> bytes:
        if self.cipher is SmCipher.DES3:
            return crypto.des3_decrypt(self.ks_enc, data)
        return crypto.aes_decrypt(self.ks_enc, data, self._aes_iv())

    def _aes_iv(self) -> bytes:
        return crypto.aes_ecb_encrypt_block(self.ks_enc, self.ssc_bytes)

    def mac(self, data: bytes) -> bytes:
        """MAC over SSC || data with the current (already incremented) counter."""
        message = self.ssc_bytes + data
        if self.cipher is SmCipher.DES3:
            return crypto.retail_mac(self.ks_mac, message)
        return crypto.aes_cmac(self.ks_mac, crypto.pad(message, crypto.AES_BLOCK))

    def _next(self) -> None:
        self.ssc = (self.ssc + 1) % (1 << (8 * self.block_size))

    def wrap(self, apdu: bytes) -> bytes:
        """The protected form of an unprotected short command APDU."""
        command = CommandApdu.parse(apdu)
        if command.cla & 0x0C:
            raise CommandInvalid("Deze kaartopdracht is al beveiligd.")
        cla = command.cla | SM_CLA
        header = bytes([cla, command.ins, command.p1, command.p2])
        self._next()  # before encrypting: the AES IV is derived from this command's counter
        body = b""
        if command.data:
            cryptogram = self._encrypt(crypto.pad(command.data, self.block_size))
            if command.ins & 1:
                body += encode_tlv(TAG_CRYPTOGRAM_BER, cryptogram)
            else:
                body += encode_tlv(TAG_CRYPTOGRAM_PADDED, bytes([PADDING_INDICATOR]) + cryptogram)
        if command.le is not None:
            body += encode_tlv(TAG_LE, bytes([command.le % 256]))
        body += encode_tlv(TAG_MAC, self.mac(crypto.pad(header, self.block_size) + body))
        if len(body) > MAX_SHORT_LC:
            raise CommandInvalid("De beveiligde kaartopdracht past niet in een korte APDU.")
        return header + bytes([len(body)]) + body + b"\x00"

    def unwrap(self, response: bytes) -> bytes:
        """The unprotected response APDU (data + status word) of a protected response.

        A bare error status without data objects is passed on as is: the chip sends those when it
        could not process the command, and they only ever lead to an error."""
        raw = ResponseApdu.parse(response)
        self._next()
        if not raw.data:
            if raw.sw == SW_OK:
                raise SecureMessagingFailed("De chip antwoordde zonder beveiliging.")
            return raw.encode()
        objects = list(iter_tlv(raw.data))
        if not objects or objects[-1].tag != TAG_MAC or len(objects[-1].value) != crypto.MAC_LENGTH:
            raise SecureMessagingFailed("Het antwoord van de chip heeft geen geldige MAC.")
        if any(item.tag not in (TAG_CRYPTOGRAM_PADDED, TAG_CRYPTOGRAM_BER, TAG_STATUS) for item in objects[:-1]):
            raise SecureMessagingFailed("Het antwoord van de chip bevat een onbekend beveiligd element.")
        protected = b"".join(item.encode() for item in objects[:-1])
        if not hmac.compare_digest(self.mac(protected), objects[-1].value):
            raise SecureMessagingFailed("De MAC van het antwoord van de chip klopt niet.")
        return self._plain_data(objects[:-1]) + self._status(objects[:-1], raw.sw).to_bytes(2, "big")

    def unprotect_command(self, apdu: bytes) -> bytes:
        """The chip's side (for simulators and tests): checks a protected command, returns it plain."""
        command = CommandApdu.parse(apdu)
        if command.cla & SM_CLA != SM_CLA:
            raise SecureMessagingFailed("De opdracht is niet beveiligd.")
        self._next()
        objects = list(iter_tlv(command.data))
        if not objects or objects[-1].tag != TAG_MAC:
            raise SecureMessagingFailed("De beveiligde opdracht heeft geen MAC.")
        header = bytes([command.cla, command.ins, command.p1, command.p2])
        protected = crypto.pad(header, self.block_size) + b"".join(item.encode() for item in objects[:-1])
        if not hmac.compare_digest(self.mac(protected), objects[-1].value):
            raise SecureMessagingFailed("De MAC van de beveiligde opdracht klopt niet.")
        le = next((item.value for item in objects if item.tag == TAG_LE), None)
        plain = CommandApdu(
            command.cla & ~SM_CLA & 0xFF,
            command.ins,
            command.p1,
            command.p2,
            self._plain_data(objects[:-1]),
            None if le is None else (le[0] if le and le[0] else 256),
        )
        return plain.encode()

    def protect_response(self, data: bytes, status_word: int, *, odd_instruction: bool = False) -> bytes:
        """The chip's side (for simulators and tests): a protected response APDU with DO'87' (DO'85'
        for an odd instruction), '99' and '8E'."""
        self._next()
        body = b""
        if data:
            cryptogram = self._encrypt(crypto.pad(data, self.block_size))
            if odd_instruction:
                body += encode_tlv(TAG_CRYPTOGRAM_BER, cryptogram)
            else:
                body += encode_tlv(TAG_CRYPTOGRAM_PADDED, bytes([PADDING_INDICATOR]) + cryptogram)
        status = status_word.to_bytes(2, "big")
        body += encode_tlv(TAG_STATUS, status)
        return body + encode_tlv(TAG_MAC, self.mac(body)) + status

    def _plain_data(self, objects: list[Tlv]) -> bytes:
        for item in objects:
            if item.tag == TAG_CRYPTOGRAM_PADDED:
                if not item.value or item.value[0] != PADDING_INDICATOR:
                    raise SecureMessagingFailed("Onbekende opvulling in het antwoord van de chip.")
                return crypto.unpad(self._decrypt(item.value[1:]))
            if item.tag == TAG_CRYPTOGRAM_BER:
                return crypto.unpad(self._decrypt(item.value))
        return b""

    @staticmethod
    def _status(objects: list[Tlv], outer: int) -> int:
        for item in objects:
            if item.tag == TAG_STATUS:
                if len(item.value) != 2:
                    raise CardResponseInvalid("Het beveiligde statuswoord van de chip is ongeldig.")
                return int.from_bytes(item.value, "big")
        return outer


class SecureChannel:
    """A CardTransport that protects every APDU of another transport; callers see plain APDUs."""

    def __init__(self, transport: CardTransport, session: SecureMessaging) -> None:
        self._transport = transport
        self._session = session

    def transmit(self, apdu: bytes) -> bytes:
        return self._session.unwrap(self._transport.transmit(self._session.wrap(apdu)))
