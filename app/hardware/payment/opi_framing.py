"""OPI frames: a 4-byte big-endian length, then that many bytes of UTF-8 XML.

TCP delivers a byte stream, not messages: one recv() may hold half a frame or three of them.
`FrameDecoder` buffers until a whole frame is there. A length over `MAX_FRAME` (1 MiB; real OPI
messages are a few kilobytes) or a payload that is not XML means the peer speaks something else
or is hostile, and the stream cannot be trusted any more: the decoder refuses it for good.
"""

from __future__ import annotations

import struct

from app.core.payment.errors import PaymentError

HEADER = struct.Struct(">I")
MAX_FRAME = 1024 * 1024
_XML_START = (b"<", b"\xef\xbb\xbf<")  # with or without a UTF-8 byte order mark


class OpiFrameError(PaymentError):
    """The bytes on an OPI channel are not a valid length-prefixed XML frame."""

    code = "payment.opi.frame_invalid"


def encode_frame(payload: bytes) -> bytes:
    if not payload:
        raise OpiFrameError("Een leeg OPI-bericht kan niet verstuurd worden.")
    if len(payload) > MAX_FRAME:
        raise OpiFrameError("Het OPI-bericht is te groot.", size=len(payload))
    return HEADER.pack(len(payload)) + payload


class FrameDecoder:
    """Feed it what recv() returned; it hands back every frame that is now complete."""

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._max_frame = max_frame
        self._broken: OpiFrameError | None = None

    @property
    def pending(self) -> int:
        """Bytes received that do not yet form a whole frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        if self._broken is not None:
            raise self._broken
        self._buffer += data
        frames: list[bytes] = []
        while len(self._buffer) >= HEADER.size:
            (length,) = HEADER.unpack_from(self._buffer)
            if length == 0 or length > self._max_frame:
                self._fail(OpiFrameError("Ongeldige lengte van een OPI-bericht.", length=length))
            if not self._looks_like_xml(length):
                self._fail(OpiFrameError("Een OPI-bericht is geen XML."))
            if len(self._buffer) < HEADER.size + length:
                break
            frames.append(bytes(self._buffer[HEADER.size : HEADER.size + length]))
            del self._buffer[: HEADER.size + length]
        return frames

    def _looks_like_xml(self, length: int) -> bool:
        # Judge the start as soon as it is here, so garbage is refused without waiting for
        # (up to) a megabyte that may never come.
        start = bytes(self._buffer[HEADER.size : HEADER.size + min(length, 4)]).lstrip(b" \t\r\n")
        if not start:
            return True
        return any(start.startswith(prefix[: len(start)]) for prefix in _XML_START)

    def _fail(self, error: OpiFrameError) -> None:
        self._broken = error
        self._buffer.clear()
        raise error
