"""TLS for the PIN terminal: a pinned certificate on our side, a self-signed one for the simulator.

A terminal on the hall's network has its own (self-signed or Adyen-CA) certificate, not one a
public CA vouches for, so we pin the SHA-256 fingerprint of exactly that certificate: a different
one is refused before a single byte of a payment goes out.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.core.payment.errors import PaymentError
from app.core.payment.ports import TerminalUnreachable


class CertificateMismatch(TerminalUnreachable):
    """The terminal showed another certificate than the pinned one; nothing was sent."""

    code = "payment.certificate_mismatch"


class FingerprintInvalid(PaymentError):
    code = "payment.fingerprint_invalid"


@dataclass(frozen=True, repr=False)
class SelfSigned:
    cert_pem: bytes
    key_pem: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(ssl.PEM_cert_to_DER_cert(self.cert_pem.decode("ascii")))

    def __repr__(self) -> str:
        return f"SelfSigned(fingerprint={self.fingerprint})"


def generate_self_signed(common_name: str, *, days: int = 3650) -> SelfSigned:
    """A P-256 key and a self-signed certificate for 127.0.0.1/localhost (simulator only)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return SelfSigned(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )


def fingerprint_of(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def normalise_fingerprint(value: str) -> str:
    """Accept `AB:CD:...` (as browsers and openssl print it) and plain hex; 64 hex digits."""
    cleaned = value.replace(":", "").replace(" ", "").lower()
    if len(cleaned) != 64 or any(c not in "0123456789abcdef" for c in cleaned):
        raise FingerprintInvalid("De vingerafdruk van het certificaat moet 64 hexadecimale tekens zijn (SHA-256).")
    return cleaned


def pinned_client_context() -> ssl.SSLContext:
    """TLS 1.2+ without CA checks: trust comes from the pin, checked by `check_pin` after the handshake."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def check_pin(sock: ssl.SSLSocket, expected: str) -> None:
    der = sock.getpeercert(binary_form=True)
    if der is None or not hmac.compare_digest(fingerprint_of(der), expected):
        raise CertificateMismatch(
            "De betaalautomaat toont een ander certificaat dan is ingesteld. Er is niets verstuurd.",
        )


def server_context(identity: SelfSigned, directory: str) -> ssl.SSLContext:
    """A server context for the simulator; ssl wants files, so they go in `directory`."""
    cert_path = os.path.join(directory, "terminal-cert.pem")
    key_path = os.path.join(directory, "terminal-key.pem")
    with open(cert_path, "wb") as handle:
        handle.write(identity.cert_pem)
    with open(os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(identity.key_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context
