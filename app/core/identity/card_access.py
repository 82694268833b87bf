"""EF.CardAccess: which PACE variants a chip offers (ICAO Doc 9303 part 11, 9.2)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.identity.errors import TlvInvalid
from app.core.identity.tlv import (
    TAG_INTEGER,
    TAG_OID,
    TAG_SEQUENCE,
    TAG_SET,
    decode_integer,
    decode_oid,
    parse_one,
)

ID_PACE = "0.4.0.127.0.7.2.2.4"
# PACE protocol OIDs we implement, with the session cipher they mean.
PACE_ECDH_GM_AES_CBC_CMAC_128 = ID_PACE + ".2.2"
PACE_ECDH_GM_AES_CBC_CMAC_192 = ID_PACE + ".2.3"
PACE_ECDH_GM_AES_CBC_CMAC_256 = ID_PACE + ".2.4"
# Standardized domain parameter IDs (9303 part 11, table 6) that we support.
BRAINPOOL_P256R1 = 13


@dataclass(frozen=True)
class PaceInfo:
    protocol: str
    version: int
    parameter_id: int | None


def parse_card_access(data: bytes) -> list[PaceInfo]:
    """The PACEInfo entries of EF.CardAccess (a SET OF SecurityInfo); other SecurityInfos are skipped."""
    security_infos = parse_one(data, allow_trailing=True)
    if security_infos.tag != TAG_SET:
        raise TlvInvalid("EF.CardAccess begint niet met een SET.", tag=security_infos.tag)
    found = []
    for info in security_infos.children():
        if info.tag != TAG_SEQUENCE:
            raise TlvInvalid("EF.CardAccess bevat een onverwacht element.", tag=info.tag)
        parts = info.children()
        if not parts or parts[0].tag != TAG_OID:
            raise TlvInvalid("Een SecurityInfo begint niet met een objectidentificatie.")
        protocol = decode_oid(parts[0].value)
        if not protocol.startswith(ID_PACE + ".") or len(protocol.split(".")) != 11:
            continue  # PACEDomainParameterInfo, ChipAuthenticationInfo, ...: not ours to read here
        if len(parts) < 2 or parts[1].tag != TAG_INTEGER:
            raise TlvInvalid("Een PACEInfo mist zijn versie.")
        parameter_id = None
        if len(parts) > 2:
            if parts[2].tag != TAG_INTEGER:
                raise TlvInvalid("Een PACEInfo heeft een ongeldig parameter-ID.")
            parameter_id = decode_integer(parts[2].value)
        found.append(PaceInfo(protocol, decode_integer(parts[1].value), parameter_id))
    return found
