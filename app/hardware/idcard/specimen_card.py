"""TEST ONLY: the demo's specimen Dutch ID card in an in-process chip (BAC/PACE, DG1, DG2, EF.SOD)
with a TEST ONLY CSCA in its own trust store, so `loket demo` can "insert" a card and run the real
reading code: access control, secure messaging and passive authentication.

The holder is RvIG's public specimen (Willeke Liselotte De Bruijn, BSN 999999990), never a real
person. The face is a drawn oval made with Pillow at run time, never a photo; no file is written.
"""

from __future__ import annotations

import io
import logging
import threading
from enum import Enum

from PIL import Image, ImageDraw

from app.core.identity.face import FaceImage, ImageFormat, encode_dg2
from app.core.identity.mrz import check_digit
from app.core.identity.reading import IdentityReading, read_identity
from app.hardware.idcard.fake_chip import FakeEmrtdChip
from app.hardware.idcard.passive_auth import PassiveAuthenticator
from app.hardware.idcard.reader import DG1, DG2, open_document
from app.hardware.idcard.specimen_pki import CertifiedKey, generate_pki, with_sod
from app.hardware.idcard.trust_store import TrustStore
from app.hardware.idcard.virtual_card import dg1_for

logger = logging.getLogger(__name__)

FACE_SIZE = (90, 120)  # width, height: small, so the chip's files stay a few kilobytes
_DOCUMENT_NUMBER = "SPECI2021"
_BIRTH, _EXPIRY = "650310", "310802"


def _td1_lines() -> tuple[str, str, str]:
    line1 = f"I<NLD{_DOCUMENT_NUMBER}{check_digit(_DOCUMENT_NUMBER)}999999990<<<<<<"
    line2 = f"{_BIRTH}{check_digit(_BIRTH)}F{_EXPIRY}{check_digit(_EXPIRY)}NLD<<<<<<<<<<<"
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    return line1, line2 + check_digit(composite), "DE<BRUIJN<<WILLEKE<LISELOTTE<<"


SPECIMEN_MRZ_LINES = _td1_lines()


def draw_specimen_face(image_format: ImageFormat, size: tuple[int, int] = FACE_SIZE) -> bytes:
    """A face-like drawing (head oval, eyes, mouth) encoded as JPEG or JPEG 2000."""
    width, height = size
    image = Image.new("RGB", size, (214, 226, 236))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.18, height * 0.12, width * 0.82, height * 0.88), fill=(233, 196, 160), outline=(90, 60, 40))
    for eye_x in (0.37, 0.63):
        draw.ellipse((width * (eye_x - 0.06), height * 0.4, width * (eye_x + 0.06), height * 0.46), fill=(40, 40, 60))
    draw.arc((width * 0.36, height * 0.56, width * 0.64, height * 0.72), 20, 160, fill=(150, 50, 50), width=2)
    out = io.BytesIO()
    if image_format is ImageFormat.JPEG2000:
        image.save(out, "JPEG2000", quality_mode="rates", quality_layers=[20])
    else:
        image.save(out, "JPEG", quality=80)
    return out.getvalue()


def specimen_face(image_format: ImageFormat = ImageFormat.JPEG) -> FaceImage:
    return FaceImage(image_format, FACE_SIZE[0], FACE_SIZE[1], draw_specimen_face(image_format))


def specimen_files(signer: CertifiedKey, *, face_format: ImageFormat = ImageFormat.JPEG) -> dict[int, bytes]:
    """DG1, DG2 and a matching EF.SOD, ready for `FakeEmrtdChip(specimen_mrz_information(), ...)`."""
    return with_sod({DG1: dg1_for(SPECIMEN_MRZ_LINES), DG2: encode_dg2(specimen_face(face_format))}, signer)


def specimen_mrz_information() -> str:
    return (
        f"{_DOCUMENT_NUMBER}{check_digit(_DOCUMENT_NUMBER)}{_BIRTH}{check_digit(_BIRTH)}{_EXPIRY}{check_digit(_EXPIRY)}"
    )


class SpecimenVariant(Enum):
    GENUINE = "genuine"
    UNKNOWN_ISSUER = "unknown_issuer"  # its CSCA is not in our trust store: not verifiable
    FORGED = "forged"  # DG1 changed after signing: tampered


class SpecimenCard:
    """The demo's card reader with the specimen card on it. Each `read()` is a fresh insertion: a
    new chip session, BAC or PACE, then passive authentication against the specimen CSCA. The
    keys are made on the first read (on the worker thread), in memory only."""

    def __init__(
        self,
        *,
        pace: bool = True,
        face_format: ImageFormat = ImageFormat.JPEG,
        variant: SpecimenVariant = SpecimenVariant.GENUINE,
    ) -> None:
        self._pace = pace
        self._variant = variant
        self._face_format = face_format
        self._lock = threading.Lock()
        self._files: dict[int, bytes] | None = None
        self._verifier: PassiveAuthenticator | None = None

    def read(self, *, read_face: bool = False) -> IdentityReading:
        files, verifier = self._issued()
        chip = FakeEmrtdChip(specimen_mrz_information(), files, pace=self._pace)
        document = open_document(chip, specimen_mrz_information())
        return read_identity(document, verifier, read_face=read_face)

    def _issued(self) -> tuple[dict[int, bytes], PassiveAuthenticator]:
        with self._lock:
            if self._files is None or self._verifier is None:
                pki = generate_pki()
                files = specimen_files(pki.document_signer, face_format=self._face_format)
                if self._variant is SpecimenVariant.FORGED:
                    # Another holder's name after the issuer signed: DG1's hash no longer matches.
                    files[DG1] = files[DG1].replace(b"WILLEKE", b"WILLEMIJ")
                trusted = [] if self._variant is SpecimenVariant.UNKNOWN_ISSUER else [pki.csca.certificate]
                self._files = files
                self._verifier = PassiveAuthenticator(TrustStore(trusted))
                logger.info("Specimen card issued (TEST ONLY keys, in memory)")
            return self._files, self._verifier
