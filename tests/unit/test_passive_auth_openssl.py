"""Passive authentication of EF.SOD files that OpenSSL signed (tests/fixtures/openssl-sod.json):
our verifier must accept CMS it did not write itself, with the extra signed attributes, the
rsaEncryption signature OID, the subject-key-identifier signer and the explicit EC domain
parameters that real documents use."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from app.core.identity.passive_auth import PassiveAuthReason, Verdict
from app.core.identity.sod import parse_sod
from app.hardware.idcard.passive_auth import EF_SOD, verify_document
from app.hardware.idcard.reader import DG1, DG2
from app.hardware.idcard.trust_store import TrustStore

FIXTURE = Path(__file__).parent.parent / "fixtures" / "openssl-sod.json"
VARIANTS = ["brainpool_ecdsa", "explicit_ec", "rsa_keyid"]


@functools.cache
def fixture() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text()))


def files(variant: str) -> dict[int, bytes]:
    data = fixture()
    return {
        DG1: bytes.fromhex(data["dg1"]),
        DG2: bytes.fromhex(data["dg2"]),
        EF_SOD: bytes.fromhex(data[variant]["sod"]),
    }


def store(variant: str) -> TrustStore:
    return TrustStore([x509.load_pem_x509_certificate(fixture()[variant]["csca_pem"].encode())])


@pytest.mark.parametrize("variant", VARIANTS)
def test_an_openssl_signed_sod_is_genuine(variant: str) -> None:
    result = verify_document(files(variant), store(variant))
    assert result.reason is PassiveAuthReason.VERIFIED
    assert result.verified_data_groups == (1, 2)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_changed_portrait_under_an_openssl_sod_is_tampered(variant: str) -> None:
    changed = files(variant)
    changed[DG2] = changed[DG2][:-1] + b"\xff"
    result = verify_document(changed, store(variant))
    assert (result.verdict, result.reason, result.data_group) == (
        Verdict.TAMPERED,
        PassiveAuthReason.DATA_GROUP_HASH_MISMATCH,
        2,
    )


def test_another_countrys_csca_does_not_vouch_for_it() -> None:
    result = verify_document(files("brainpool_ecdsa"), store("rsa_keyid"))
    assert result.reason is PassiveAuthReason.UNKNOWN_CSCA


def test_explicit_ec_parameters_are_verified_on_their_named_curve() -> None:
    certificate = x509.load_pem_x509_certificate(fixture()["explicit_ec"]["csca_pem"].encode())
    with pytest.raises(ValueError, match="explicit"):
        certificate.public_key()  # why we map the parameters ourselves
    broken_signature = files("explicit_ec")
    sod = broken_signature[EF_SOD]
    broken_signature[EF_SOD] = sod[:-1] + bytes([sod[-1] ^ 0x01])
    assert verify_document(broken_signature, store("explicit_ec")).reason is PassiveAuthReason.SIGNATURE_INVALID


def test_a_document_signer_certificate_with_a_broken_signature_does_not_chain() -> None:
    for variant in VARIANTS:
        changed = files(variant)
        signer = parse_sod(changed[EF_SOD]).signed.certificates[0]
        end = changed[EF_SOD].index(signer) + len(signer)
        changed[EF_SOD] = changed[EF_SOD][: end - 1] + bytes([changed[EF_SOD][end - 1] ^ 0x01]) + changed[EF_SOD][end:]
        result = verify_document(changed, store(variant))
        assert (result.verdict, result.reason) == (Verdict.TAMPERED, PassiveAuthReason.CERTIFICATE_SIGNATURE_INVALID)
