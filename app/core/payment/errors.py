"""Typed errors of payments and terminal messages. Codes are stable; the UI translates them."""

from __future__ import annotations

from app.core.errors import LoketError


class PaymentError(LoketError):
    code = "payment.error"


class MessageInvalid(PaymentError):
    """A terminal message is not a well-formed protected nexo message (JSON, fields, base64)."""

    code = "payment.message_invalid"


class HmacMismatch(PaymentError):
    """The message did not verify (HMAC, padding, header): tampered, or another key was used."""

    code = "payment.hmac_mismatch"


class KeyUnknown(PaymentError):
    """The message names a key identifier, key version or crypto version we were not given."""

    code = "payment.key_unknown"


class InvalidPaymentTransition(PaymentError):
    """An event that the payment's current state does not allow (a programming or protocol error)."""

    code = "payment.invalid_transition"


class NewAttemptRefused(PaymentError):
    """A new attempt would risk a double charge (already approved, or an outcome still open)."""

    code = "payment.new_attempt_refused"


class ServiceIdInvalid(PaymentError):
    """A ServiceID is not 1-10 alphanumerics, or was already used for this terminal."""

    code = "payment.service_id_invalid"
