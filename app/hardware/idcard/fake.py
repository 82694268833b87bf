"""In-process card transports for unit tests: a scripted exchange and a plain file-serving chip."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.identity.tlv import iter_tlv
from app.hardware.idcard.apdu import CommandApdu


class ScriptedTransport:
    """Plays back (expected command, response) pairs in order; any other command fails the test."""

    def __init__(self, exchanges: Iterable[tuple[bytes, bytes]]) -> None:
        self._exchanges = list(exchanges)
        self.sent: list[bytes] = []

    @property
    def finished(self) -> bool:
        return len(self.sent) == len(self._exchanges)

    def transmit(self, apdu: bytes) -> bytes:
        index = len(self.sent)
        self.sent.append(apdu)
        if index >= len(self._exchanges):
            raise AssertionError(f"unexpected extra command #{index + 1}")
        expected, response = self._exchanges[index]
        if apdu != expected:
            raise AssertionError(f"command #{index + 1} differs: {apdu.hex()} != {expected.hex()}")
        return response


class InMemoryCard:
    """A chip without access control that serves files: SELECT application or file ID, READ BINARY
    (B0, B1)."""

    def __init__(self, files: dict[int, bytes]) -> None:
        self._files = dict(files)
        self._selected: bytes | None = None
        self.commands: list[CommandApdu] = []

    def transmit(self, apdu: bytes) -> bytes:
        command = CommandApdu.parse(apdu)
        self.commands.append(command)
        if command.ins == 0xA4 and command.p1 == 0x04:
            return b"\x90\x00"  # the one application this fake holds
        if command.ins == 0xA4 and command.p1 == 0x02:
            self._selected = self._files.get(int.from_bytes(command.data, "big"))
            return b"\x90\x00" if self._selected is not None else b"\x6a\x82"
        if command.ins in (0xB0, 0xB1):
            if self._selected is None:
                return b"\x69\x86"  # no current EF
            length = command.le or 0
            if command.ins == 0xB0:
                offset = (command.p1 << 8) | command.p2
            else:
                offset = int.from_bytes(next(iter_tlv(command.data)).value, "big")
                length -= 3
            chunk = self._selected[offset : offset + length]
            if command.ins == 0xB1:
                chunk = bytes([0x53, 0x81, len(chunk)]) + chunk
            return chunk + (b"\x90\x00" if offset + length <= len(self._selected) else b"\x62\x82")
        return b"\x6d\x00"  # instruction not supported
