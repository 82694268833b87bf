"""CMS SignedData (RFC 5652) as ICAO 9303 uses it: EF.SOD on the chip and CSCA master lists.

Only parsing: the signed content, the signed attributes as the signer hashed them, the signature
and the embedded certificates. Checking signatures needs a crypto library and lives in
app/hardware/idcard/cms_signature.py. Input is untrusted: every malformed structure raises
`SignedDataInvalid`, never IndexError or ValueError.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.core.identity.errors import IdentityError
from app.core.identity.tlv import (
    TAG_INTEGER,
    TAG_OID,
    TAG_SEQUENCE,
    TAG_SET,
    Tlv,
    decode_integer,
    decode_oid,
    encode_tlv,
    parse_one,
)

TAG_OCTET_STRING = 0x04
TAG_NULL = 0x05
TAG_CONTEXT_0 = 0xA0
TAG_CONTEXT_0_PRIMITIVE = 0x80
TAG_CONTEXT_1 = 0xA1

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"

# Hash algorithms by OID, as hashlib names. SHA-1 still occurs on documents issued before ~2012.
HASH_ALGORITHMS = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
HASH_OIDS = {name: oid for oid, name in HASH_ALGORITHMS.items()}


class SignedDataInvalid(IdentityError):
    """Not a well-formed CMS SignedData of the expected content type."""

    code = "identity.signed_data_invalid"


class SignedDataUnsupported(IdentityError):
    """Signed with an algorithm we do not implement (the data may still be genuine)."""

    code = "identity.signed_data_unsupported"


@dataclass(frozen=True)
class AlgorithmIdentifier:
    oid: str
    # DER of the parameters (empty when absent or NULL); RSA-PSS keeps its hash and salt length here.
    parameters: bytes = b""


@dataclass(frozen=True)
class SignerIdentifier:
    """Either issuer and serial number (SignerInfo v1) or the subject key identifier (v3)."""

    issuer_der: bytes = b""
    serial_number: int | None = None
    subject_key_identifier: bytes = b""


@dataclass(frozen=True)
class SignedContent:
    content_type: str
    content: bytes  # the eContent octets: what messageDigest covers
    digest_algorithm: str  # hashlib name, from the SignerInfo
    signed_attributes: bytes  # DER as signed: SET (tag 31), not the [0] of the SignerInfo
    message_digest: bytes
    signature_algorithm: AlgorithmIdentifier
    signature: bytes
    signer: SignerIdentifier
    certificates: tuple[bytes, ...]  # DER, as embedded

    def content_digest(self) -> bytes:
        return hashlib.new(self.digest_algorithm, self.content).digest()


def parse_content_info(data: bytes, content_type: str) -> SignedContent:
    """A ContentInfo holding SignedData whose content (and contentType attribute) is `content_type`."""
    try:
        return _parse_content_info(data, content_type)
    except (SignedDataInvalid, SignedDataUnsupported):
        raise
    except IdentityError as error:  # TlvInvalid from the reader
        raise SignedDataInvalid("De ondertekende gegevens zijn ongeldig.", cause=error.code) from None


def _parse_content_info(data: bytes, content_type: str) -> SignedContent:
    content_info = sequence(parse_one(data))
    if len(content_info) != 2 or oid(content_info[0]) != OID_SIGNED_DATA:
        raise SignedDataInvalid("Dit zijn geen ondertekende gegevens (CMS SignedData).")
    expect(content_info[1], TAG_CONTEXT_0)
    signed_data = sequence(parse_one(content_info[1].value))
    if len(signed_data) < 4:
        raise SignedDataInvalid("De ondertekende gegevens zijn onvolledig.")
    integer(signed_data[0])
    content = _encapsulated_content(signed_data[2], content_type)
    certificates: tuple[bytes, ...] = ()
    rest = signed_data[3:]
    if rest and rest[0].tag == TAG_CONTEXT_0:
        certificates = tuple(item.encode() for item in rest[0].children() if item.tag == TAG_SEQUENCE)
        rest = rest[1:]
    if rest and rest[0].tag == TAG_CONTEXT_1:
        rest = rest[1:]  # CRLs: not used by 9303
    if len(rest) != 1:
        raise SignedDataInvalid("De ondertekende gegevens hebben een onverwachte opbouw.")
    expect(rest[0], TAG_SET)
    signer_infos = rest[0].children()
    if len(signer_infos) != 1:
        # 9303 part 10 and 12: exactly one SignerInfo; more would make "which one counts" ambiguous.
        raise SignedDataInvalid("Er moet precies één ondertekenaar zijn.", signers=len(signer_infos))
    return _with_signer_info(signer_infos[0], content_type, content, certificates)


def _encapsulated_content(item: Tlv, content_type: str) -> bytes:
    parts = sequence(item)
    if len(parts) != 2 or oid(parts[0]) != content_type:
        raise SignedDataInvalid("De ondertekende gegevens hebben een ander inhoudstype.")
    expect(parts[1], TAG_CONTEXT_0)
    octets = parse_one(parts[1].value)
    expect(octets, TAG_OCTET_STRING)
    return octets.value


def _with_signer_info(item: Tlv, content_type: str, content: bytes, certificates: tuple[bytes, ...]) -> SignedContent:
    parts = sequence(item)
    if len(parts) < 6:
        raise SignedDataInvalid("De ondertekenaar is onvolledig.")
    integer(parts[0])
    signer = _signer_identifier(parts[1])
    digest_name = hash_name(algorithm(parts[2]).oid)
    attributes = parts[3]
    expect(attributes, TAG_CONTEXT_0)  # 9303 requires signed attributes
    signature_algorithm = algorithm(parts[4])
    expect(parts[5], TAG_OCTET_STRING)
    signed_type, digest = _signed_attribute_values(attributes)
    if signed_type != content_type:
        raise SignedDataInvalid("De ondertekende kenmerken noemen een ander inhoudstype.")
    return SignedContent(
        content_type=content_type,
        content=content,
        digest_algorithm=digest_name,
        # RFC 5652 §5.4: the signature covers the attributes re-tagged as an explicit SET OF.
        signed_attributes=encode_tlv(TAG_SET, attributes.value),
        message_digest=digest,
        signature_algorithm=signature_algorithm,
        signature=parts[5].value,
        signer=signer,
        certificates=certificates,
    )


def _signed_attribute_values(attributes: Tlv) -> tuple[str, bytes]:
    found: dict[str, Tlv] = {}
    for attribute in attributes.children():
        pair = sequence(attribute)
        if len(pair) != 2:
            raise SignedDataInvalid("Een ondertekend kenmerk is onvolledig.")
        expect(pair[1], TAG_SET)
        values = pair[1].children()
        attribute_type = oid(pair[0])
        if len(values) != 1 or attribute_type in found:
            raise SignedDataInvalid("Een ondertekend kenmerk is dubbel of leeg.")
        found[attribute_type] = values[0]
    if OID_CONTENT_TYPE not in found or OID_MESSAGE_DIGEST not in found:
        raise SignedDataInvalid("Het inhoudstype of de berichtsamenvatting ontbreekt.")
    digest = found[OID_MESSAGE_DIGEST]
    expect(digest, TAG_OCTET_STRING)
    return oid(found[OID_CONTENT_TYPE]), digest.value


def _signer_identifier(item: Tlv) -> SignerIdentifier:
    if item.tag == TAG_CONTEXT_0_PRIMITIVE:
        return SignerIdentifier(subject_key_identifier=item.value)
    parts = sequence(item)
    if len(parts) != 2:
        raise SignedDataInvalid("De ondertekenaar is niet te herkennen.")
    expect(parts[0], TAG_SEQUENCE)
    return SignerIdentifier(issuer_der=parts[0].encode(), serial_number=integer(parts[1]))


# --- DER helpers shared by the 9303 structures built on CMS -------------------------------------


def algorithm(item: Tlv) -> AlgorithmIdentifier:
    parts = sequence(item)
    if not 1 <= len(parts) <= 2:
        raise SignedDataInvalid("Een algoritme is ongeldig.")
    parameters = parts[1].encode() if len(parts) == 2 and parts[1].tag != TAG_NULL else b""
    return AlgorithmIdentifier(oid(parts[0]), parameters)


def hash_name(algorithm_oid: str) -> str:
    name = HASH_ALGORITHMS.get(algorithm_oid)
    if name is None:
        raise SignedDataUnsupported("Onbekend hashalgoritme.", oid=algorithm_oid)
    return name


def sequence(item: Tlv) -> list[Tlv]:
    expect(item, TAG_SEQUENCE)
    return item.children()


def oid(item: Tlv) -> str:
    expect(item, TAG_OID)
    return decode_oid(item.value)


def integer(item: Tlv) -> int:
    expect(item, TAG_INTEGER)
    return decode_integer(item.value)


def expect(item: Tlv, tag: int) -> None:
    if item.tag != tag:
        raise SignedDataInvalid("Onverwachte opbouw van ondertekende gegevens.", expected=tag, found=item.tag)
