"""Checking CMS signatures (RFC 5652) of EF.SOD and master lists with `cryptography`: RSA PKCS#1
v1.5, RSA-PSS and ECDSA over the signed attributes, and a certificate's signature by its issuer.
Keys with explicit EC domain parameters go through explicit_ec.py.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.utils import CryptographyDeprecationWarning

from app.core.identity.cms import HASH_ALGORITHMS, SignedContent, SignedDataInvalid, SignedDataUnsupported
from app.core.identity.tlv import TAG_INTEGER, TAG_OID, TAG_SEQUENCE, Tlv, decode_integer, decode_oid, parse_one
from app.hardware.idcard.explicit_ec import certificate_public_key

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


def signer_certificate(signed: SignedContent) -> x509.Certificate | None:
    with warnings.catch_warnings():
        # Garbled chip data may hold e.g. a negative serial number: we reject it, no need to warn.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return _matching_signer(signed)


def _matching_signer(signed: SignedContent) -> x509.Certificate | None:
    certificates = [certificate for der in signed.certificates if (certificate := parsed_certificate(der)) is not None]
    for certificate in certificates:
        wanted = signed.signer
        if wanted.serial_number is not None and certificate.serial_number == wanted.serial_number:
            return certificate
        if wanted.subject_key_identifier and subject_key_id(certificate) == wanted.subject_key_identifier:
            return certificate
    # The signature and the chain decide; the identifier only picks among several certificates.
    return certificates[0] if len(certificates) == 1 else None


def verify_signature(certificate: x509.Certificate, signed: SignedContent) -> None:
    key = certificate_public_key(certificate)
    algorithm = signed.signature_algorithm
    data, signature = signed.signed_attributes, signed.signature
    if isinstance(key, rsa.RSAPublicKey):
        if algorithm.oid == OID_RSASSA_PSS:
            hash_name, mgf_hash, salt = _pss_parameters(algorithm.parameters)
            pss = padding.PSS(mgf=padding.MGF1(_hash(mgf_hash)), salt_length=salt)
            key.verify(signature, data, pss, _hash(hash_name))
            return
        if algorithm.oid == OID_RSA_ENCRYPTION:
            hash_name = signed.digest_algorithm
        else:
            hash_name = _named_hash(RSA_PKCS1_HASHES, algorithm.oid)
        key.verify(signature, data, padding.PKCS1v15(), _hash(hash_name))
        return
    if isinstance(key, ec.EllipticCurvePublicKey):
        if algorithm.oid == OID_EC_PUBLIC_KEY:
            hash_name = signed.digest_algorithm
        else:
            hash_name = _named_hash(ECDSA_HASHES, algorithm.oid)
        _verify_ecdsa(key, signature, data, _hash(hash_name))
        return
    raise SignedDataUnsupported("De sleutel van de uitgever is van een onbekend type.")


def verify_issued_by(signer: x509.Certificate, csca: x509.Certificate) -> None:
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
        raise SignedDataInvalid("De RSA-PSS-parameters zijn ongeldig.")
    for item in params.children():
        inner = parse_one(item.value)
        if item.tag == 0xA0:
            hash_name = _hash_name_of(inner)
        elif item.tag == 0xA1:
            mgf = inner.children()
            if len(mgf) != 2:
                raise SignedDataInvalid("De RSA-PSS-parameters zijn ongeldig.")
            mgf_hash = _hash_name_of(mgf[1])
        elif item.tag == 0xA2 and inner.tag == TAG_INTEGER:
            salt = decode_integer(inner.value)
    if salt < 0:
        raise SignedDataInvalid("De RSA-PSS-parameters zijn ongeldig.")
    return hash_name, mgf_hash, salt


def _hash_name_of(algorithm: Tlv) -> str:
    parts = algorithm.children() if algorithm.tag == TAG_SEQUENCE else []
    if not parts or parts[0].tag != TAG_OID:
        raise SignedDataInvalid("Een algoritme is ongeldig.")
    oid = decode_oid(parts[0].value)
    if oid not in HASH_ALGORITHMS:
        raise SignedDataUnsupported("Gebruikt een onbekend hashalgoritme.", oid=oid)
    return HASH_ALGORITHMS[oid]


def _named_hash(table: Mapping[str, str], oid: str) -> str:
    if oid not in table:
        raise SignedDataUnsupported("Gebruikt een onbekend handtekeningalgoritme.", oid=oid)
    return table[oid]


def _hash(name: str) -> hashes.HashAlgorithm:
    return _HASHES[name]()


def _verify_ecdsa(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes, hash: hashes.HashAlgorithm) -> None:
    """ECDSA in DER (X9.62) or, as some issuers store it, plain r||s (BSI TR-03111). A plain value
    may happen to start like DER, so both readings are tried when the length fits plain."""
    size = (key.curve.key_size + 7) // 8
    readings = [signature] if signature[:1] == b"\x30" else []
    if len(signature) == 2 * size:
        r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        readings.append(encode_dss_signature(r, s))
    for reading in readings:
        try:
            key.verify(reading, data, ec.ECDSA(hash))
            return
        except InvalidSignature:
            continue
    raise InvalidSignature


def parsed_certificate(der: bytes) -> x509.Certificate | None:
    """The certificate with every field we use parsed now: cryptography parses names and extensions
    lazily, and garbled ones then raise assorted types at first use (ValueError, KeyError,
    InvalidVersion, DuplicateExtension ...): all mean "not a usable certificate"."""
    try:
        certificate = x509.load_der_x509_certificate(der)
        _ = (certificate.subject, certificate.issuer, certificate.serial_number, list(certificate.extensions))
    except Exception:
        return None
    return certificate


def authority_key_id(certificate: x509.Certificate) -> bytes | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    except (x509.ExtensionNotFound, ValueError):
        return None


def subject_key_id(certificate: x509.Certificate) -> bytes | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except (x509.ExtensionNotFound, ValueError):
        return None
