"""Frames over a TCP socket with a deadline: the one place both OPI sides read and write."""

from __future__ import annotations

import socket
import time

from app.core.payment.errors import PaymentError
from app.hardware.payment.opi_framing import FrameDecoder, encode_frame


class ChannelClosed(PaymentError):
    """The other side closed the connection before a whole frame arrived."""

    code = "payment.opi.channel_closed"


class ChannelTimeout(PaymentError):
    """No whole frame arrived before the deadline."""

    code = "payment.opi.channel_timeout"


class FrameReader:
    """Reads whole frames from one socket; frames that arrived together are kept for later."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._decoder = FrameDecoder()
        self._ready: list[bytes] = []

    def read(self, timeout: float | None) -> bytes:
        """The next frame. OSError, ChannelClosed, ChannelTimeout or OpiFrameError otherwise."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._ready:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ChannelTimeout("Geen antwoord op tijd over OPI.")
                self._sock.settimeout(remaining)
            else:
                self._sock.settimeout(None)
            try:
                data = self._sock.recv(65536)
            except TimeoutError as error:
                raise ChannelTimeout("Geen antwoord op tijd over OPI.") from error
            if not data:
                raise ChannelClosed("De OPI-verbinding is verbroken.", pending=self._decoder.pending)
            self._ready.extend(self._decoder.feed(data))
        return self._ready.pop(0)


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(encode_frame(payload))
