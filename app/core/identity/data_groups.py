"""Data groups of the eMRTD application (ICAO Doc 9303 part 10). DG1 holds the MRZ."""

from __future__ import annotations

from app.core.identity.errors import MrzInvalid, TlvInvalid
from app.core.identity.mrz import Mrz, parse_travel_document_mrz
from app.core.identity.tlv import parse_one

TAG_DG1 = 0x61
TAG_MRZ = 0x5F1F
# Length of the MRZ text per format, and its line length.
_LINE_LENGTHS = {90: 30, 72: 36, 88: 44}


def parse_dg1(data: bytes, *, keep_bsn: bool = False) -> Mrz:
    """MRZ from the content of EF.DG1 (tag 61 holding 5F1F). The BSN is redacted unless asked for."""
    dg1 = parse_one(data, allow_trailing=True)
    if dg1.tag != TAG_DG1:
        raise TlvInvalid("Dit is geen DG1 van een reisdocument.", tag=dg1.tag)
    raw = dg1.child(TAG_MRZ).value
    line_length = _LINE_LENGTHS.get(len(raw))
    if line_length is None:
        raise MrzInvalid("Het MRZ op de chip heeft een onbekende lengte.", length=len(raw))
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise MrzInvalid("Het MRZ op de chip bevat ongeldige tekens.") from None
    lines = [text[start : start + line_length] for start in range(0, len(text), line_length)]
    return parse_travel_document_mrz(lines, keep_bsn=keep_bsn)
