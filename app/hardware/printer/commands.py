"""ESC/POS command bytes we send ourselves (Epson ESC/POS command reference), and the one code page.

python-escpos's own text path guesses code pages per character ("magic encode"); a ticket
printer in a hall needs one fixed, predictable page. PC858 (ESC t 19) is PC850 with € at 0xD5
and has every Dutch accent.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

ESC = b"\x1b"
GS = b"\x1d"
LF = b"\n"

INIT = ESC + b"@"  # ESC @: clear buffer, reset modes
CODEPAGE_PC858 = ESC + b"t\x13"  # ESC t 19
ALIGN_LEFT = ESC + b"a\x00"
ALIGN_CENTER = ESC + b"a\x01"
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
CUT = GS + b"V\x42\x00"  # GS V 66 0: feed to the cutter and cut fully
ENCODING = "cp858"
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


def size(width: int, height: int) -> bytes:
    """GS ! n: character width and height multipliers 1..8."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError("multiplier must be 1..8")
    return GS + b"!" + bytes([(width - 1) << 4 | (height - 1)])


def feed(lines: int) -> bytes:
    """ESC d n: print and feed n lines."""
    return ESC + b"d" + bytes([lines])


def encode(text: str) -> bytes:
    """Text in PC858; a character the page lacks becomes '?' rather than stopping the print."""
    return text.encode(ENCODING, errors="replace")


@dataclass(frozen=True)
class PaperProfile:
    """Paper width decides characters per line (font A, 12 dots wide) and dots for images."""

    width_mm: int
    dots: int
    columns: int
    number_size: int  # GS ! multiplier of the big number

    @classmethod
    def for_width(cls, width_mm: int) -> PaperProfile:
        if width_mm <= 58:
            return cls(58, 384, 32, 6)
        return cls(80, 576, 48, 8)

    @classmethod
    def for_dots(cls, width_mm: int, dots: int) -> PaperProfile:
        """From a printer's own profile: a TM-T88V prints 512 dots (42 characters) on 80 mm paper."""
        return cls(width_mm, dots, dots // 12, max(4, min(8, dots // 64)))

    def wrap(self, text: str, scale: int = 1) -> list[str]:
        return textwrap.wrap(text, max(8, self.columns // scale)) or [""]


def local_time(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_ZONE) if moment.tzinfo else moment
