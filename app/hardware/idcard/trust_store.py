"""The trust store: the country signing CA (CSCA) certificates passive authentication chains
document signers to. A folder IT fills with PEM or DER files (any file name), e.g. taken from the
ICAO PKD or a national master list. A stray file is skipped with a warning, never fatal.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.core.identity.passive_auth import TrustStoreInvalid

logger = logging.getLogger(__name__)


class TrustStore:
    """The CSCA certificates we trust, looked up by the issuer of a document signer certificate."""

    def __init__(self, certificates: Iterable[x509.Certificate]) -> None:
        self._certificates = list(certificates)

    def __len__(self) -> int:
        return len(self._certificates)

    def issuers_of(self, certificate: x509.Certificate) -> list[x509.Certificate]:
        """CSCAs whose name (and, when both say it, key identifier) match the certificate's issuer."""
        wanted_key = _authority_key_id(certificate)
        found = []
        for csca in self._certificates:
            if csca.subject != certificate.issuer:
                continue
            key_id = subject_key_id(csca)
            if wanted_key is not None and key_id is not None and key_id != wanted_key:
                continue  # same country, another (older or newer) CSCA key
            found.append(csca)
        return found


def load_trust_store(folder: Path) -> TrustStore:
    """Every CSCA certificate in `folder`. Other files are skipped with a warning, so one stray
    README does not stop the kiosk; a missing folder is a configuration error."""
    if not folder.is_dir():
        raise TrustStoreInvalid("De map met landcertificaten (CSCA) bestaat niet.", path=str(folder))
    certificates: list[x509.Certificate] = []
    for path in sorted(item for item in folder.iterdir() if item.is_file()):
        try:
            loaded = _certificates_in(path.read_bytes())
        except OSError as error:
            logger.warning("Trust store: cannot read %s (%s); skipped", path.name, error.strerror)
            continue
        if not loaded:
            logger.warning("Trust store: %s is no PEM or DER certificate; skipped", path.name)
            continue
        for certificate in loaded:
            if _is_ca(certificate):
                certificates.append(certificate)
            else:
                logger.warning("Trust store: %s holds a certificate that is no CA; skipped", path.name)
    if not certificates:
        logger.warning("Trust store %s holds no CSCA certificates: no document can be verified", folder)
    logger.info("Trust store: %d CSCA certificates from %s", len(certificates), folder)
    return TrustStore(certificates)


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


def _certificates_in(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN CERTIFICATE-----" in data:
        try:
            found = x509.load_pem_x509_certificates(data)
        except ValueError:
            return []
        parsed = [parsed_certificate(certificate.public_bytes(serialization.Encoding.DER)) for certificate in found]
        return [certificate for certificate in parsed if certificate is not None]
    certificate = parsed_certificate(data)
    return [certificate] if certificate is not None else []


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        extensions = certificate.extensions
        try:
            return bool(extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
        except x509.ExtensionNotFound:
            pass
        try:
            return bool(extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign)
        except x509.ExtensionNotFound:
            return True  # very old CSCAs have neither; the chain check still needs their key
    except ValueError:
        return False


def _authority_key_id(certificate: x509.Certificate) -> bytes | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    except (x509.ExtensionNotFound, ValueError):
        return None


def subject_key_id(certificate: x509.Certificate) -> bytes | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except (x509.ExtensionNotFound, ValueError):
        return None
