"""Passive authentication (ICAO Doc 9303 part 11 §5.1): EF.SOD's signature, the hash of every data
group read, and the document signer's chain to a country signing CA (CSCA) from our trust store.

The trust store is in trust_store.py. Validity dates are not checked: a document stays valid
long after its signer's key stopped signing, and a CSCA's end date does not end its documents.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping, Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from app.core.identity.cms import SignedDataUnsupported
from app.core.identity.errors import CardStatusError, IdentityError
from app.core.identity.passive_auth import PassiveAuthReason, PassiveAuthResult
from app.core.identity.ports import DocumentReader
from app.core.identity.sod import SodInvalid, SodUnsupported, data_group_of_file, parse_sod
from app.hardware.idcard.cms_signature import signer_certificate, verify_issued_by, verify_signature
from app.hardware.idcard.reader import EF_SOD
from app.hardware.idcard.trust_store import TrustStore

logger = logging.getLogger(__name__)

SW_FILE_NOT_FOUND = 0x6A82


class PassiveAuthenticator:
    """The core's DocumentVerifier: passive authentication against one trust store."""

    def __init__(self, trust_store: TrustStore) -> None:
        self._trust_store = trust_store

    def verify(self, files: Mapping[int, bytes]) -> PassiveAuthResult:
        return verify_document(files, self._trust_store)


def verify_document(files: Mapping[int, bytes], trust_store: TrustStore) -> PassiveAuthResult:
    """Passive authentication of what was read from a chip: `files` maps file IDs (as read with
    OpenedDocument.read_file, e.g. 0101 for DG1) to their content, EF.SOD (011D) among them."""
    sod = files.get(EF_SOD)
    data_groups = {}
    for file_id, content in files.items():
        number = data_group_of_file(file_id)
        if number is not None:
            data_groups[number] = content
    result = _verify(sod, data_groups, trust_store)
    log = logger.info if result.genuine else logger.warning
    log("Passive authentication: %s (%s)", result.verdict.value, result.code)
    return result


def read_and_verify(
    document: DocumentReader, file_ids: Sequence[int], trust_store: TrustStore
) -> tuple[dict[int, bytes], PassiveAuthResult]:
    """Reads EF.SOD and the given files from an opened document and verifies them together.
    A document without EF.SOD is read anyway; its result says NOT_VERIFIABLE."""
    files = {file_id: document.read_file(file_id) for file_id in file_ids}
    try:
        files[EF_SOD] = document.read_file(EF_SOD)
    except CardStatusError as error:
        if error.status_word != SW_FILE_NOT_FOUND:
            raise
    return files, verify_document(files, trust_store)


def _verify(sod_bytes: bytes | None, data_groups: Mapping[int, bytes], trust_store: TrustStore) -> PassiveAuthResult:
    if sod_bytes is None:
        return PassiveAuthResult(PassiveAuthReason.NO_SOD)
    try:
        sod = parse_sod(sod_bytes)
    except SodUnsupported:
        return PassiveAuthResult(PassiveAuthReason.UNSUPPORTED_ALGORITHM)
    except SodInvalid:
        return PassiveAuthResult(PassiveAuthReason.SOD_MALFORMED)
    if not hmac.compare_digest(sod.signed.content_digest(), sod.signed.message_digest):
        return PassiveAuthResult(PassiveAuthReason.MESSAGE_DIGEST_MISMATCH)
    signer = signer_certificate(sod.signed)
    if signer is None:
        return PassiveAuthResult(PassiveAuthReason.NO_DOCUMENT_SIGNER)
    try:
        verify_signature(signer, sod.signed)
    except InvalidSignature:
        return PassiveAuthResult(PassiveAuthReason.SIGNATURE_INVALID)
    except (SignedDataUnsupported, UnsupportedAlgorithm, ValueError, TypeError):
        # ValueError/TypeError: e.g. EC keys with explicit curve parameters, which cryptography refuses.
        return PassiveAuthResult(PassiveAuthReason.UNSUPPORTED_ALGORITHM)
    except IdentityError:
        return PassiveAuthResult(PassiveAuthReason.SOD_MALFORMED)
    verified: list[int] = []
    for number, content in sorted(data_groups.items()):
        expected = sod.data_group_hashes.get(number)
        if expected is None:
            return PassiveAuthResult(PassiveAuthReason.DATA_GROUP_NOT_SIGNED, tuple(verified), number)
        if not hmac.compare_digest(sod.data_group_hash(content), expected):
            return PassiveAuthResult(PassiveAuthReason.DATA_GROUP_HASH_MISMATCH, tuple(verified), number)
        verified.append(number)
    return PassiveAuthResult(_chain(signer, trust_store), tuple(verified))


def _chain(signer: x509.Certificate, trust_store: TrustStore) -> PassiveAuthReason:
    candidates = trust_store.issuers_of(signer)
    if not candidates:
        return PassiveAuthReason.UNKNOWN_CSCA
    for csca in candidates:
        try:
            verify_issued_by(signer, csca)
        except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm, IdentityError):
            continue
        if trust_store.revoked(signer):
            return PassiveAuthReason.DOCUMENT_SIGNER_REVOKED
        return PassiveAuthReason.VERIFIED
    return PassiveAuthReason.CERTIFICATE_SIGNATURE_INVALID
