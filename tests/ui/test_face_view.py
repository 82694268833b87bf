"""The chip's face image on screen: JPEG and JPEG 2000 from DG2 drawn, then wiped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.identity.face import ImageFormat, encode_dg2, parse_dg2
from app.hardware.idcard.face_decode import decode_face
from app.hardware.idcard.specimen_card import specimen_face
from app.ui.face_view import FaceView, face_image

SHOTS = Path(os.environ.get("LOKET_SHOTS", "/tmp/id_shots"))


@pytest.mark.parametrize("image_format", list(ImageFormat))
def test_the_face_from_dg2_is_drawn_and_wiped(qtbot: QtBot, image_format: ImageFormat) -> None:
    decoded = decode_face(parse_dg2(encode_dg2(specimen_face(image_format))))
    image = face_image(decoded)
    assert (image.width(), image.height()) == (decoded.width, decoded.height)
    cheek = image.pixelColor(25, 70)
    assert cheek.red() > 200 and cheek.blue() < 190
    view = FaceView(max_height=240)
    qtbot.addWidget(view)
    view.show_face(decoded)
    view.show()
    assert view.showing and view.pixmap().height() == 240
    assert view.accessibleName() == "Pasfoto van de chip"
    QApplication.processEvents()
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        view.grab().save(str(SHOTS / f"face_{image_format.value}.png"))
    except OSError:
        pass
    view.wipe()
    assert not view.showing
