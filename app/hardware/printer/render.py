"""Turns an ESC/POS byte stream into pictures of paper, as a thermal printer would print it.

Used by the simulator so the demo shows real tickets and tests can look at them. Understands
what Loket and python-escpos send: ESC @, ESC t, ESC a, ESC E, ESC d, GS !, GS V, GS ( k
(QR: the stored data is decoded and drawn), GS v 0 (raster images), DLE EOT (answered by the
caller). Font A cells are 12 x 24 dots; the font is reportlab's Bitstream Vera, which has €.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
import reportlab
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

CELL_W, CELL_H = 12, 24
CODEPAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}
FONT_DIR = Path(reportlab.__file__).parent / "fonts"
QR_EC = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M}
QR_EC |= {50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}


@dataclass
class _Style:
    align: int = 0
    bold: bool = False
    width: int = 1
    height: int = 1
    codepage: str = "cp437"


@dataclass
class _Segment:
    text: str
    bold: bool
    width: int
    height: int


@dataclass
class PaperRenderer:
    """Feed bytes with `feed()`; every cut finishes a page. `on_status(n)` answers DLE EOT n."""

    dots: int = 576
    on_status: Callable[[int], None] | None = None
    pages: list[Image.Image] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    _buffer: bytearray = field(default_factory=bytearray)
    _style: _Style = field(default_factory=_Style)
    _line: list[_Segment] = field(default_factory=list)
    _blocks: list[Image.Image] = field(default_factory=list)
    _qr: dict[str, object] = field(default_factory=dict)

    def feed(self, data: bytes) -> list[Image.Image]:
        """Consume what is complete; returns pages finished by this call."""
        self._buffer += data
        before = len(self.pages)
        while self._buffer:
            used = self._step(bytes(self._buffer[:8]))
            if used == 0:
                break  # an incomplete command: wait for more bytes
            del self._buffer[:used]
        return self.pages[before:]

    def flush(self) -> Image.Image | None:
        """A page for whatever was printed without a cut (e.g. when the connection closes)."""
        if self._line:
            self._newline()
        if not self._blocks:
            return None
        return self._finish()

    # --- parsing -------------------------------------------------------------------------

    def _step(self, head: bytes) -> int:
        b = head[0]
        if b == 0x0A:
            self._newline()
            return 1
        if b == 0x1B:
            return self._esc(head)
        if b == 0x1D:
            return self._gs(head)
        if b == 0x10:
            if len(head) < 3:
                return 0
            if head[1] == 0x04 and self.on_status is not None:
                self.on_status(head[2])
            return 3
        if b < 0x20:
            return 1  # other control characters: ignored, as most printers do
        end = 1
        buf = self._buffer
        while end < len(buf) and buf[end] >= 0x20 and buf[end] != 0x7F:
            end += 1
        text = bytes(buf[:end]).decode(self._style.codepage, errors="replace")
        s = self._style
        self._line.append(_Segment(text, s.bold, s.width, s.height))
        return end

    def _esc(self, head: bytes) -> int:
        if len(head) < 2:
            return 0
        cmd = head[1]
        if cmd == ord("@"):
            self._style = _Style()
            return 2
        if len(head) < 3:
            return 0
        arg = head[2]
        if cmd == ord("t"):
            self._style.codepage = CODEPAGES.get(arg, "cp437")
        elif cmd == ord("a"):
            self._style.align = arg % 48 if arg >= 48 else arg
        elif cmd == ord("E"):
            self._style.bold = bool(arg & 1)
        elif cmd == ord("d"):
            if self._line:
                self._newline()
            for _ in range(arg):
                self._newline()
        return 3

    def _gs(self, head: bytes) -> int:
        if len(head) < 2:
            return 0
        cmd = head[1]
        if cmd == ord("!"):
            if len(head) < 3:
                return 0
            self._style.width = (head[2] >> 4) + 1
            self._style.height = (head[2] & 0x0F) + 1
            return 3
        if cmd == ord("V"):
            if len(head) < 3:
                return 0
            used = 4 if head[2] in (65, 66) else 3
            if len(head) < used:
                return 0
            if self._line:
                self._newline()
            self._finish()
            return used
        if cmd == ord("(") and len(head) >= 5 and head[2] == ord("k"):
            length = head[3] + head[4] * 256
            if len(self._buffer) < 5 + length:
                return 0
            self._qr_command(bytes(self._buffer[5 : 5 + length]))
            return 5 + length
        if cmd == ord("v") and len(head) >= 8 and head[2] == ord("0"):
            width_bytes = head[4] + head[5] * 256
            rows = head[6] + head[7] * 256
            size = 8 + width_bytes * rows
            if len(self._buffer) < size:
                return 0
            self._raster(bytes(self._buffer[8:size]), width_bytes, rows)
            return size
        if cmd in (ord("("), ord("v")) and len(head) < 8:
            return 0
        return 2  # unknown GS command: skip the prefix and keep going

    def _qr_command(self, body: bytes) -> None:
        fn = body[1] if len(body) > 1 else 0
        if fn == 67:
            self._qr["size"] = body[2]
        elif fn == 69:
            self._qr["ec"] = body[2]
        elif fn == 80:
            self._qr["data"] = body[3:]
        elif fn == 81:
            data = bytes(self._qr.get("data", b""))  # type: ignore[call-overload]
            payload = data.decode("utf-8", errors="replace")
            self.qr_payloads.append(payload)
            size = int(self._qr.get("size", 3))  # type: ignore[call-overload]
            code = qrcode.QRCode(border=0, box_size=size, error_correction=QR_EC.get(int(self._qr.get("ec", 48))))  # type: ignore[call-overload]
            code.add_data(data)
            code.make(fit=True)
            self._block(code.make_image().get_image().convert("L"))

    def _raster(self, data: bytes, width_bytes: int, rows: int) -> None:
        image = Image.frombytes("1", (width_bytes * 8, rows), bytes(255 - b for b in data))
        self._block(image.convert("L"))

    # --- drawing -------------------------------------------------------------------------

    def _block(self, image: Image.Image) -> None:
        if self._line:
            self._newline()
        row = Image.new("L", (self.dots, image.height), 255)
        row.paste(image, (self._x(image.width), 0))
        self._blocks.append(row)

    def _x(self, width: int) -> int:
        if self._style.align == 1:
            return max(0, (self.dots - width) // 2)
        if self._style.align == 2:
            return max(0, self.dots - width)
        return 0

    def _newline(self) -> None:
        height = max((s.height for s in self._line), default=self._style.height) * CELL_H
        row = Image.new("L", (self.dots, height), 255)
        width = sum(len(s.text) * s.width * CELL_W for s in self._line)
        x = self._x(width)
        for segment in self._line:
            glyphs = _glyphs(segment.text, segment.bold)
            scaled = glyphs.resize((glyphs.width * segment.width, CELL_H * segment.height), Image.Resampling.NEAREST)
            row.paste(scaled, (x, height - scaled.height))
            x += scaled.width
        self._blocks.append(row)
        self._line = []

    def _finish(self) -> Image.Image:
        margin = 16
        height = sum(b.height for b in self._blocks) + 2 * margin
        page = Image.new("L", (self.dots + 2 * margin, height), 255)
        y = margin
        for block in self._blocks:
            page.paste(block, (margin, y))
            y += block.height
        self._blocks = []
        self.pages.append(page)
        return page


_FONTS: dict[bool, ImageFont.FreeTypeFont] = {}


def _glyphs(text: str, bold: bool) -> Image.Image:
    """One line in 12 x 24 cells: a monospaced grid like font A."""
    if bold not in _FONTS:
        _FONTS[bold] = ImageFont.truetype(str(FONT_DIR / ("VeraBd.ttf" if bold else "Vera.ttf")), 19)
    font = _FONTS[bold]
    image = Image.new("L", (max(1, len(text)) * CELL_W, CELL_H), 255)
    draw = ImageDraw.Draw(image)
    for index, char in enumerate(text):
        left, _, right, _ = draw.textbbox((0, 0), char, font=font)
        offset = (CELL_W - (right - left)) // 2 - left
        draw.text((index * CELL_W + offset, 2), char, font=font, fill=0)
    return image
