"""Shows the chip's face image (DG2) to a staff member, from pixels decoded in memory.

The pixels are copied into a QImage and nowhere else; `wipe()` drops them. Nothing is saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from app.hardware.idcard.face_decode import DecodedFace


def face_image(face: DecodedFace) -> QImage:
    """A QImage owning its own copy of the RGB pixels (the bytes object may go away)."""
    image = QImage(face.rgb, face.width, face.height, face.width * 3, QImage.Format.Format_RGB888)
    return image.copy()


class FaceView(QLabel):
    """The photo, scaled to fit and never enlarged past `max_height`; empty until `show_face`."""

    def __init__(self, max_height: int = 320, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("faceView")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._max_height = max_height
        self.wipe()

    @property
    def showing(self) -> bool:
        return not self.pixmap().isNull()

    def show_face(self, face: DecodedFace) -> None:
        pixmap = QPixmap.fromImage(face_image(face))
        self.setPixmap(pixmap.scaledToHeight(self._max_height, Qt.TransformationMode.SmoothTransformation))
        self.setAccessibleName("Pasfoto van de chip")

    def wipe(self) -> None:
        self.clear()
        self.setAccessibleName("Geen pasfoto getoond")
