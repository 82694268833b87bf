"""Typed errors of the card reader itself (PC/SC), beside the chip's errors in `errors`.

`retryable` tells the UI whether "leg de kaart opnieuw op de lezer" can help.
"""

from __future__ import annotations

from app.core.identity.errors import IdentityError


class CardReaderError(IdentityError):
    code = "identity.reader_error"
    retryable = False


class CardServiceUnavailable(CardReaderError):
    """The PC/SC service (pcscd, or Windows' Smart Card service) does not answer."""

    code = "identity.pcsc_unavailable"


class ReaderNotFound(CardReaderError):
    """No reader is attached, or none whose name holds the configured part."""

    code = "identity.reader_not_found"


class NoCardOnReader(CardReaderError):
    """The reader is there but no card lies on it (or it did not answer in time)."""

    code = "identity.no_card"
    retryable = True


class CardLostDuringRead(CardReaderError):
    """The card went away (pulled, or moved out of the reader's field) during a read. Putting it
    back and reading again is the remedy; the half-read session is gone."""

    code = "identity.card_removed"
    retryable = True
