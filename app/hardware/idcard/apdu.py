"""Short command and response APDUs (ISO/IEC 7816-4). Extended length is not used: not every
contactless reader supports it, and 9303 works with short APDUs."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.identity.errors import CardResponseInvalid, CardStatusError, CommandInvalid

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282  # fewer bytes than asked: the file ended
MAX_SHORT_LC = 255
MAX_SHORT_LE = 256


@dataclass(frozen=True)
class CommandApdu:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None  # expected response length, 1..256; None: no response data

    def encode(self) -> bytes:
        if any(not 0 <= byte <= 0xFF for byte in (self.cla, self.ins, self.p1, self.p2)):
            raise CommandInvalid("Een kopbyte van een kaartopdracht valt buiten 0-255.")
        if len(self.data) > MAX_SHORT_LC:
            raise CommandInvalid("Een kaartopdracht heeft te veel gegevens voor een korte APDU.")
        out = bytes([self.cla, self.ins, self.p1, self.p2])
        if self.data:
            out += bytes([len(self.data)]) + self.data
        if self.le is not None:
            if not 1 <= self.le <= MAX_SHORT_LE:
                raise CommandInvalid("De verwachte antwoordlengte valt buiten 1-256.")
            out += bytes([self.le % 256])
        return out

    @classmethod
    def parse(cls, apdu: bytes) -> CommandApdu:
        if len(apdu) < 4:
            raise CommandInvalid("Een kaartopdracht is korter dan vier bytes.")
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or MAX_SHORT_LE)
        lc = body[0]
        if lc == 0:
            raise CommandInvalid("Uitgebreide APDU's worden niet gebruikt.")
        data = body[1 : 1 + lc]
        rest = body[1 + lc :]
        if len(data) != lc or len(rest) > 1:
            raise CommandInvalid("De lengte van een kaartopdracht klopt niet.")
        return cls(cla, ins, p1, p2, data, (rest[0] or MAX_SHORT_LE) if rest else None)


@dataclass(frozen=True)
class ResponseApdu:
    data: bytes
    sw: int

    @classmethod
    def parse(cls, response: bytes) -> ResponseApdu:
        if len(response) < 2:
            raise CardResponseInvalid("Het antwoord van de chip is te kort.", length=len(response))
        return cls(bytes(response[:-2]), int.from_bytes(response[-2:], "big"))

    def encode(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    def require_success(self, *allowed: int) -> bytes:
        """The data, or CardStatusError when the status word is not 9000 (or one of `allowed`)."""
        if self.sw != SW_OK and self.sw not in allowed:
            raise CardStatusError(f"De chip weigerde de opdracht (status {self.sw:04X}).", status_word=self.sw)
        return self.data
