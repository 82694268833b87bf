"""The outcome of passive authentication (ICAO Doc 9303 part 11 §5.1): is the chip's data what the
issuing state signed? Only GENUINE may be trusted; the kiosk treats everything else as unproven.

The check itself needs a crypto library and lives in app/hardware/idcard/passive_auth.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from app.core.identity.errors import IdentityError


class Verdict(Enum):
    GENUINE = "genuine"
    # We cannot tell: no EF.SOD, an unknown country signing certificate (CSCA), an algorithm we lack.
    NOT_VERIFIABLE = "not_verifiable"
    # The signature or a hash does not match: the data was changed after the issuer signed it.
    TAMPERED = "tampered"


class PassiveAuthReason(Enum):
    """Stable codes (for the UI's translations and for logs; they carry no personal data)."""

    VERIFIED = "passive_auth.verified"
    NO_SOD = "passive_auth.no_sod"
    SOD_MALFORMED = "passive_auth.sod_malformed"
    UNSUPPORTED_ALGORITHM = "passive_auth.unsupported_algorithm"
    NO_DOCUMENT_SIGNER = "passive_auth.no_document_signer"
    UNKNOWN_CSCA = "passive_auth.unknown_csca"
    CERTIFICATE_SIGNATURE_INVALID = "passive_auth.certificate_signature_invalid"
    DOCUMENT_SIGNER_REVOKED = "passive_auth.document_signer_revoked"
    MESSAGE_DIGEST_MISMATCH = "passive_auth.message_digest_mismatch"
    SIGNATURE_INVALID = "passive_auth.signature_invalid"
    DATA_GROUP_HASH_MISMATCH = "passive_auth.data_group_hash_mismatch"
    DATA_GROUP_NOT_SIGNED = "passive_auth.data_group_not_signed"


VERDICT_OF_REASON = {
    PassiveAuthReason.VERIFIED: Verdict.GENUINE,
    PassiveAuthReason.NO_SOD: Verdict.NOT_VERIFIABLE,
    PassiveAuthReason.SOD_MALFORMED: Verdict.NOT_VERIFIABLE,
    PassiveAuthReason.UNSUPPORTED_ALGORITHM: Verdict.NOT_VERIFIABLE,
    PassiveAuthReason.NO_DOCUMENT_SIGNER: Verdict.NOT_VERIFIABLE,
    PassiveAuthReason.UNKNOWN_CSCA: Verdict.NOT_VERIFIABLE,
    PassiveAuthReason.CERTIFICATE_SIGNATURE_INVALID: Verdict.TAMPERED,
    # The issuing state withdrew the signer's key (lost, stolen, misused): its signatures prove nothing.
    PassiveAuthReason.DOCUMENT_SIGNER_REVOKED: Verdict.NOT_VERIFIABLE,
    PassiveAuthReason.MESSAGE_DIGEST_MISMATCH: Verdict.TAMPERED,
    PassiveAuthReason.SIGNATURE_INVALID: Verdict.TAMPERED,
    PassiveAuthReason.DATA_GROUP_HASH_MISMATCH: Verdict.TAMPERED,
    # A genuine SOD lists every data group on the chip; data outside it is not covered by the signature.
    PassiveAuthReason.DATA_GROUP_NOT_SIGNED: Verdict.TAMPERED,
}

# Dutch texts (B1) for staff and logs; the kiosk shows its own translated text per verdict.
MESSAGES = {
    PassiveAuthReason.VERIFIED: "De gegevens op de chip zijn echt: ondertekend door het land van uitgifte.",
    PassiveAuthReason.NO_SOD: "De chip heeft geen beveiligingsbestand. De echtheid is niet te controleren.",
    PassiveAuthReason.SOD_MALFORMED: "Het beveiligingsbestand van de chip is onleesbaar.",
    PassiveAuthReason.UNSUPPORTED_ALGORITHM: "De chip gebruikt een beveiliging die wij niet kennen.",
    PassiveAuthReason.NO_DOCUMENT_SIGNER: "Het certificaat van de uitgever ontbreekt op de chip.",
    PassiveAuthReason.UNKNOWN_CSCA: "Het land van uitgifte staat niet in onze lijst van vertrouwde landen.",
    PassiveAuthReason.CERTIFICATE_SIGNATURE_INVALID: "Het certificaat van de uitgever is niet echt.",
    PassiveAuthReason.DOCUMENT_SIGNER_REVOKED: "Het land van uitgifte heeft de sleutel van de uitgever ingetrokken.",
    PassiveAuthReason.MESSAGE_DIGEST_MISMATCH: "Het beveiligingsbestand van de chip is veranderd.",
    PassiveAuthReason.SIGNATURE_INVALID: "De handtekening op de chip klopt niet.",
    PassiveAuthReason.DATA_GROUP_HASH_MISMATCH: "Gegevens op de chip zijn veranderd na uitgifte.",
    PassiveAuthReason.DATA_GROUP_NOT_SIGNED: "De chip bevat gegevens die niet zijn ondertekend.",
}


@dataclass(frozen=True)
class PassiveAuthResult:
    reason: PassiveAuthReason
    # Data group numbers whose hash matched the signed list (only meaningful once the SOD parsed).
    verified_data_groups: tuple[int, ...] = ()
    # The data group that failed, for DATA_GROUP_* reasons.
    data_group: int | None = None

    @property
    def verdict(self) -> Verdict:
        return VERDICT_OF_REASON[self.reason]

    @property
    def genuine(self) -> bool:
        return self.verdict is Verdict.GENUINE

    @property
    def code(self) -> str:
        return self.reason.value

    @property
    def message(self) -> str:
        return MESSAGES[self.reason]


class TrustStoreInvalid(IdentityError):
    """The folder of trusted country signing certificates (CSCA) is missing or unreadable."""

    code = "identity.trust_store_invalid"


class DocumentVerifier(Protocol):
    """Passive authentication as the identity use cases see it (app/hardware implements it).
    `files` maps file IDs as read from the chip (0101 for DG1, 011D for EF.SOD) to their content."""

    def verify(self, files: Mapping[int, bytes]) -> PassiveAuthResult: ...
