"""DG2, the face image (ICAO Doc 9303 part 10 §4.7.2; ISO/IEC 19794-5 facial record).

DG2 (tag 75) holds a biometric information group template (7F61) with one or more biometric
information templates (7F60); each carries a biometric data block (5F2E, or 7F2E when enciphered
data objects are used) with an ISO 19794-5 facial record: 'FAC\\0', version, lengths, a facial
information block, feature points, an image information block and then the JPEG or JPEG 2000
image itself.

Privacy: DG2 is read only when asked, and the image lives in memory only. FaceImage keeps its
bytes out of repr() so a log line or traceback never carries the photo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from app.core.identity.errors import IdentityError, TlvInvalid
from app.core.identity.tlv import Tlv, encode_tlv, parse_all, parse_one

TAG_DG2 = 0x75
TAG_BIOMETRIC_GROUP = 0x7F61
TAG_INSTANCE_COUNT = 0x02
TAG_BIOMETRIC_TEMPLATE = 0x7F60
TAG_HEADER_TEMPLATE = 0xA1
TAG_BIOMETRIC_DATA = 0x5F2E
TAG_BIOMETRIC_DATA_ENCIPHERED = 0x7F2E

FACIAL_FORMAT_ID = b"FAC\x00"
FACIAL_VERSION = b"010\x00"
_RECORD_HEADER = 14  # format id (4), version (4), record length (4), number of images (2)
_FACIAL_INFORMATION = 20  # block length (4), feature points (2), gender ... pose uncertainty
_FEATURE_POINT = 8
_IMAGE_INFORMATION = 12  # image type (1), data type (1), width (2), height (2), colour, source, device, quality

JPEG_MAGIC = b"\xff\xd8\xff"
JP2_MAGIC = b"\x00\x00\x00\x0cjP  \r\n\x87\n"  # JPEG 2000 file (JP2 signature box)
J2K_MAGIC = b"\xff\x4f\xff\x51"  # JPEG 2000 bare codestream (SOC, SIZ)


class FaceImageInvalid(IdentityError):
    """DG2 or its facial record is malformed, or holds no image we can show."""

    code = "identity.face_invalid"


class ImageFormat(Enum):
    JPEG = "jpeg"
    JPEG2000 = "jpeg2000"


# The image data type byte of the image information block (ISO 19794-5 §5.7.2).
_DATA_TYPE = {ImageFormat.JPEG: 0x00, ImageFormat.JPEG2000: 0x01}


@dataclass(frozen=True)
class FaceImage:
    """The encoded photo from the chip plus the size its record claims (the decoder checks it)."""

    image_format: ImageFormat
    width: int
    height: int
    data: bytes = field(repr=False)


def parse_dg2(data: bytes) -> FaceImage:
    """The first face image of EF.DG2. Any malformed structure raises FaceImageInvalid."""
    try:
        dg2 = parse_one(data, allow_trailing=True)
        if dg2.tag != TAG_DG2:
            raise FaceImageInvalid("Dit is geen DG2 van een reisdocument.", tag=dg2.tag)
        group = _only_child(dg2, TAG_BIOMETRIC_GROUP)
        template = _only_child(group, TAG_BIOMETRIC_TEMPLATE)
        block = _biometric_data(template)
    except TlvInvalid as error:
        raise FaceImageInvalid("De pasfoto op de chip is onleesbaar.", cause=error.code) from None
    return parse_facial_record(block)


def parse_facial_record(record: bytes) -> FaceImage:
    """The first image of an ISO 19794-5 facial record."""
    if len(record) < _RECORD_HEADER or record[:4] != FACIAL_FORMAT_ID:
        raise FaceImageInvalid("De pasfoto op de chip heeft een onbekende vorm.")
    if int.from_bytes(record[12:14], "big") == 0:
        raise FaceImageInvalid("Er staat geen pasfoto op de chip.")
    offset = _RECORD_HEADER
    if len(record) < offset + _FACIAL_INFORMATION + _IMAGE_INFORMATION:
        raise FaceImageInvalid("De pasfoto op de chip is afgebroken.")
    block_length = int.from_bytes(record[offset : offset + 4], "big")
    feature_points = int.from_bytes(record[offset + 4 : offset + 6], "big")
    image_info = offset + _FACIAL_INFORMATION + feature_points * _FEATURE_POINT
    image_start = image_info + _IMAGE_INFORMATION
    block_end = offset + block_length
    if block_end > len(record) or image_start >= block_end:
        raise FaceImageInvalid("De pasfoto op de chip is afgebroken.")
    width = int.from_bytes(record[image_info + 2 : image_info + 4], "big")
    height = int.from_bytes(record[image_info + 4 : image_info + 6], "big")
    image = bytes(record[image_start:block_end])
    # The data type byte is often wrong on real documents; the image's own signature decides.
    image_format = _sniff(image)
    if image_format is None:
        raise FaceImageInvalid("De pasfoto op de chip is geen JPEG of JPEG 2000.")
    return FaceImage(image_format, width, height, image)


def encode_dg2(face: FaceImage) -> bytes:
    """EF.DG2 holding one face image: for fake chips, the specimen card and tests."""
    image_info = (
        bytes([0x01, _DATA_TYPE[face.image_format]])  # full frontal
        + face.width.to_bytes(2, "big")
        + face.height.to_bytes(2, "big")
        + bytes([0x01, 0x02])  # 24-bit RGB, digital still camera
        + bytes(4)  # device type, quality unspecified
    )
    facial_block_length = _FACIAL_INFORMATION + len(image_info) + len(face.data)
    facial_information = (
        facial_block_length.to_bytes(4, "big")
        + bytes(2)  # no feature points
        + bytes([0x00, 0x00, 0x00])  # gender, eye and hair colour unspecified
        + bytes(3 + 2 + 3 + 3)  # feature mask, expression, pose angle and its uncertainty
    )
    record_length = _RECORD_HEADER + facial_block_length
    record = (
        FACIAL_FORMAT_ID
        + FACIAL_VERSION
        + record_length.to_bytes(4, "big")
        + (1).to_bytes(2, "big")
        + facial_information
        + image_info
        + face.data
    )
    header = encode_tlv(0x80, b"\x01\x01") + encode_tlv(0x87, b"\x01\x01") + encode_tlv(0x88, b"\x00\x08")
    template = encode_tlv(TAG_HEADER_TEMPLATE, header) + encode_tlv(TAG_BIOMETRIC_DATA, record)
    group = encode_tlv(TAG_INSTANCE_COUNT, b"\x01") + encode_tlv(TAG_BIOMETRIC_TEMPLATE, template)
    return encode_tlv(TAG_DG2, encode_tlv(TAG_BIOMETRIC_GROUP, group))


def _only_child(parent: Tlv, tag: int) -> Tlv:
    for child in parse_all(parent.value):
        if child.tag == tag:
            return child
    raise FaceImageInvalid("De pasfoto op de chip is onvolledig.", missing_tag=tag)


def _biometric_data(template: Tlv) -> bytes:
    for child in parse_all(template.value):
        if child.tag in (TAG_BIOMETRIC_DATA, TAG_BIOMETRIC_DATA_ENCIPHERED):
            return child.value
    raise FaceImageInvalid("De pasfoto op de chip is onvolledig.", missing_tag=TAG_BIOMETRIC_DATA)


def _sniff(image: bytes) -> ImageFormat | None:
    if image.startswith(JPEG_MAGIC):
        return ImageFormat.JPEG
    if image.startswith((JP2_MAGIC, J2K_MAGIC)):
        return ImageFormat.JPEG2000
    return None
