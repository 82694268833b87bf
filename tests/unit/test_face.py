"""DG2 on demand: the facial record parsed, JPEG and JPEG 2000 decoded in memory, garbage refused
with a typed error, and passive authentication covering the photo when it is read."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.identity.face import (
    TAG_BIOMETRIC_DATA,
    TAG_BIOMETRIC_DATA_ENCIPHERED,
    FaceImage,
    FaceImageInvalid,
    ImageFormat,
    encode_dg2,
    parse_dg2,
)
from app.core.identity.passive_auth import PassiveAuthReason
from app.core.identity.reading import read_identity
from app.core.identity.tlv import encode_tlv
from app.hardware.idcard.face_decode import decode_face
from app.hardware.idcard.fake_chip import FakeEmrtdChip
from app.hardware.idcard.passive_auth import PassiveAuthenticator
from app.hardware.idcard.reader import DG2, open_document
from app.hardware.idcard.specimen_card import (
    FACE_SIZE,
    SpecimenCard,
    SpecimenVariant,
    specimen_face,
    specimen_files,
    specimen_mrz_information,
)
from app.hardware.idcard.trust_store import TrustStore
from tests.unit.pki_helpers import specimen_pki


@pytest.mark.parametrize("image_format", list(ImageFormat))
def test_the_face_survives_dg2_and_decodes_to_the_drawn_oval(image_format: ImageFormat) -> None:
    face = specimen_face(image_format)
    parsed = parse_dg2(encode_dg2(face))
    assert parsed == face
    decoded = decode_face(parsed)
    assert (decoded.width, decoded.height) == FACE_SIZE
    assert len(decoded.rgb) == FACE_SIZE[0] * FACE_SIZE[1] * 3

    def pixel(x: int, y: int) -> tuple[int, ...]:
        start = (y * decoded.width + x) * 3
        return tuple(decoded.rgb[start : start + 3])

    # Skin in the oval's cheek, the light blue background in the corner (lossy, so roughly).
    cheek, corner = pixel(25, 70), pixel(2, 2)
    assert cheek[0] > 200 and cheek[2] < 190
    assert corner[2] > 220 and corner[0] < 225


def test_the_format_comes_from_the_image_itself_not_the_header() -> None:
    jpeg = specimen_face(ImageFormat.JPEG)
    mislabelled = FaceImage(ImageFormat.JPEG2000, jpeg.width, jpeg.height, jpeg.data)
    assert parse_dg2(encode_dg2(mislabelled)).image_format is ImageFormat.JPEG


def test_an_enciphered_style_data_block_7f2e_is_read_too() -> None:
    dg2 = encode_dg2(specimen_face())
    record = parse_dg2(dg2)
    swapped = dg2.replace(TAG_BIOMETRIC_DATA.to_bytes(2, "big"), TAG_BIOMETRIC_DATA_ENCIPHERED.to_bytes(2, "big"), 1)
    assert parse_dg2(swapped) == record


def test_the_photo_never_shows_in_repr() -> None:
    face = specimen_face()
    assert face.data.hex()[:16] not in repr(face)
    assert "data" not in repr(face)


def test_a_dg2_without_an_image_or_with_another_picture_format_is_refused() -> None:
    png_like = FaceImage(ImageFormat.JPEG, 1, 1, b"\x89PNG\r\n\x1a\n" + bytes(20))
    with pytest.raises(FaceImageInvalid):
        parse_dg2(encode_dg2(png_like))
    with pytest.raises(FaceImageInvalid):
        parse_dg2(encode_tlv(0x75, encode_tlv(0x7F61, encode_tlv(0x02, b"\x00"))))
    with pytest.raises(FaceImageInvalid):
        parse_dg2(encode_tlv(0x61, b""))  # DG1, not DG2


def test_a_broken_jpeg_behind_a_good_header_is_a_typed_error() -> None:
    good = specimen_face()
    with pytest.raises(FaceImageInvalid):
        decode_face(FaceImage(ImageFormat.JPEG, good.width, good.height, good.data[:40]))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_dg2_raises_only_face_image_invalid(data: bytes) -> None:
    with contextlib.suppress(FaceImageInvalid):
        parse_dg2(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"FAC\x00010\x00"]))
def test_a_garbage_facial_record_in_a_good_dg2_raises_only_face_image_invalid(tail: bytes, head: bytes) -> None:
    record = head + tail
    template = encode_tlv(0x7F60, encode_tlv(TAG_BIOMETRIC_DATA, record))
    dg2 = encode_tlv(0x75, encode_tlv(0x7F61, encode_tlv(0x02, b"\x01") + template))
    try:
        face = parse_dg2(dg2)
    except FaceImageInvalid:
        return
    with pytest.raises(FaceImageInvalid):
        decode_face(face)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(list(ImageFormat)))
def test_garbage_behind_an_image_signature_raises_only_face_image_invalid(tail: bytes, fmt: ImageFormat) -> None:
    head = b"\xff\xd8\xff" if fmt is ImageFormat.JPEG else b"\xff\x4f\xff\x51"
    with contextlib.suppress(FaceImageInvalid):
        decode_face(FaceImage(fmt, 10, 10, head + tail))


def _chip(files: dict[int, bytes]) -> FakeEmrtdChip:
    return FakeEmrtdChip(specimen_mrz_information(), files)


def _verifier() -> PassiveAuthenticator:
    return PassiveAuthenticator(TrustStore([specimen_pki().csca.certificate]))


def test_dg2_is_not_read_unless_asked() -> None:
    chip = _chip(specimen_files(specimen_pki().document_signer))
    reading = read_identity(open_document(chip, specimen_mrz_information()), _verifier())
    assert reading.face is None
    assert reading.check.genuine and reading.check.verified_data_groups == (1,)
    selected = [command.data for command in chip.file_commands if command.ins == 0xA4]
    assert DG2.to_bytes(2, "big") not in selected


@pytest.mark.parametrize("image_format", list(ImageFormat))
def test_passive_authentication_covers_dg2_when_it_is_read(image_format: ImageFormat) -> None:
    files = specimen_files(specimen_pki().document_signer, face_format=image_format)
    reading = read_identity(open_document(_chip(files), specimen_mrz_information()), _verifier(), read_face=True)
    assert reading.check.genuine and reading.check.verified_data_groups == (1, 2)
    assert reading.face is not None and reading.face.image_format is image_format
    assert decode_face(reading.face).width == FACE_SIZE[0]


def test_a_photo_swapped_after_signing_is_tampered() -> None:
    files = specimen_files(specimen_pki().document_signer)
    other = FaceImage(ImageFormat.JPEG2000, *FACE_SIZE, specimen_face(ImageFormat.JPEG2000).data)
    files[DG2] = encode_dg2(other)
    reading = read_identity(open_document(_chip(files), specimen_mrz_information()), _verifier(), read_face=True)
    assert reading.check.reason is PassiveAuthReason.DATA_GROUP_HASH_MISMATCH
    assert reading.check.data_group == 2


@pytest.mark.parametrize(
    ("variant", "reason"),
    [
        (SpecimenVariant.GENUINE, PassiveAuthReason.VERIFIED),
        (SpecimenVariant.UNKNOWN_ISSUER, PassiveAuthReason.UNKNOWN_CSCA),
        (SpecimenVariant.FORGED, PassiveAuthReason.DATA_GROUP_HASH_MISMATCH),
    ],
)
def test_the_demo_specimen_card_reads_with_bac_and_pace(variant: SpecimenVariant, reason: PassiveAuthReason) -> None:
    for pace in (True, False):
        reading = SpecimenCard(pace=pace, variant=variant).read()
        assert reading.check.reason is reason
        assert reading.mrz.primary_identifier == "DE BRUIJN" and reading.mrz.bsn is None
        assert "BRUIJN" not in repr(reading)


def test_the_opened_document_reads_the_face_only_when_called() -> None:
    chip = _chip(specimen_files(specimen_pki().document_signer, face_format=ImageFormat.JPEG2000))
    document = open_document(chip, specimen_mrz_information())
    document.read_dg1()
    assert not [command for command in chip.file_commands if command.data == DG2.to_bytes(2, "big")]
    assert document.read_face().image_format is ImageFormat.JPEG2000
