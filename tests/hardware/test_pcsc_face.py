"""DG2 on demand through the real PC/SC path (pyscard → pcscd → vpcd → virtual card): the face
image is read only when asked, decoded in memory, and passive authentication covers it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.core.identity.face import ImageFormat
from app.core.identity.passive_auth import Verdict
from app.hardware.idcard.face_decode import decode_face
from app.hardware.idcard.passive_auth import verify_document
from app.hardware.idcard.pcsc import PcscTransport
from app.hardware.idcard.reader import DG1, DG2, EF_SOD, open_document
from app.hardware.idcard.specimen_card import SPECIMEN_MRZ_LINES, specimen_files, specimen_mrz_information
from app.hardware.idcard.specimen_pki import SpecimenPki, generate_pki
from app.hardware.idcard.trust_store import TrustStore
from app.hardware.idcard.virtual_card import VirtualCard

WAIT = 10.0


@pytest.fixture(scope="module")
def pki() -> SpecimenPki:
    return generate_pki()


@pytest.fixture
def specimen_card(vpcd: str) -> Iterator[Callable[..., VirtualCard]]:
    from app.hardware.idcard.pcsc import wait_for_card

    cards: list[VirtualCard] = []

    def make(**options: Any) -> VirtualCard:
        card = VirtualCard(SPECIMEN_MRZ_LINES, **options)
        cards.append(card)
        return card

    yield make
    for card in cards:
        card.pull()
    wait_for_card(vpcd, present=False, timeout=5)


@pytest.mark.parametrize("image_format", [ImageFormat.JPEG, ImageFormat.JPEG2000])
def test_face_is_read_only_on_demand_and_is_covered_by_passive_auth(
    specimen_card: Callable[..., VirtualCard], pki: SpecimenPki, image_format: ImageFormat
) -> None:
    files = specimen_files(pki.document_signer, face_format=image_format)
    card = specimen_card(pace=True, files=files)
    card.insert()
    transport = PcscTransport("virtual pcd")
    try:
        transport.open(wait_seconds=WAIT)
        document = open_document(transport, specimen_mrz_information())
        dg1 = document.read_file(DG1)
        commands_without_face = card.apdus
        face = document.read_face()  # only now is DG2 selected and read
        assert card.apdus > commands_without_face
        decoded = decode_face(face)
        assert (decoded.width, decoded.height) == (face.width, face.height)
        assert len(decoded.rgb) == face.width * face.height * 3
        read = {DG1: dg1, DG2: document.read_file(DG2), EF_SOD: document.read_file(EF_SOD)}
        assert verify_document(read, TrustStore([pki.csca.certificate])).verdict is Verdict.GENUINE
    finally:
        transport.close()
