"""Reading an opened identity document: DG1 always, DG2 (the face) only on request, EF.SOD, and
passive authentication over everything that was read.

Privacy: the face image is read only when `read_face` is set (a staff member asked for it), and
the result holds it in memory only; nothing here writes or logs personal data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from app.core.identity.data_groups import parse_dg1
from app.core.identity.errors import CardStatusError
from app.core.identity.face import FaceImage, parse_dg2
from app.core.identity.mrz import Mrz
from app.core.identity.passive_auth import DocumentVerifier, PassiveAuthResult
from app.core.identity.ports import DocumentReader
from app.core.identity.sod import file_of_data_group

logger = logging.getLogger(__name__)

FILE_DG1 = file_of_data_group(1)
FILE_DG2 = file_of_data_group(2)
FILE_SOD = 0x011D
SW_FILE_NOT_FOUND = 0x6A82


@dataclass(frozen=True)
class IdentityReading:
    """What was read from one document. Only trust `mrz` and `face` when `check.genuine`."""

    mrz: Mrz = field(repr=False)  # personal data: never in a log line or traceback
    check: PassiveAuthResult
    face: FaceImage | None = field(default=None, repr=False)


def read_identity(
    document: DocumentReader, verifier: DocumentVerifier, *, read_face: bool = False, keep_bsn: bool = False
) -> IdentityReading:
    """Reads DG1 (and DG2 when `read_face`), then EF.SOD, and verifies them together. Malformed
    data groups raise typed IdentityErrors (MrzInvalid, TlvInvalid, FaceImageInvalid)."""
    files = {FILE_DG1: document.read_file(FILE_DG1)}
    if read_face:
        files[FILE_DG2] = document.read_file(FILE_DG2)
    try:
        files[FILE_SOD] = document.read_file(FILE_SOD)
    except CardStatusError as error:
        if error.status_word != SW_FILE_NOT_FOUND:
            raise
    check = verifier.verify(files)
    logger.info("Document read (face: %s): %s", read_face, check.code)
    mrz = parse_dg1(files[FILE_DG1], keep_bsn=keep_bsn)
    face = parse_dg2(files[FILE_DG2]) if read_face else None
    return IdentityReading(mrz, check, face)
