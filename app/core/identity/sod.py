"""EF.SOD, the Document Security Object (ICAO Doc 9303 part 10 §4.6.2): a CMS SignedData over the
LDSSecurityObject, the list of data group hashes the issuing state signed.

EF.SOD comes from the chip and is untrusted: every malformed input raises `SodInvalid`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.core.identity.cms import (
    HASH_OIDS,
    TAG_OCTET_STRING,
    SignedContent,
    SignedDataInvalid,
    SignedDataUnsupported,
    algorithm,
    expect,
    hash_name,
    integer,
    parse_content_info,
    sequence,
)
from app.core.identity.errors import IdentityError
from app.core.identity.tlv import parse_one

__all__ = ["HASH_OIDS", "SecurityObject", "SodInvalid", "SodUnsupported", "data_group_of_file", "parse_sod"]

TAG_SOD = 0x77
OID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"

# Data group n (1..16) lives in the elementary file 0x0100 + n (9303 part 10 §4.6).
FILE_ID_FIRST_DATA_GROUP = 0x0101
FILE_ID_LAST_DATA_GROUP = 0x0110


def data_group_of_file(file_id: int) -> int | None:
    """The data group number of an elementary file, None for EF.COM, EF.SOD, EF.CardAccess and others."""
    if FILE_ID_FIRST_DATA_GROUP <= file_id <= FILE_ID_LAST_DATA_GROUP:
        return file_id - 0x0100
    return None


def file_of_data_group(number: int) -> int:
    return 0x0100 + number


class SodInvalid(SignedDataInvalid):
    """EF.SOD is not a well-formed CMS SignedData with an LDS security object."""

    code = "identity.sod_invalid"


class SodUnsupported(SignedDataUnsupported):
    """EF.SOD uses an algorithm we do not implement (the document may still be genuine)."""

    code = "identity.sod_unsupported"


@dataclass(frozen=True)
class SecurityObject:
    signed: SignedContent
    lds_hash_algorithm: str  # hashlib name
    data_group_hashes: dict[int, bytes]

    def data_group_hash(self, content: bytes) -> bytes:
        return hashlib.new(self.lds_hash_algorithm, content).digest()


def parse_sod(data: bytes) -> SecurityObject:
    """The security object from the content of EF.SOD (tag 77). Raises SodInvalid or SodUnsupported."""
    try:
        wrapper = parse_one(data, allow_trailing=True)
        expect(wrapper, TAG_SOD)
        signed = parse_content_info(wrapper.value, OID_LDS_SECURITY_OBJECT)
        lds_hash, hashes = _lds_security_object(signed.content)
    except SignedDataUnsupported as error:
        raise SodUnsupported("EF.SOD gebruikt een algoritme dat wij niet kennen.", cause=error.code) from None
    except IdentityError as error:
        raise SodInvalid("Het beveiligingsbestand (EF.SOD) van de chip is ongeldig.", cause=error.code) from None
    return SecurityObject(signed, lds_hash, hashes)


def _lds_security_object(der: bytes) -> tuple[str, dict[int, bytes]]:
    parts = sequence(parse_one(der))
    if len(parts) < 3:
        raise SodInvalid("Het LDS-beveiligingsobject is onvolledig.")
    integer(parts[0])
    lds_hash = hash_name(algorithm(parts[1]).oid)
    hashes: dict[int, bytes] = {}
    for entry in sequence(parts[2]):
        pair = sequence(entry)
        if len(pair) != 2:
            raise SodInvalid("Een hashwaarde in EF.SOD is onvolledig.")
        number = integer(pair[0])
        expect(pair[1], TAG_OCTET_STRING)
        if not 1 <= number <= 16 or number in hashes:
            raise SodInvalid("EF.SOD noemt een ongeldige datagroep.", data_group=number)
        hashes[number] = pair[1].value
    return lds_hash, hashes
