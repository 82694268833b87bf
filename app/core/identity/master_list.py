"""CSCA master lists (ICAO Doc 9303 part 12 §9): a CMS SignedData whose content is a set of
country signing CA certificates, as states and the ICAO PKD publish them (`.ml` files)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.identity.cms import SignedContent, SignedDataInvalid, integer, parse_content_info, sequence
from app.core.identity.errors import IdentityError
from app.core.identity.tlv import TAG_SEQUENCE, TAG_SET, parse_one

OID_CSCA_MASTER_LIST = "2.23.136.1.1.2"


@dataclass(frozen=True)
class MasterList:
    signed: SignedContent
    certificates: tuple[bytes, ...]  # DER of each CSCA certificate in the list


def parse_master_list(data: bytes) -> MasterList:
    """CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }, signed."""
    signed = parse_content_info(data, OID_CSCA_MASTER_LIST)
    try:
        parts = sequence(parse_one(signed.content))
        if len(parts) != 2 or parts[1].tag != TAG_SET:
            raise SignedDataInvalid("De CSCA-lijst heeft een onverwachte opbouw.")
        integer(parts[0])
        certificates = tuple(item.encode() for item in parts[1].children() if item.tag == TAG_SEQUENCE)
    except SignedDataInvalid:
        raise
    except IdentityError as error:
        raise SignedDataInvalid("De CSCA-lijst is ongeldig.", cause=error.code) from None
    return MasterList(signed, certificates)
