"""The BRP client over HTTPS: a server certificate from the configured CA file is trusted, an
unknown one is refused with a typed error."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.core.errors import ConfigError
from app.core.kcc.brp_local import load_persons
from app.core.kcc.persons import BrpUnavailable, LocalPersonRegistry
from app.integrations.brp_api import HaalCentraalRegistry
from app.integrations.brp_standin import BrpStandIn
from tests.unit.brp_fixture import summary_rows, summary_text

LOCAL = LocalPersonRegistry(load_persons(summary_text()))
MOULIN = next(r for r in summary_rows() if r["pl_id"] == "Lg01_716")


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    """A TEST ONLY certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_https_with_the_configured_ca_file(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path, "brp-test")
    other, _ = self_signed(tmp_path, "someone-else")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with BrpStandIn(LOCAL, ssl_context=context) as server:
        assert server.url.startswith("https://127.0.0.1:")
        trusted = HaalCentraalRegistry(server.url, ca_file=str(cert), timeout=5)
        person = trusted.by_bsn(MOULIN["burgerservicenummer"])
        assert person is not None and person.naam.geslachtsnaam == MOULIN["geslachtsnaam"]
        for client in (
            HaalCentraalRegistry(server.url, timeout=5),  # system CAs only
            HaalCentraalRegistry(server.url, ca_file=str(other), timeout=5),
        ):
            with pytest.raises(BrpUnavailable) as refused:
                client.by_bsn(MOULIN["burgerservicenummer"])
            assert refused.value.details["reason"] == "certificate"


def test_bad_settings_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as bad_url:
        HaalCentraalRegistry("ftp://brp.example")
    assert bad_url.value.key == "brp.url"
    with pytest.raises(ConfigError) as bad_ca:
        HaalCentraalRegistry("https://127.0.0.1:1", ca_file=str(tmp_path / "ontbreekt.pem"))
    assert bad_ca.value.key == "brp.ca_file"
    garbage = tmp_path / "rommel.pem"
    garbage.write_text("geen certificaat")
    with pytest.raises(ConfigError):
        HaalCentraalRegistry("https://127.0.0.1:1", ca_file=str(garbage))
