"""The trust store: the country signing CA (CSCA) certificates passive authentication chains
document signers to. A folder IT fills with PEM or DER certificates, CSCA master lists (`.ml`,
from the ICAO PKD or a state) and the CSCAs' CRLs, under any file name. A stray file is skipped
with a warning.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.core.identity.errors import IdentityError
from app.core.identity.master_list import parse_master_list
from app.core.identity.passive_auth import TrustStoreInvalid
from app.hardware.idcard.cms_signature import (
    authority_key_id,
    parsed_certificate,
    signer_certificate,
    subject_key_id,
    verify_issued_by,
    verify_signature,
)
from app.hardware.idcard.explicit_ec import certificate_public_key

logger = logging.getLogger(__name__)


class TrustStore:
    """The CSCA certificates we trust, looked up by the issuer of a document signer certificate."""

    def __init__(
        self,
        certificates: Iterable[x509.Certificate],
        revocation_lists: Iterable[x509.CertificateRevocationList] = (),
    ) -> None:
        self._certificates = list(certificates)
        # Only CRLs whose signature a CSCA here verified (load_trust_store checks them).
        self._revocation_lists = list(revocation_lists)

    def __len__(self) -> int:
        return len(self._certificates)

    def issuers_of(self, certificate: x509.Certificate) -> list[x509.Certificate]:
        """CSCAs whose name (and, when both say it, key identifier) match the certificate's issuer."""
        wanted_key = authority_key_id(certificate)
        found = []
        for csca in self._certificates:
            if csca.subject != certificate.issuer:
                continue
            key_id = subject_key_id(csca)
            if wanted_key is not None and key_id is not None and key_id != wanted_key:
                continue  # same country, another (older or newer) CSCA key
            found.append(csca)
        return found

    def revoked(self, certificate: x509.Certificate) -> bool:
        """Whether a CRL of the certificate's issuer lists it (a document signer key withdrawn)."""
        return any(
            crl.issuer == certificate.issuer
            and crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None
            for crl in self._revocation_lists
        )


def load_trust_store(folder: Path) -> TrustStore:
    """Every CSCA certificate in `folder`. Other files are skipped with a warning, so one stray
    README does not stop the kiosk; a missing folder is a configuration error."""
    if not folder.is_dir():
        raise TrustStoreInvalid("De map met landcertificaten (CSCA) bestaat niet.", path=str(folder))
    certificates: list[x509.Certificate] = []
    revocation_lists: dict[str, x509.CertificateRevocationList] = {}
    for path in sorted(item for item in folder.iterdir() if item.is_file()):
        try:
            data = path.read_bytes()
        except OSError as error:
            logger.warning("Trust store: cannot read %s (%s); skipped", path.name, error.strerror)
            continue
        loaded = _certificates_in(data) or _master_list_certificates(path)
        if not loaded:
            crl = _revocation_list_in(data)
            if crl is not None:
                revocation_lists[path.name] = crl
                continue
            logger.warning("Trust store: %s is no certificate (PEM, DER), master list or CRL; skipped", path.name)
            continue
        for certificate in loaded:
            if _is_ca(certificate):
                certificates.append(certificate)
            else:
                logger.warning("Trust store: %s holds a certificate that is no CA; skipped", path.name)
    if not certificates:
        logger.warning("Trust store %s holds no CSCA certificates: no document can be verified", folder)
    verified = [crl for name, crl in revocation_lists.items() if _crl_verified(name, crl, certificates)]
    logger.info("Trust store: %d CSCA certificates and %d CRLs from %s", len(certificates), len(verified), folder)
    return TrustStore(certificates, verified)


def _revocation_list_in(data: bytes) -> x509.CertificateRevocationList | None:
    try:
        if b"-----BEGIN X509 CRL-----" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        return None


def _crl_verified(name: str, crl: x509.CertificateRevocationList, cscas: list[x509.Certificate]) -> bool:
    """A CRL counts only when a CSCA with its issuer's name signed it: anyone can write a CRL file."""
    for csca in cscas:
        try:
            if csca.subject != crl.issuer:
                continue
            key = certificate_public_key(csca)
            if isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey) and crl.is_signature_valid(key):
                return True
        except (IdentityError, UnsupportedAlgorithm, ValueError, TypeError):
            continue
    logger.warning("Trust store: CRL %s is not signed by a CSCA here; skipped", name)
    return False


def _master_list_certificates(path: Path) -> list[x509.Certificate]:
    """The CSCAs of a master list whose signature verifies and whose signer one of its CSCAs issued.
    That proves the file is intact as its publisher signed it; trusting the publisher is IT's call,
    made by putting the file here."""
    try:
        master_list = parse_master_list(path.read_bytes())
    except (IdentityError, OSError):
        return []
    cscas = [certificate for der in master_list.certificates if (certificate := parsed_certificate(der)) is not None]
    signer = signer_certificate(master_list.signed)
    try:
        if signer is None or not hmac.compare_digest(
            master_list.signed.content_digest(), master_list.signed.message_digest
        ):
            raise InvalidSignature
        verify_signature(signer, master_list.signed)
        if not any(_issued(signer, csca) for csca in cscas):
            raise InvalidSignature
    except (InvalidSignature, IdentityError, UnsupportedAlgorithm, ValueError, TypeError):
        logger.warning("Trust store: the signature of master list %s does not verify; skipped", path.name)
        return []
    logger.info("Trust store: master list %s holds %d certificates", path.name, len(cscas))
    return cscas


def _issued(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        verify_issued_by(certificate, issuer)
    except (InvalidSignature, IdentityError, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


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
