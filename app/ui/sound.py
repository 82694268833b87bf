"""The call chime: a short two-tone "ding-dong" written with the standard library.

The WAV is generated at startup (no binary in the repository). It plays through
QtMultimedia's QSoundEffect when that module is installed; otherwise the system beep.
"""

from __future__ import annotations

import logging
import math
import struct
import wave
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

SAMPLE_RATE = 22050
#: ding-dong: E5 then C5, soft attack and a long decay so it is calm, not an alarm
TONES = ((659.25, 0.45), (523.25, 0.75))
VOLUME = 0.5


class Chime(Protocol):
    def play(self) -> None: ...


def write_chime_wav(path: Path) -> Path:
    """Write the chime to `path` (16-bit mono PCM) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for frequency, seconds in TONES:
        count = int(SAMPLE_RATE * seconds)
        for i in range(count):
            t = i / SAMPLE_RATE
            attack = min(1.0, t / 0.02)
            decay = math.exp(-3.0 * t / seconds)
            # a quiet octave overtone makes it sound like a bell rather than a beep
            sample = math.sin(2 * math.pi * frequency * t) + 0.3 * math.sin(4 * math.pi * frequency * t)
            value = int(32767 * VOLUME / 1.3 * attack * decay * sample)
            frames += struct.pack("<h", value)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(frames))
    return path


class SoundChime(QObject):
    """Plays the WAV with QSoundEffect if QtMultimedia is there, else QApplication.beep()."""

    def __init__(self, wav: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effect: Any = None
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:
            log.info("QtMultimedia ontbreekt; de oproep klinkt als systeempiep")
            return
        self._effect = QSoundEffect(self)
        self._effect.setSource(QUrl.fromLocalFile(str(wav)))
        self._effect.setVolume(0.8)

    @property
    def uses_wav(self) -> bool:
        return self._effect is not None

    def play(self) -> None:
        if self._effect is not None:
            self._effect.play()
        else:
            QApplication.beep()
