"""Selecting and reading elementary files (ISO/IEC 7816-4) in chunks that fit short APDUs.

Works over a plain transport or a SecureChannel alike. Offsets above 32767 do not fit P1-P2 of
READ BINARY (B0), so those reads use the odd instruction B1 with the offset in DO'54'.
"""

from __future__ import annotations

from app.core.identity.errors import CardResponseInvalid, TlvInvalid
from app.core.identity.ports import CardTransport
from app.core.identity.tlv import encode_tlv, encoded_size, parse_one
from app.hardware.idcard.apdu import SW_END_OF_FILE, CommandApdu, ResponseApdu

# 0xDF leaves room for SM overhead (DO'87' with padding, DO'99', DO'8E') within a 256-byte response.
MAX_CHUNK = 0xDF
MAX_SHORT_OFFSET = 0x7FFF
TAG_OFFSET = 0x54
TAG_DISCRETIONARY_DATA = 0x53
# DO'53' header in a B1 response: tag, 81, length.
_B1_OVERHEAD = 3
# 4 bytes hold the tag and length of every 9303 file up to 64 KiB; longer lengths need 2 more.
_HEADER_READ = 4
_HEADER_READ_LONG = 6
# No 9303 file comes near this; a bigger length is garbage and must not make us read forever.
MAX_FILE_SIZE = 1 << 20


def select_application(transport: CardTransport, aid: bytes) -> None:
    apdu = CommandApdu(0x00, 0xA4, 0x04, 0x0C, aid).encode()
    ResponseApdu.parse(transport.transmit(apdu)).require_success()


def select_file(transport: CardTransport, file_id: int) -> None:
    apdu = CommandApdu(0x00, 0xA4, 0x02, 0x0C, file_id.to_bytes(2, "big")).encode()
    ResponseApdu.parse(transport.transmit(apdu)).require_success()


def read_binary_command(offset: int, length: int) -> bytes:
    """READ BINARY of `length` (1..MAX_CHUNK) bytes at `offset` of the selected file."""
    if offset <= MAX_SHORT_OFFSET:
        return CommandApdu(0x00, 0xB0, offset >> 8, offset & 0xFF, le=length).encode()
    offset_bytes = offset.to_bytes((offset.bit_length() + 7) // 8, "big")
    return CommandApdu(0x00, 0xB1, 0x00, 0x00, encode_tlv(TAG_OFFSET, offset_bytes), le=length + _B1_OVERHEAD).encode()


def read_binary(transport: CardTransport, offset: int, length: int) -> bytes:
    response = ResponseApdu.parse(transport.transmit(read_binary_command(offset, length)))
    data = response.require_success(SW_END_OF_FILE)
    if offset > MAX_SHORT_OFFSET:
        wrapped = parse_one(data)
        if wrapped.tag != TAG_DISCRETIONARY_DATA:
            raise CardResponseInvalid("Het antwoord op READ BINARY (B1) heeft een onverwachte vorm.")
        data = wrapped.value
    if not data or len(data) > length:
        raise CardResponseInvalid("De chip gaf een onverwacht aantal bytes terug.", asked=length, got=len(data))
    return data


def read_file(transport: CardTransport, file_id: int, chunk: int = MAX_CHUNK) -> bytes:
    """The whole TLV-structured file `file_id` (a data group, EF.COM, EF.SOD, EF.CardAccess)."""
    select_file(transport, file_id)
    data = read_binary(transport, 0, _HEADER_READ)
    try:
        total = encoded_size(data)
    except TlvInvalid:
        data += read_binary(transport, len(data), _HEADER_READ_LONG - len(data))
        total = encoded_size(data)
    if total > MAX_FILE_SIZE:
        raise CardResponseInvalid("Een bestand op de chip is onwaarschijnlijk groot.", size=total)
    while len(data) < total:
        data += read_binary(transport, len(data), min(chunk, total - len(data)))
    return data[:total]
