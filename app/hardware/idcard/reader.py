"""Opening an eMRTD (passport, ID card): PACE when EF.CardAccess offers a variant we support,
otherwise BAC; then the eMRTD application and its files over secure messaging.

Data read this way is protected in transit; whether the issuer signed it is passive
authentication's question (`passive_auth.read_and_verify`), asked by the caller.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from app.core.identity.card_access import parse_card_access
from app.core.identity.data_groups import parse_dg1
from app.core.identity.errors import CardStatusError, TlvInvalid, UnsupportedProtocol
from app.core.identity.face import FaceImage, parse_dg2
from app.core.identity.mrz import Mrz
from app.core.identity.ports import CardTransport
from app.hardware.idcard.bac import perform_bac
from app.hardware.idcard.files import read_file, select_application
from app.hardware.idcard.pace import PaceSuite, choose_suite, perform_pace
from app.hardware.idcard.secure_messaging import SecureChannel

logger = logging.getLogger(__name__)

EMRTD_AID = bytes.fromhex("A0000002471001")
EF_CARD_ACCESS = 0x011C
EF_COM = 0x011E
EF_SOD = 0x011D
DG1 = 0x0101
DG2 = 0x0102


class AccessControl(Enum):
    PACE = "pace"
    BAC = "bac"


@dataclass
class OpenedDocument:
    """A document after access control: a DocumentReader whose reads go through secure messaging."""

    access_control: AccessControl
    channel: SecureChannel

    def read_file(self, file_id: int) -> bytes:
        return read_file(self.channel, file_id)

    def read_dg1(self, *, keep_bsn: bool = False) -> Mrz:
        """The chip's MRZ; the BSN of older Dutch documents only when `keep_bsn` (a lawful need)."""
        return parse_dg1(self.read_file(DG1), keep_bsn=keep_bsn)

    def read_face(self) -> FaceImage:
        """The face image (DG2). Only on request: never read it by default (see DESIGN, privacy)."""
        return parse_dg2(self.read_file(DG2))


def pace_suite(transport: CardTransport) -> PaceSuite | None:
    """The PACE variant to use, or None when the chip offers none we support (then BAC)."""
    try:
        card_access = read_file(transport, EF_CARD_ACCESS)
    except CardStatusError:
        return None  # no EF.CardAccess: a BAC-only document
    try:
        return choose_suite(parse_card_access(card_access))
    except (UnsupportedProtocol, TlvInvalid) as error:
        logger.info("EF.CardAccess offers no usable PACE variant (%s); using BAC", error.code)
        return None


def open_document(
    transport: CardTransport,
    mrz_information: str,
    *,
    random: Callable[[int], bytes] = os.urandom,
    random_scalar: Callable[[int], int] | None = None,
) -> OpenedDocument:
    """Runs access control with the key from the MRZ and selects the eMRTD application.

    A wrong MRZ raises AuthenticationFailed; there is no fallback from a failed PACE to BAC, because
    both use the same MRZ and a second failed attempt only slows the chip down."""
    suite = pace_suite(transport)
    if suite is not None:
        session = perform_pace(transport, mrz_information, suite, random_scalar)
        channel = SecureChannel(transport, session)
        select_application(channel, EMRTD_AID)
        logger.info("Document opened with PACE")
        return OpenedDocument(AccessControl.PACE, channel)
    select_application(transport, EMRTD_AID)
    session = perform_bac(transport, mrz_information, random)
    logger.info("Document opened with BAC")
    return OpenedDocument(AccessControl.BAC, SecureChannel(transport, session))
