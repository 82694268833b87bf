"""Elliptic-curve arithmetic over prime fields, for PACE generic mapping.

The `cryptography` package cannot multiply with an arbitrary generator, which the mapping produces
(G' = s*G + H), so the few point operations PACE needs are done here with Python integers.
Not constant-time: acceptable for the terminal's single-use ephemeral keys of one PACE run.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.identity.errors import CardResponseInvalid

Point = tuple[int, int]


@dataclass(frozen=True)
class Curve:
    name: str
    p: int
    a: int
    b: int
    generator: Point
    order: int

    @property
    def size(self) -> int:
        return (self.p.bit_length() + 7) // 8

    def contains(self, point: Point) -> bool:
        x, y = point
        return 0 <= x < self.p and 0 <= y < self.p and (y * y - x * x * x - self.a * x - self.b) % self.p == 0

    def add(self, first: Point | None, second: Point | None) -> Point | None:
        """Sum of two points; None is the point at infinity."""
        if first is None:
            return second
        if second is None:
            return first
        (x1, y1), (x2, y2) = first, second
        if x1 == x2 and (y1 + y2) % self.p == 0:
            return None
        if first == second:
            slope = (3 * x1 * x1 + self.a) * pow(2 * y1, -1, self.p)
        else:
            slope = (y2 - y1) * pow(x2 - x1, -1, self.p)
        x3 = (slope * slope - x1 - x2) % self.p
        return x3, (slope * (x1 - x3) - y1) % self.p

    def multiply(self, scalar: int, point: Point | None) -> Point | None:
        result: Point | None = None
        addend = point
        while scalar > 0:
            if scalar & 1:
                result = self.add(result, addend)
            addend = self.add(addend, addend)
            scalar >>= 1
        return result

    def encode(self, point: Point) -> bytes:
        """Uncompressed encoding 04 || x || y."""
        return b"\x04" + point[0].to_bytes(self.size, "big") + point[1].to_bytes(self.size, "big")

    def decode(self, data: bytes) -> Point:
        """A point sent by the chip; anything not on the curve is refused (invalid-curve attacks)."""
        if len(data) != 1 + 2 * self.size or data[0] != 0x04:
            raise CardResponseInvalid("De chip stuurde een ongeldig punt op de curve.")
        point = (int.from_bytes(data[1 : 1 + self.size], "big"), int.from_bytes(data[1 + self.size :], "big"))
        if not self.contains(point):
            raise CardResponseInvalid("De chip stuurde een punt dat niet op de curve ligt.")
        return point


# RFC 5639, section 3.4; standardized domain parameter ID 13 of ICAO 9303 part 11.
BRAINPOOL_P256R1 = Curve(
    name="brainpoolP256r1",
    p=0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
    a=0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
    b=0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
    generator=(
        0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,
        0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997,
    ),
    order=0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
)
