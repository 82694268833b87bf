"""A virtual eMRTD on pcscd's vpcd driver (Debian `vsmartcard-vpcd`), so tests and IT staff can
run the real PC/SC path (pyscard → pcscd → vpcd → this card) without a passport on a reader.

The card is the TCP client: it connects to vpcd (127.0.0.1:35963, `/etc/reader.conf.d/vpcd`), which
then shows a card in reader "Virtual PCD 00 00". Every message is a 2-byte big-endian length and a
payload; a 1-byte payload is a control message (0 power off, 1 on, 2 reset, 4 ATR, answered with
the ATR), anything else a command APDU, answered by the in-process `FakeEmrtdChip`.
Connecting is putting the card on the reader, disconnecting is pulling it off.

    python -m app.hardware.idcard.virtual_card --mrz 'I<NLD...' --mrz '...' --mrz '...'
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from app.core.identity.mrz import parse_travel_document_mrz
from app.core.identity.tlv import encode_tlv
from app.hardware.idcard.fake_chip import FakeEmrtdChip
from app.hardware.idcard.reader import DG1

logger = logging.getLogger(__name__)

# Test runs and benchmarks on one machine share vpcd's one reader: they take turns on this file lock.
READER_LOCK_FILE = Path(tempfile.gettempdir()) / "loket-vpcd-reader.lock"
VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0x00, 0x01, 0x02, 0x04
SW_NO_PRECISE_DIAGNOSIS = b"\x6f\x00"
# pcscd asks vpcd whether a card is present every 400 ms. A card put back sooner than that after a
# pull is never seen as gone, so pcscd would not power it up again; no hand is that fast anyway.
MIN_SECONDS_OFF = 0.6


def _contactless_atr(historical: bytes) -> bytes:
    """PC/SC part 3 ATR of a contactless ISO 14443-4 card: 3B 8n 80 01, historical bytes, TCK."""
    body = bytes([0x80 | len(historical), 0x80, 0x01]) + historical
    tck = 0
    for byte in body:
        tck ^= byte
    return b"\x3b" + body + bytes([tck])


# Historical bytes of a type B card: application data, protocol info, MBLI (values of no meaning).
ATR = _contactless_atr(bytes.fromhex("4C4F4B4554778100"))


def dg1_for(mrz_lines: Sequence[str]) -> bytes:
    """EF.DG1 holding the MRZ as printed (tag 61 with 5F1F)."""
    return encode_tlv(0x61, encode_tlv(0x5F1F, "".join(mrz_lines).encode("ascii")))


class VirtualCard:
    """One virtual document. `insert()` puts it on the reader, `pull()` takes it off (also mid-read
    from another thread). With `pull_after=n` it pulls itself on the command after the n-th, the
    way a card slides off the reader while the software is still reading."""

    def __init__(
        self,
        mrz_lines: Sequence[str],
        *,
        pace: bool = True,
        host: str = VPCD_HOST,
        port: int = VPCD_PORT,
        pull_after: int | None = None,
        t0_part: int | None = None,
        files: Mapping[int, bytes] | None = None,
    ) -> None:
        self._mrz_information = parse_travel_document_mrz(list(mrz_lines)).mrz_information
        # `files` replaces the default (DG1 only), e.g. DG1 with a signed EF.SOD.
        self._files = dict(files) if files is not None else {DG1: dg1_for(mrz_lines)}
        self._pace = pace
        self._address = (host, port)
        self.pull_after = pull_after
        self.t0_part = t0_part  # answers longer than this come in parts, with 61xx, as over T=0
        self._pending = b""
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._chip = self._new_chip()
        self._lock = threading.Lock()
        self._pulled_at = -MIN_SECONDS_OFF
        self.apdus = 0  # command APDUs answered since insert()
        self.powered = threading.Event()  # the reader asked for the ATR: pcscd sees the card
        self.pulled = threading.Event()

    def _new_chip(self) -> FakeEmrtdChip:
        # A chip without power forgets its session: every power-up or reset starts from scratch.
        return FakeEmrtdChip(self._mrz_information, self._files, pace=self._pace)

    @property
    def inserted(self) -> bool:
        return self._socket is not None

    def insert(self, timeout: float = 5.0) -> None:
        """Connects to vpcd; retries while vpcd is not listening yet (pcscd still starting)."""
        if self.inserted:
            return
        off_until = self._pulled_at + MIN_SECONDS_OFF
        if time.monotonic() < off_until:
            time.sleep(off_until - time.monotonic())
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection = socket.create_connection(self._address, timeout=timeout)
                break
            except OSError as error:
                if time.monotonic() >= deadline:
                    raise ConnectionError(f"vpcd antwoordt niet op {self._address[0]}:{self._address[1]}") from error
                time.sleep(0.1)  # a bounded retry of the connect, not a wait for the test's condition
        connection.settimeout(None)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._socket = connection
            self.apdus = 0
            self._chip, self._pending = self._new_chip(), b""
            self.powered.clear()
            self.pulled.clear()
        self._thread = threading.Thread(target=self._serve, args=(connection,), name="virtual-card", daemon=True)
        self._thread.start()
        logger.info("virtual card inserted at vpcd %s:%d", *self._address)

    def pull(self) -> None:
        """Takes the card off the reader: vpcd sees the connection close."""
        with self._lock:
            connection, self._socket = self._socket, None
        if connection is not None:
            _close(connection)
            self._pulled_at = time.monotonic()
        self.pulled.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> VirtualCard:
        self.insert()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.pull()

    def _serve(self, connection: socket.socket) -> None:
        try:
            while True:
                header = _receive(connection, 2)
                message = _receive(connection, int.from_bytes(header, "big"))
                answer = self._answer(message)
                if answer is None:
                    continue
                if answer is _PULL:
                    break
                connection.sendall(len(answer).to_bytes(2, "big") + answer)
        except OSError:
            pass  # vpcd went away or we were pulled: the card is off the reader either way
        finally:
            with self._lock:
                current = self._socket is connection
                if current:
                    self._socket = None
                    self._pulled_at = time.monotonic()
                    self.pulled.set()
            _close(connection)
            if current:
                logger.info("virtual card off the reader after %d APDUs", self.apdus)

    def _answer(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            control = message[0]
            logger.debug("vpcd control message %#04x", control)
            if control == CTRL_ATR:
                self.powered.set()
                return ATR
            if control in (CTRL_ON, CTRL_RESET, CTRL_OFF):
                self._chip, self._pending = self._new_chip(), b""
                return None
            logger.warning("unknown vpcd control message %#04x", control)
            return None
        if self.pull_after is not None and self.apdus >= self.pull_after:
            return _PULL
        self.apdus += 1
        if self._pending and len(message) >= 4 and message[1] == 0xC0:  # GET RESPONSE: the next part
            return self._part(self._pending)
        try:
            answer = self._chip.transmit(message)  # never logged: APDUs carry personal data
        except Exception as error:  # a real chip answers garbage with a status word, not silence
            logger.warning("virtual card cannot answer a command (%s)", type(error).__name__)
            return SW_NO_PRECISE_DIAGNOSIS
        return self._part(answer) if self.t0_part is not None else answer

    def _part(self, answer: bytes) -> bytes:
        """The first `t0_part` bytes and 61xx while more is left; the rest waits for GET RESPONSE."""
        data, status = answer[:-2], answer[-2:]
        size = self.t0_part or len(data)
        if len(data) <= size:
            self._pending = b""
            return data + status
        self._pending = data[size:] + status
        left = len(data) - size
        return data[:size] + bytes([0x61, left if left < 0x100 else 0x00])  # 6100: 256 or more


_PULL = b"pull"


def _receive(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionResetError("vpcd closed the connection")
        data += chunk
    if _QUICKACK is not None:
        # vpcd writes with Nagle on: our delayed ACK held its next message back ~40 ms per APDU.
        # Linux turns quick ACKs off again by itself, so this is set after every read.
        connection.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
    return data


_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.hardware.idcard.virtual_card",
        description="Een virtueel identiteitsbewijs op de vpcd-kaartlezer van pcscd (voor tests en IT).",
    )
    parser.add_argument("--mrz", action="append", required=True, metavar="REGEL", help="MRZ-regel (2 of 3 keer)")
    parser.add_argument("--bac", action="store_true", help="alleen BAC, geen PACE (een ouder document)")
    parser.add_argument("--host", default=VPCD_HOST)
    parser.add_argument("--port", type=int, default=VPCD_PORT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    lines = [part for line in args.mrz for part in line.split()]
    card = VirtualCard(lines, pace=not args.bac, host=args.host, port=args.port)
    try:
        card.insert()
    except ConnectionError as error:
        logger.error("%s; draait pcscd met vsmartcard-vpcd?", error)
        return 2
    logger.info("kaart ligt op de lezer; Ctrl-C haalt haar eraf")
    with contextlib.suppress(KeyboardInterrupt):
        card.pulled.wait()
    card.pull()
    return 0


if __name__ == "__main__":
    sys.exit(main())
