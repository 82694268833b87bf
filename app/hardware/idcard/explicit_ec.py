"""EC public keys with explicit domain parameters, as many CSCA and document signer certificates
carry them (BSI TR-03110 asks for explicit parameters). `cryptography` refuses such keys, so we
find the named curve they spell out and rebuild the key on it.

The curve is recognised by its field size and by both the base point and the public point lying on
it: two points of another curve satisfying a named curve's equation does not happen by chance, and
the certificate (signed by a CSCA we trust) fixes the point, so a forger gains nothing from this.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes

from app.core.identity.cms import SignedDataUnsupported
from app.core.identity.errors import IdentityError
from app.core.identity.tlv import TAG_INTEGER, TAG_OID, TAG_SEQUENCE, Tlv, decode_integer, decode_oid, parse_one

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
TAG_BIT_STRING = 0x03
TAG_OCTET_STRING = 0x04
# The curves of ICAO 9303 part 12 and BSI TR-03111 that cryptography implements.
NAMED_CURVES: tuple[ec.EllipticCurve, ...] = (
    ec.BrainpoolP256R1(),
    ec.BrainpoolP384R1(),
    ec.BrainpoolP512R1(),
    ec.SECP224R1(),
    ec.SECP256R1(),
    ec.SECP384R1(),
    ec.SECP521R1(),
)


def certificate_public_key(certificate: x509.Certificate) -> CertificatePublicKeyTypes:
    """The certificate's public key; explicit EC parameters are mapped onto their named curve.
    Raises SignedDataUnsupported when neither works."""
    try:
        return certificate.public_key()
    except (ValueError, UnsupportedAlgorithm) as error:
        if certificate.public_key_algorithm_oid.dotted_string != OID_EC_PUBLIC_KEY:
            raise SignedDataUnsupported("De sleutel van een certificaat is van een onbekend type.") from error
    try:
        return explicit_ec_public_key(certificate.tbs_certificate_bytes)
    except IdentityError as error:
        raise SignedDataUnsupported("De EC-parameters van een certificaat zijn onbekend.", cause=error.code) from None


def explicit_ec_public_key(tbs_certificate: bytes) -> ec.EllipticCurvePublicKey:
    spki = _subject_public_key_info(tbs_certificate).children()
    if len(spki) != 2:
        raise SignedDataUnsupported("De publieke sleutel van een certificaat is ongeldig.")
    algorithm, bit_string = spki
    if bit_string.tag != TAG_BIT_STRING or not bit_string.value or bit_string.value[0] != 0:
        raise SignedDataUnsupported("De publieke sleutel van een certificaat is ongeldig.")
    point = bit_string.value[1:]
    parts = algorithm.children()
    if len(parts) != 2:
        raise SignedDataUnsupported("Een certificaat heeft geen expliciete EC-parameters.")
    oid, parameters = parts
    if oid.tag != TAG_OID or decode_oid(oid.value) != OID_EC_PUBLIC_KEY or parameters.tag != TAG_SEQUENCE:
        raise SignedDataUnsupported("Een certificaat heeft geen expliciete EC-parameters.")
    prime, base = _prime_and_base(parameters)
    for curve in NAMED_CURVES:
        if curve.key_size != prime.bit_length():
            continue
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(curve, base)
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
        except ValueError:
            continue
    raise SignedDataUnsupported("Een certificaat gebruikt een onbekende elliptische kromme.", bits=prime.bit_length())


def _subject_public_key_info(tbs_certificate: bytes) -> Tlv:
    fields = parse_one(tbs_certificate).children()
    if fields and fields[0].tag == 0xA0:
        fields = fields[1:]  # explicit version
    # serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo
    if len(fields) < 6 or fields[5].tag != TAG_SEQUENCE:
        raise SignedDataUnsupported("Een certificaat heeft een onverwachte opbouw.")
    return fields[5]


def _prime_and_base(parameters: Tlv) -> tuple[int, bytes]:
    """Prime and base point (uncompressed or compressed) of ECParameters (RFC 3279)."""
    items = parameters.children()
    if len(items) < 5 or items[1].tag != TAG_SEQUENCE or items[3].tag != TAG_OCTET_STRING:
        raise SignedDataUnsupported("De EC-parameters van een certificaat zijn ongeldig.")
    field = items[1].children()
    if len(field) != 2 or field[1].tag != TAG_INTEGER:
        raise SignedDataUnsupported("De EC-parameters van een certificaat zijn ongeldig.")
    return decode_integer(field[1].value), items[3].value
