"""What the identity use cases need from a card reader, as Protocols. app/hardware implements them."""

from __future__ import annotations

from typing import Protocol


class CardTransport(Protocol):
    """One connected contactless chip. `transmit` sends a command APDU and returns the complete
    response APDU (data followed by the two status bytes). Errors are `IdentityError`s."""

    def transmit(self, apdu: bytes) -> bytes: ...


class DocumentReader(Protocol):
    """Reads files of a travel document after access control (BAC or PACE) with the given MRZ key."""

    def read_file(self, file_id: int) -> bytes: ...
