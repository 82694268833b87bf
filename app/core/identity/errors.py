"""Typed errors of identity documents (MRZ, chip data, card protocol). Codes are stable."""

from __future__ import annotations

from app.core.errors import LoketError


class IdentityError(LoketError):
    code = "identity.error"


class MrzInvalid(IdentityError):
    """The MRZ text cannot be read at all (wrong length, wrong characters). Failed check digits are
    not an error: they are reported on the parsed result."""

    code = "identity.mrz_invalid"


class TlvInvalid(IdentityError):
    """Chip data (BER-TLV / DER) is truncated or malformed."""

    code = "identity.tlv_invalid"


class CardResponseInvalid(IdentityError):
    """A response APDU from the chip is too short, garbled or not what the protocol expects."""

    code = "identity.card_response_invalid"


class SecureMessagingFailed(IdentityError):
    """A protected response did not verify (MAC, padding): the session cannot be trusted."""

    code = "identity.secure_messaging_failed"


class AuthenticationFailed(IdentityError):
    """BAC or PACE did not complete: usually a wrong MRZ (document number, dates) was used."""

    code = "identity.authentication_failed"


class CardStatusError(IdentityError):
    """The chip answered with a status word other than 9000."""

    code = "identity.card_status"

    def __init__(self, message: str, *, status_word: int) -> None:
        super().__init__(message, status_word=status_word)
        self.status_word = status_word


class UnsupportedProtocol(IdentityError):
    """The chip offers only protocols (OIDs, curves) that we do not implement."""

    code = "identity.unsupported_protocol"


class CommandInvalid(IdentityError):
    """A command APDU we were asked to send is malformed (a programming error, never card data)."""

    code = "identity.command_invalid"
