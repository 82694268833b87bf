"""A small BER-TLV / DER reader and writer for chip data (ICAO 9303 data groups, EF.CardAccess).

Everything read from a chip is untrusted: any truncation, bad length or trailing garbage raises
`TlvInvalid`, never IndexError or ValueError.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.core.identity.errors import TlvInvalid

# Definite lengths up to 4 bytes (ISO 7816-4 allows no more); indefinite length is not DER.
_MAX_LENGTH_BYTES = 4
# Tags longer than 3 bytes occur in no ICAO or ISO 7816 structure.
_MAX_TAG_BYTES = 3


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        first = self.tag.to_bytes(max(1, (self.tag.bit_length() + 7) // 8), "big")[0]
        return bool(first & 0x20)

    def children(self) -> list[Tlv]:
        if not self.constructed:
            raise TlvInvalid("Een gegevenselement van de chip heeft geen onderdelen.", tag=self.tag)
        return parse_all(self.value)

    def child(self, tag: int) -> Tlv:
        """The first child with this tag; TlvInvalid when there is none."""
        for item in self.children():
            if item.tag == tag:
                return item
        raise TlvInvalid("Een verwacht gegevenselement ontbreekt op de chip.", tag=tag)

    def encode(self) -> bytes:
        return encode_tlv(self.tag, self.value)


def _read_tag(data: bytes, offset: int) -> tuple[int, int]:
    if offset >= len(data):
        raise TlvInvalid("De gegevens van de chip zijn afgebroken (label ontbreekt).")
    first = data[offset]
    tag = first
    offset += 1
    if first & 0x1F == 0x1F:
        # Multi-byte tag: subsequent bytes while bit 8 is set.
        for _ in range(_MAX_TAG_BYTES - 1):
            if offset >= len(data):
                raise TlvInvalid("De gegevens van de chip zijn afgebroken (label).")
            byte = data[offset]
            tag = (tag << 8) | byte
            offset += 1
            if not byte & 0x80:
                return tag, offset
        raise TlvInvalid("Een label in de gegevens van de chip is te lang.")
    return tag, offset


def _read_length(data: bytes, offset: int) -> tuple[int, int]:
    if offset >= len(data):
        raise TlvInvalid("De gegevens van de chip zijn afgebroken (lengte ontbreekt).")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    count = first & 0x7F
    if count == 0 or count > _MAX_LENGTH_BYTES:
        raise TlvInvalid("Een lengte in de gegevens van de chip is ongeldig.", length_byte=first)
    if offset + count > len(data):
        raise TlvInvalid("De gegevens van de chip zijn afgebroken (lengte).")
    return int.from_bytes(data[offset : offset + count], "big"), offset + count


def read_tlv(data: bytes, offset: int = 0) -> tuple[Tlv, int]:
    """One TLV at `offset`; returns it and the offset just after it."""
    tag, offset = _read_tag(data, offset)
    length, offset = _read_length(data, offset)
    end = offset + length
    if end > len(data):
        raise TlvInvalid("De gegevens van de chip zijn korter dan hun lengte aangeeft.", tag=tag)
    return Tlv(tag, bytes(data[offset:end])), end


def iter_tlv(data: bytes) -> Iterator[Tlv]:
    offset = 0
    while offset < len(data):
        item, offset = read_tlv(data, offset)
        yield item


def parse_all(data: bytes) -> list[Tlv]:
    return list(iter_tlv(data))


def parse_one(data: bytes, *, allow_trailing: bool = False) -> Tlv:
    """Exactly one TLV. Files read in whole blocks may end in padding: `allow_trailing` for those."""
    item, end = read_tlv(data)
    if end != len(data) and not allow_trailing:
        raise TlvInvalid("Na de gegevens van de chip volgen onverwachte bytes.", tag=item.tag)
    return item


def encoded_size(header: bytes) -> int:
    """Total size of the TLV whose first bytes (at least tag and length) are `header`."""
    tag_end = _read_tag(header, 0)[1]
    length, value_start = _read_length(header, tag_end)
    return value_start + length


def encode_length(length: int) -> bytes:
    if length < 0:
        raise TlvInvalid("Een lengte kan niet negatief zijn.")
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    if len(body) > _MAX_LENGTH_BYTES:
        raise TlvInvalid("Gegevens te lang voor één element.")
    return bytes([0x80 | len(body)]) + body


def encode_tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    return tag_bytes + encode_length(len(value)) + value


# --- DER values (ASN.1 universal types used in EF.CardAccess / DG14) -----------------------------

TAG_INTEGER = 0x02
TAG_OID = 0x06
TAG_SEQUENCE = 0x30
TAG_SET = 0x31


def decode_oid(value: bytes) -> str:
    """Dotted OID text from the content bytes of a DER OBJECT IDENTIFIER."""
    if not value or value[-1] & 0x80:
        raise TlvInvalid("Een objectidentificatie op de chip is ongeldig.")
    arcs: list[int] = []
    current = 0
    for byte in value:
        current = (current << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(current)
            current = 0
    first = arcs[0]
    head = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    return ".".join(str(arc) for arc in head + arcs[1:])


def encode_oid(dotted: str) -> bytes:
    """Content bytes of a DER OBJECT IDENTIFIER (no tag or length)."""
    try:
        arcs = [int(part) for part in dotted.split(".")]
    except ValueError:
        raise TlvInvalid("Ongeldige objectidentificatie.", oid=dotted) from None
    if len(arcs) < 2 or any(arc < 0 for arc in arcs):
        raise TlvInvalid("Ongeldige objectidentificatie.", oid=dotted)
    out = bytearray()
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def decode_integer(value: bytes) -> int:
    if not value:
        raise TlvInvalid("Een getal op de chip is leeg.")
    return int.from_bytes(value, "big", signed=True)
