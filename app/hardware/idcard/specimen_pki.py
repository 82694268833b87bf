"""TEST ONLY: a country signing CA (CSCA), a document signer and EF.SOD, the issuer's side of passive
authentication, for tests, the fake chip and the demo's specimen card.

Keys are generated in memory on each call (EC P-256 takes milliseconds; cache RSA per session in
tests) and never written anywhere: no private key of ours exists on disk. Every name says TEST ONLY,
so a production trust store that somehow got this CSCA is easy to spot.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from app.core.identity.cms import (
    HASH_OIDS,
    OID_CONTENT_TYPE,
    OID_MESSAGE_DIGEST,
    OID_SIGNED_DATA,
    TAG_CONTEXT_0,
    TAG_OCTET_STRING,
)
from app.core.identity.master_list import OID_CSCA_MASTER_LIST
from app.core.identity.sod import OID_LDS_SECURITY_OBJECT, TAG_SOD, data_group_of_file
from app.core.identity.tlv import TAG_INTEGER, TAG_OID, TAG_SEQUENCE, TAG_SET, encode_oid, encode_tlv
from app.hardware.idcard.reader import EF_SOD

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

OID_SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
OID_RSASSA_PSS = "1.2.840.113549.1.1.10"
OID_MGF1 = "1.2.840.113549.1.1.8"
OID_ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2"

_VALID_FROM = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
_VALID_UNTIL = datetime.datetime(2045, 1, 1, tzinfo=datetime.UTC)
_PSS_SALT_LENGTH = 32  # the SHA-256 output size, as 9303 part 12 recommends


class KeyKind(Enum):
    EC_P256 = "ec-p256"
    RSA_2048 = "rsa-2048"


@dataclass(frozen=True)
class CertifiedKey:
    certificate: x509.Certificate
    private_key: PrivateKey

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class SpecimenPki:
    csca: CertifiedKey
    document_signer: CertifiedKey


def generate_key(kind: KeyKind) -> PrivateKey:
    if kind is KeyKind.RSA_2048:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def generate_pki(kind: KeyKind = KeyKind.EC_P256, *, country: str = "NL") -> SpecimenPki:
    """A fresh CSCA and a document signer issued by it."""
    csca_private = generate_key(kind)
    csca_name = _name(country, "TEST ONLY Loket specimen CSCA")
    csca_ski = x509.SubjectKeyIdentifier.from_public_key(csca_private.public_key())
    csca = (
        _builder(csca_name, csca_name, csca_private.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(csca_ski, critical=False)
        .sign(csca_private, hashes.SHA256())
    )
    signer_private = generate_key(kind)
    signer = (
        _builder(_name(country, "TEST ONLY Loket specimen document signer"), csca_name, signer_private.public_key())
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(csca_ski), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_private.public_key()), critical=False)
        .sign(csca_private, hashes.SHA256())
    )
    return SpecimenPki(CertifiedKey(csca, csca_private), CertifiedKey(signer, signer_private))


def build_sod(
    data_groups: Mapping[int, bytes],
    signer: CertifiedKey,
    *,
    hash_name: str = "sha256",
    rsa_pss: bool = False,
    plain_ecdsa: bool = False,
) -> bytes:
    """EF.SOD (tag 77) signing the hashes of `data_groups` (number -> whole file content).
    `plain_ecdsa` stores an EC signature as r||s instead of DER, as some issuers do."""
    hash_algorithm = _seq(_oid(HASH_OIDS[hash_name]))
    hash_values = b"".join(
        _seq(_int(number) + _tlv(TAG_OCTET_STRING, hashlib.new(hash_name, content).digest()))
        for number, content in sorted(data_groups.items())
    )
    lds_security_object = _seq(_int(0) + hash_algorithm + _seq(hash_values))
    content_info = _content_info(
        OID_LDS_SECURITY_OBJECT, lds_security_object, signer, hash_name, rsa_pss=rsa_pss, plain_ecdsa=plain_ecdsa
    )
    return _tlv(TAG_SOD, content_info)


def build_crl(csca: CertifiedKey, revoked: Sequence[x509.Certificate]) -> x509.CertificateRevocationList:
    """The CSCA's certificate revocation list withdrawing the given (document signer) certificates."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(csca.certificate.subject)
        .last_update(_VALID_FROM)
        .next_update(_VALID_UNTIL)
    )
    for certificate in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(certificate.serial_number).revocation_date(_VALID_FROM)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(csca.private_key, hashes.SHA256())


def build_master_list(cscas: Sequence[x509.Certificate], signer: CertifiedKey) -> bytes:
    """A CSCA master list (9303 part 12 §9): the certificates, signed by a master list signer."""
    certificates = b"".join(sorted(certificate.public_bytes(serialization.Encoding.DER) for certificate in cscas))
    master_list = _seq(_int(0) + _set(certificates))
    return _content_info(OID_CSCA_MASTER_LIST, master_list, signer, "sha256", rsa_pss=False)


def _content_info(
    content_type: str, content: bytes, signer: CertifiedKey, hash_name: str, *, rsa_pss: bool, plain_ecdsa: bool = False
) -> bytes:
    """ContentInfo with SignedData (RFC 5652) over `content`, with the attributes 9303 requires."""
    hash_algorithm = _seq(_oid(HASH_OIDS[hash_name]))
    attributes = sorted(  # DER: a SET OF is sorted by encoding
        [
            _seq(_oid(OID_CONTENT_TYPE) + _set(_oid(content_type))),
            _seq(_oid(OID_MESSAGE_DIGEST) + _set(_tlv(TAG_OCTET_STRING, hashlib.new(hash_name, content).digest()))),
        ]
    )
    signed_attributes = b"".join(attributes)
    signature_algorithm, signature = _sign(signer.private_key, _set(signed_attributes), rsa_pss=rsa_pss)
    if plain_ecdsa and isinstance(signer.private_key, ec.EllipticCurvePrivateKey):
        size = (signer.private_key.curve.key_size + 7) // 8
        r, s = decode_dss_signature(signature)
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    certificate = signer.certificate
    signer_identifier = _seq(certificate.issuer.public_bytes() + _int(certificate.serial_number))
    signer_info = _seq(
        _int(1)
        + signer_identifier
        + hash_algorithm
        + _tlv(TAG_CONTEXT_0, signed_attributes)
        + signature_algorithm
        + _tlv(TAG_OCTET_STRING, signature)
    )
    encapsulated = _seq(_oid(content_type) + _tlv(TAG_CONTEXT_0, _tlv(TAG_OCTET_STRING, content)))
    signed_data = _seq(
        _int(3)
        + _set(hash_algorithm)
        + encapsulated
        + _tlv(TAG_CONTEXT_0, signer.certificate_der())
        + _set(signer_info)
    )
    return _seq(_oid(OID_SIGNED_DATA) + _tlv(TAG_CONTEXT_0, signed_data))


def sod_for_files(files: Mapping[int, bytes], signer: CertifiedKey, *, rsa_pss: bool = False) -> bytes:
    """EF.SOD for a chip's file map (file ID -> content), as FakeEmrtdChip takes it: every data
    group file (0101..0110) is signed, EF.COM and the rest are not (as on a real document)."""
    data_groups = {}
    for file_id, content in files.items():
        number = data_group_of_file(file_id)
        if number is not None:
            data_groups[number] = content
    return build_sod(data_groups, signer, rsa_pss=rsa_pss)


def with_sod(files: Mapping[int, bytes], signer: CertifiedKey, *, rsa_pss: bool = False) -> dict[int, bytes]:
    """The chip's files plus a matching EF.SOD, ready for `FakeEmrtdChip(mrz_information, files)`."""
    return {**files, EF_SOD: sod_for_files(files, signer, rsa_pss=rsa_pss)}


def write_csca(folder: Path, csca: CertifiedKey, file_name: str = "loket-test-only-csca.pem") -> Path:
    """Puts the CSCA certificate (never its key) in a trust-store folder, e.g. for the demo."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    path.write_bytes(csca.certificate_pem())
    return path


def _sign(key: PrivateKey, data: bytes, *, rsa_pss: bool) -> tuple[bytes, bytes]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return _seq(_oid(OID_ECDSA_WITH_SHA256)), key.sign(data, ec.ECDSA(hashes.SHA256()))
    if rsa_pss:
        sha256 = _seq(_oid(HASH_OIDS["sha256"]))
        parameters = _seq(
            _tlv(TAG_CONTEXT_0, sha256) + _tlv(0xA1, _seq(_oid(OID_MGF1) + sha256)) + _tlv(0xA2, _int(_PSS_SALT_LENGTH))
        )
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=_PSS_SALT_LENGTH)
        return _seq(_oid(OID_RSASSA_PSS) + parameters), key.sign(data, pss, hashes.SHA256())
    return _seq(_oid(OID_SHA256_WITH_RSA) + b"\x05\x00"), key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def _name(country: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "TEST ONLY - Loket"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_VALID_FROM)
        .not_valid_after(_VALID_UNTIL)
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _tlv(tag: int, value: bytes) -> bytes:
    return encode_tlv(tag, value)


def _seq(value: bytes) -> bytes:
    return encode_tlv(TAG_SEQUENCE, value)


def _set(value: bytes) -> bytes:
    return encode_tlv(TAG_SET, value)


def _oid(dotted: str) -> bytes:
    return encode_tlv(TAG_OID, encode_oid(dotted))


def _int(value: int) -> bytes:
    return encode_tlv(TAG_INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))
