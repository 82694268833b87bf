"""Passive authentication (ICAO Doc 9303 part 11 §5.1): EF.SOD's signature, the hash of every data
group read, and the document signer's chain to a country signing CA (CSCA) from our trust store.

The trust store is in trust_store.py. Validity dates are not checked: a document stays valid
long after its signer's key stopped signing, and a CSCA's end date does not end its documents.
"""

from __future__ import annotations

import hmac
import logging
import warnings
from collections.abc import Mapping, Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.utils import CryptographyDeprecationWarning

from app.core.identity.errors import CardStatusError, IdentityError
from app.core.identity.passive_auth import PassiveAuthReason, PassiveAuthResult
from app.core.identity.ports import DocumentReader
from app.core.identity.sod import (
    HASH_ALGORITHMS,
    SecurityObject,
    SodInvalid,
    SodUnsupported,
    data_group_of_file,
    parse_sod,
)
from app.core.identity.tlv import TAG_INTEGER, TAG_OID, TAG_SEQUENCE, Tlv, decode_integer, decode_oid, parse_one
from app.hardware.idcard.explicit_ec import certificate_public_key
from app.hardware.idcard.reader import EF_SOD
from app.hardware.idcard.trust_store import TrustStore, parsed_certificate, subject_key_id

logger = logging.getLogger(__name__)

SW_FILE_NOT_FOUND = 0x6A82

OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
OID_RSASSA_PSS = "1.2.840.113549.1.1.10"
OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
# Signature algorithms that name their hash. rsaEncryption and ecPublicKey (seen on some documents)
# take the hash from the SignerInfo's digest algorithm instead.
RSA_PKCS1_HASHES = {
    "1.2.840.113549.1.1.5": "sha1",
    "1.2.840.113549.1.1.14": "sha224",
    "1.2.840.113549.1.1.11": "sha256",
    "1.2.840.113549.1.1.12": "sha384",
    "1.2.840.113549.1.1.13": "sha512",
}
ECDSA_HASHES = {
    "1.2.840.10045.4.1": "sha1",
    "1.2.840.10045.4.3.1": "sha224",
    "1.2.840.10045.4.3.2": "sha256",
    "1.2.840.10045.4.3.3": "sha384",
    "1.2.840.10045.4.3.4": "sha512",
}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


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
    if not hmac.compare_digest(sod.content_digest(), sod.message_digest):
        return PassiveAuthResult(PassiveAuthReason.MESSAGE_DIGEST_MISMATCH)
    signer = _document_signer(sod)
    if signer is None:
        return PassiveAuthResult(PassiveAuthReason.NO_DOCUMENT_SIGNER)
    try:
        _verify_signature(signer, sod)
    except InvalidSignature:
        return PassiveAuthResult(PassiveAuthReason.SIGNATURE_INVALID)
    except (SodUnsupported, UnsupportedAlgorithm, ValueError, TypeError):
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


def _document_signer(sod: SecurityObject) -> x509.Certificate | None:
    with warnings.catch_warnings():
        # Garbled chip data may hold e.g. a negative serial number: we reject it, no need to warn.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return _matching_signer(sod)


def _matching_signer(sod: SecurityObject) -> x509.Certificate | None:
    certificates = [certificate for der in sod.certificates if (certificate := parsed_certificate(der)) is not None]
    for certificate in certificates:
        wanted = sod.signer
        if wanted.serial_number is not None and certificate.serial_number == wanted.serial_number:
            return certificate
        if wanted.subject_key_identifier and subject_key_id(certificate) == wanted.subject_key_identifier:
            return certificate
    # The signature and the chain decide; the identifier only picks among several certificates.
    return certificates[0] if len(certificates) == 1 else None


def _verify_signature(certificate: x509.Certificate, sod: SecurityObject) -> None:
    key = certificate_public_key(certificate)
    algorithm = sod.signature_algorithm
    data, signature = sod.signed_attributes, sod.signature
    if isinstance(key, rsa.RSAPublicKey):
        if algorithm.oid == OID_RSASSA_PSS:
            hash_name, mgf_hash, salt = _pss_parameters(algorithm.parameters)
            pss = padding.PSS(mgf=padding.MGF1(_hash(mgf_hash)), salt_length=salt)
            key.verify(signature, data, pss, _hash(hash_name))
            return
        if algorithm.oid == OID_RSA_ENCRYPTION:
            hash_name = sod.digest_algorithm
        else:
            hash_name = _named_hash(RSA_PKCS1_HASHES, algorithm.oid)
        key.verify(signature, data, padding.PKCS1v15(), _hash(hash_name))
        return
    if isinstance(key, ec.EllipticCurvePublicKey):
        if algorithm.oid == OID_EC_PUBLIC_KEY:
            hash_name = sod.digest_algorithm
        else:
            hash_name = _named_hash(ECDSA_HASHES, algorithm.oid)
        key.verify(_der_ecdsa(signature, key), data, ec.ECDSA(_hash(hash_name)))
        return
    raise SodUnsupported("De sleutel van de uitgever is van een onbekend type.")


def _chain(signer: x509.Certificate, trust_store: TrustStore) -> PassiveAuthReason:
    candidates = trust_store.issuers_of(signer)
    if not candidates:
        return PassiveAuthReason.UNKNOWN_CSCA
    for csca in candidates:
        try:
            _verify_issued_by(signer, csca)
        except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm, IdentityError):
            continue
        return PassiveAuthReason.VERIFIED
    return PassiveAuthReason.CERTIFICATE_SIGNATURE_INVALID


def _verify_issued_by(signer: x509.Certificate, csca: x509.Certificate) -> None:
    try:
        signer.verify_directly_issued_by(csca)
        return
    except ValueError:
        key = certificate_public_key(csca)  # cryptography refused the key: explicit EC parameters?
    hash_algorithm = signer.signature_hash_algorithm
    if not isinstance(key, ec.EllipticCurvePublicKey) or hash_algorithm is None or signer.issuer != csca.subject:
        raise InvalidSignature
    key.verify(signer.signature, signer.tbs_certificate_bytes, ec.ECDSA(hash_algorithm))


def _pss_parameters(der: bytes) -> tuple[str, str, int]:
    """Hash, MGF1 hash and salt length of RSASSA-PSS-params (RFC 4055), with its SHA-1 defaults."""
    hash_name, mgf_hash, salt = "sha1", "sha1", 20
    if not der:
        return hash_name, mgf_hash, salt
    params = parse_one(der)
    if params.tag != TAG_SEQUENCE:
        raise SodInvalid("De RSA-PSS-parameters in EF.SOD zijn ongeldig.")
    for item in params.children():
        inner = parse_one(item.value)
        if item.tag == 0xA0:
            hash_name = _hash_name_of(inner)
        elif item.tag == 0xA1:
            mgf = inner.children()
            if len(mgf) != 2:
                raise SodInvalid("De RSA-PSS-parameters in EF.SOD zijn ongeldig.")
            mgf_hash = _hash_name_of(mgf[1])
        elif item.tag == 0xA2 and inner.tag == TAG_INTEGER:
            salt = decode_integer(inner.value)
    if salt < 0:
        raise SodInvalid("De RSA-PSS-parameters in EF.SOD zijn ongeldig.")
    return hash_name, mgf_hash, salt


def _hash_name_of(algorithm: Tlv) -> str:
    parts = algorithm.children() if algorithm.tag == TAG_SEQUENCE else []
    if not parts or parts[0].tag != TAG_OID:
        raise SodInvalid("Een algoritme in EF.SOD is ongeldig.")
    oid = decode_oid(parts[0].value)
    if oid not in HASH_ALGORITHMS:
        raise SodUnsupported("EF.SOD gebruikt een onbekend hashalgoritme.", oid=oid)
    return HASH_ALGORITHMS[oid]


def _named_hash(table: Mapping[str, str], oid: str) -> str:
    if oid not in table:
        raise SodUnsupported("EF.SOD gebruikt een onbekend handtekeningalgoritme.", oid=oid)
    return table[oid]


def _hash(name: str) -> hashes.HashAlgorithm:
    return _HASHES[name]()


def _der_ecdsa(signature: bytes, key: ec.EllipticCurvePublicKey) -> bytes:
    """Some issuers store ECDSA signatures as plain r||s (BSI TR-03111) instead of DER."""
    size = (key.curve.key_size + 7) // 8
    if len(signature) == 2 * size and signature[:1] != b"\x30":
        r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        return encode_dss_signature(r, s)
    return signature
