"""EF.SOD, the Document Security Object (ICAO Doc 9303 part 10 §4.6.2, RFC 5652 CMS SignedData).

Only parsing: which hashes the issuer signed, the signed attributes as the signer hashed them,
the signature and the embedded document signer certificate(s). Checking signatures needs a crypto
library and lives in app/hardware/idcard/passive_auth.py.

EF.SOD comes from the chip and is untrusted: every malformed input raises `SodInvalid`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

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

TAG_SOD = 0x77
TAG_OCTET_STRING = 0x04
TAG_CONTEXT_0 = 0xA0
TAG_CONTEXT_0_PRIMITIVE = 0x80
TAG_CONTEXT_1 = 0xA1

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
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


# Data group n (1..16) lives in the elementary file 0x0100 + n (9303 part 10 §4.6).
FILE_ID_FIRST_DATA_GROUP = 0x0101
FILE_ID_LAST_DATA_GROUP = 0x0110


def data_group_of_file(file_id: int) -> int | None:
    """The data group number of an elementary file, None for EF.COM, EF.SOD, EF.CardAccess and others."""
    if FILE_ID_FIRST_DATA_GROUP <= file_id <= FILE_ID_LAST_DATA_GROUP:
        return file_id - 0x0100
    return None


def file_of_data_group(number: int) -> int:
    return 0x0100 + number


class SodInvalid(IdentityError):
    """EF.SOD is not a well-formed CMS SignedData with an LDS security object."""

    code = "identity.sod_invalid"


class SodUnsupported(IdentityError):
    """EF.SOD uses an algorithm we do not implement (the document may still be genuine)."""

    code = "identity.sod_unsupported"


@dataclass(frozen=True)
class AlgorithmIdentifier:
    oid: str
    # DER of the parameters (empty when absent); RSA-PSS keeps its hash and salt length here.
    parameters: bytes = b""


@dataclass(frozen=True)
class SignerIdentifier:
    """Either issuer and serial number (SignerInfo v1) or the subject key identifier (v3)."""

    issuer_der: bytes = b""
    serial_number: int | None = None
    subject_key_identifier: bytes = b""


@dataclass(frozen=True)
class SecurityObject:
    lds_hash_algorithm: str  # hashlib name
    data_group_hashes: dict[int, bytes]
    encapsulated_content: bytes  # DER of the LDSSecurityObject, what messageDigest covers
    digest_algorithm: str  # hashlib name, from the SignerInfo
    signed_attributes: bytes  # DER as signed: SET (tag 31), not the [0] of the SignerInfo
    message_digest: bytes
    signature_algorithm: AlgorithmIdentifier
    signature: bytes
    signer: SignerIdentifier
    certificates: tuple[bytes, ...] = field(default=())

    def data_group_hash(self, content: bytes) -> bytes:
        return hashlib.new(self.lds_hash_algorithm, content).digest()

    def content_digest(self) -> bytes:
        return hashlib.new(self.digest_algorithm, self.encapsulated_content).digest()


def parse_sod(data: bytes) -> SecurityObject:
    """The security object from the content of EF.SOD (tag 77). Raises SodInvalid or SodUnsupported."""
    return _guarded(lambda: _parse_sod(data))


def _guarded(parse: Callable[[], SecurityObject]) -> SecurityObject:
    try:
        return parse()
    except (SodInvalid, SodUnsupported):
        raise
    except IdentityError as error:  # TlvInvalid from the reader: say which file was wrong
        raise SodInvalid("Het beveiligingsbestand (EF.SOD) van de chip is ongeldig.", cause=error.code) from None


def _parse_sod(data: bytes) -> SecurityObject:
    wrapper = parse_one(data, allow_trailing=True)
    _expect(wrapper, TAG_SOD)
    content_info = _sequence(parse_one(wrapper.value))
    if len(content_info) != 2 or _oid(content_info[0]) != OID_SIGNED_DATA:
        raise SodInvalid("EF.SOD bevat geen ondertekende gegevens (CMS SignedData).")
    explicit = content_info[1]
    _expect(explicit, TAG_CONTEXT_0)
    signed_data = _sequence(parse_one(explicit.value))
    if len(signed_data) < 4:
        raise SodInvalid("De ondertekende gegevens in EF.SOD zijn onvolledig.")
    _int(signed_data[0])
    encapsulated = _encapsulated_content(signed_data[2])
    certificates: tuple[bytes, ...] = ()
    rest = signed_data[3:]
    if rest and rest[0].tag == TAG_CONTEXT_0:
        certificates = tuple(item.encode() for item in rest[0].children() if item.tag == TAG_SEQUENCE)
        rest = rest[1:]
    if rest and rest[0].tag == TAG_CONTEXT_1:
        rest = rest[1:]  # CRLs: never used by 9303 documents
    if len(rest) != 1:
        raise SodInvalid("EF.SOD heeft een onverwachte opbouw.")
    _expect(rest[0], TAG_SET)
    signer_infos = rest[0].children()
    if len(signer_infos) != 1:
        # 9303 part 10: exactly one SignerInfo; more would make "which one counts" ambiguous.
        raise SodInvalid("EF.SOD moet precies één ondertekenaar hebben.", signers=len(signer_infos))
    lds_hash, hashes = _lds_security_object(encapsulated)
    return _with_signer_info(signer_infos[0], encapsulated, lds_hash, hashes, certificates)


def _encapsulated_content(item: Tlv) -> bytes:
    parts = _sequence(item)
    if len(parts) != 2 or _oid(parts[0]) != OID_LDS_SECURITY_OBJECT:
        raise SodInvalid("EF.SOD ondertekent geen LDS-beveiligingsobject.")
    _expect(parts[1], TAG_CONTEXT_0)
    octets = parse_one(parts[1].value)
    _expect(octets, TAG_OCTET_STRING)
    return octets.value


def _lds_security_object(der: bytes) -> tuple[str, dict[int, bytes]]:
    parts = _sequence(parse_one(der))
    if len(parts) < 3:
        raise SodInvalid("Het LDS-beveiligingsobject is onvolledig.")
    _int(parts[0])
    hash_name = _hash_name(_algorithm(parts[1]).oid)
    hashes: dict[int, bytes] = {}
    for entry in _sequence(parts[2]):
        pair = _sequence(entry)
        if len(pair) != 2:
            raise SodInvalid("Een hashwaarde in EF.SOD is onvolledig.")
        number = _int(pair[0])
        _expect(pair[1], TAG_OCTET_STRING)
        if not 1 <= number <= 16 or number in hashes:
            raise SodInvalid("EF.SOD noemt een ongeldige datagroep.", data_group=number)
        hashes[number] = pair[1].value
    return hash_name, hashes


def _with_signer_info(
    item: Tlv, encapsulated: bytes, lds_hash: str, hashes: dict[int, bytes], certificates: tuple[bytes, ...]
) -> SecurityObject:
    parts = _sequence(item)
    if len(parts) < 5:
        raise SodInvalid("De ondertekenaar in EF.SOD is onvolledig.")
    _int(parts[0])
    signer = _signer_identifier(parts[1])
    digest_name = _hash_name(_algorithm(parts[2]).oid)
    attributes = parts[3]
    _expect(attributes, TAG_CONTEXT_0)  # 9303 requires signed attributes
    signature_algorithm = _algorithm(parts[4])
    if len(parts) < 6:
        raise SodInvalid("De handtekening in EF.SOD ontbreekt.")
    _expect(parts[5], TAG_OCTET_STRING)
    content_type, digest = _signed_attribute_values(attributes)
    if content_type != OID_LDS_SECURITY_OBJECT:
        raise SodInvalid("De ondertekende kenmerken in EF.SOD noemen een ander inhoudstype.")
    return SecurityObject(
        lds_hash_algorithm=lds_hash,
        data_group_hashes=hashes,
        encapsulated_content=encapsulated,
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
        pair = _sequence(attribute)
        if len(pair) != 2:
            raise SodInvalid("Een ondertekend kenmerk in EF.SOD is onvolledig.")
        _expect(pair[1], TAG_SET)
        values = pair[1].children()
        oid = _oid(pair[0])
        if len(values) != 1 or oid in found:
            raise SodInvalid("Een ondertekend kenmerk in EF.SOD is dubbel of leeg.")
        found[oid] = values[0]
    if OID_CONTENT_TYPE not in found or OID_MESSAGE_DIGEST not in found:
        raise SodInvalid("EF.SOD mist het inhoudstype of de berichtsamenvatting.")
    digest = found[OID_MESSAGE_DIGEST]
    _expect(digest, TAG_OCTET_STRING)
    return _oid(found[OID_CONTENT_TYPE]), digest.value


def _signer_identifier(item: Tlv) -> SignerIdentifier:
    if item.tag == TAG_CONTEXT_0_PRIMITIVE:
        return SignerIdentifier(subject_key_identifier=item.value)
    parts = _sequence(item)
    if len(parts) != 2:
        raise SodInvalid("De ondertekenaar in EF.SOD is niet te herkennen.")
    _expect(parts[0], TAG_SEQUENCE)
    return SignerIdentifier(issuer_der=parts[0].encode(), serial_number=_int(parts[1]))


def _algorithm(item: Tlv) -> AlgorithmIdentifier:
    parts = _sequence(item)
    if not 1 <= len(parts) <= 2:
        raise SodInvalid("Een algoritme in EF.SOD is ongeldig.")
    parameters = parts[1].encode() if len(parts) == 2 and parts[1].tag != 0x05 else b""  # 05: NULL
    return AlgorithmIdentifier(_oid(parts[0]), parameters)


def _hash_name(oid: str) -> str:
    name = HASH_ALGORITHMS.get(oid)
    if name is None:
        raise SodUnsupported("EF.SOD gebruikt een onbekend hashalgoritme.", oid=oid)
    return name


def _sequence(item: Tlv) -> list[Tlv]:
    _expect(item, TAG_SEQUENCE)
    return item.children()


def _oid(item: Tlv) -> str:
    _expect(item, TAG_OID)
    return decode_oid(item.value)


def _int(item: Tlv) -> int:
    _expect(item, TAG_INTEGER)
    return decode_integer(item.value)


def _expect(item: Tlv, tag: int) -> None:
    if item.tag != tag:
        raise SodInvalid("EF.SOD heeft een onverwachte opbouw.", expected=tag, found=item.tag)
