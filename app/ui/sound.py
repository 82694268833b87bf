"""The call chime: a short two-tone "ding-dong" written with the standard library.

The WAV is generated at startup (no binary in the repository). It plays through
QtMultimedia's QSoundEffect when that module is installed; otherwise the system beep.
"""

from __future__ import annotations

import logging
import math
import shutil
import struct
import subprocess
import sys
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
    """Plays the WAV: with QSoundEffect where QtMultimedia is installed, else with the
    operating system's own player (winsound on Windows, paplay/aplay on Linux, without
    waiting for it), and only as a last resort QApplication.beep()."""

    def __init__(self, wav: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wav = wav
        self._effect: Any = None
        self._player: list[str] | None = None
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:
            self._player = _system_player()
            log.info("QtMultimedia ontbreekt; oproepgeluid via %s", self._player[0] if self._player else "systeempiep")
            return
        self._effect = QSoundEffect(self)
        self._effect.setSource(QUrl.fromLocalFile(str(wav)))
        self._effect.setVolume(0.8)

    @property
    def uses_wav(self) -> bool:
        return self._effect is not None or self._player is not None

    def play(self) -> None:
        if self._effect is not None:
            self._effect.play()
            return
        if self._player is not None:
            try:
                if sys.platform == "win32":
                    import winsound

                    winsound.PlaySound(str(self._wav), winsound.SND_FILENAME | winsound.SND_ASYNC)
                else:
                    subprocess.Popen(
                        [*self._player, str(self._wav)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                    )
                return
            except OSError as error:
                log.warning("oproepgeluid kon niet spelen: %s", error)
        QApplication.beep()


def _system_player() -> list[str] | None:
    if sys.platform.startswith("win"):
        return ["winsound"]
    for player in (["paplay"], ["aplay", "-q"]):
        if shutil.which(player[0]):
            return player
    return None
