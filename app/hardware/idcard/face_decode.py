"""Decoding the chip's face image (JPEG or JPEG 2000) with Pillow, for display only.

Everything stays in memory: no file, no cache, no log of the image. Pillow decodes JPEG 2000
through OpenJPEG (bundled in its wheels; `PIL.features.check("jpg_2000")`).
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass, field

from PIL import Image, UnidentifiedImageError

from app.core.identity.face import FaceImage, FaceImageInvalid, ImageFormat

logger = logging.getLogger(__name__)

# A passport photo is a few hundred pixels a side; anything far larger is garbage or an attack
# (a decompression bomb), refused before the pixels are decoded.
MAX_SIDE = 2000
_PILLOW_FORMATS = {ImageFormat.JPEG: "JPEG", ImageFormat.JPEG2000: "JPEG2000"}


@dataclass(frozen=True)
class DecodedFace:
    """RGB pixels, 3 bytes each, row by row: what a screen needs to draw the photo."""

    width: int
    height: int
    rgb: bytes = field(repr=False)


def decode_face(face: FaceImage) -> DecodedFace:
    """Decodes the photo; an image that is not what DG2 claims, or too large, is FaceImageInvalid."""
    expected = _PILLOW_FORMATS[face.image_format]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(face.data), formats=[expected]) as image:
                width, height = image.size
                if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
                    raise FaceImageInvalid("De pasfoto op de chip heeft een onmogelijke maat.")
                rgb = image.convert("RGB")
                return DecodedFace(width, height, rgb.tobytes())
    except FaceImageInvalid:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as error:
        # Only the error's type: Pillow's messages can quote bytes of the image.
        logger.warning("Face image could not be decoded (%s)", type(error).__name__)
        raise FaceImageInvalid("De pasfoto op de chip is niet te tonen.") from None
