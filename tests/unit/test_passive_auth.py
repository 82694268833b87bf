"""Passive authentication end to end: a fake chip serves EF.SOD made by our specimen issuer; the
reader opens the document, reads DG1 and EF.SOD, and checks them against a trust store."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from app.core.identity.passive_auth import DocumentVerifier, PassiveAuthReason, Verdict
from app.hardware.idcard.fake_chip import FakeEmrtdChip
from app.hardware.idcard.passive_auth import EF_SOD, PassiveAuthenticator, read_and_verify, verify_document
from app.hardware.idcard.reader import DG1, DG2, EF_COM, open_document
from app.hardware.idcard.specimen_pki import KeyKind, build_sod, generate_key, with_sod
from app.hardware.idcard.trust_store import TrustStore
from tests.unit.pki_helpers import specimen_pki
from tests.unit.test_document_reader import dutch_dg1, dutch_mrz_information, ef_com


def trust(*kinds_and_names: tuple[KeyKind, str]) -> TrustStore:
    return TrustStore(specimen_pki(kind, name).csca.certificate for kind, name in kinds_and_names)


def signed_files(kind: KeyKind = KeyKind.EC_P256, *, rsa_pss: bool = False) -> dict[int, bytes]:
    return with_sod({DG1: dutch_dg1(), EF_COM: ef_com()}, specimen_pki(kind).document_signer, rsa_pss=rsa_pss)


@pytest.mark.parametrize(
    ("kind", "rsa_pss", "pace"),
    [(KeyKind.EC_P256, False, True), (KeyKind.RSA_2048, False, False), (KeyKind.RSA_2048, True, True)],
)
def test_a_genuine_document_read_from_the_chip_is_genuine(kind: KeyKind, rsa_pss: bool, pace: bool) -> None:
    chip = FakeEmrtdChip(dutch_mrz_information(), signed_files(kind, rsa_pss=rsa_pss), pace=pace)
    document = open_document(chip, dutch_mrz_information())
    files, result = read_and_verify(document, [DG1], trust((kind, "issuer")))
    assert result.verdict is Verdict.GENUINE and result.genuine
    assert result.verified_data_groups == (1,)
    assert files[DG1] == dutch_dg1()


@pytest.mark.parametrize("hash_name", ["sha1", "sha384", "sha512"])
def test_older_and_stronger_hash_algorithms_verify(hash_name: str) -> None:
    sod = build_sod({1: dutch_dg1()}, specimen_pki().document_signer, hash_name=hash_name)
    result = verify_document({DG1: dutch_dg1(), EF_SOD: sod}, trust((KeyKind.EC_P256, "issuer")))
    assert result.reason is PassiveAuthReason.VERIFIED


def test_an_ecdsa_signature_stored_as_plain_r_and_s_verifies() -> None:
    signer, store = specimen_pki().document_signer, trust((KeyKind.EC_P256, "issuer"))
    sod = build_sod({1: dutch_dg1()}, signer, plain_ecdsa=True)
    assert verify_document({DG1: dutch_dg1(), EF_SOD: sod}, store).genuine
    # About one plain value in 256 starts with 0x30, like DER: it must verify too.
    looks_like_der = next(
        sod for sod in (build_sod({1: dutch_dg1()}, signer, plain_ecdsa=True) for _ in range(5000)) if sod[-64] == 0x30
    )
    assert verify_document({DG1: dutch_dg1(), EF_SOD: looks_like_der}, store).genuine


def test_a_changed_dg1_is_tampered() -> None:
    files = signed_files()
    changed = dutch_dg1().replace(b"NLD", b"BEL", 1)
    files[DG1] = changed
    chip = FakeEmrtdChip(dutch_mrz_information(), files)
    _, result = read_and_verify(open_document(chip, dutch_mrz_information()), [DG1], trust((KeyKind.EC_P256, "issuer")))
    assert result.verdict is Verdict.TAMPERED
    assert (result.reason, result.data_group) == (PassiveAuthReason.DATA_GROUP_HASH_MISMATCH, 1)


def test_a_changed_dg1_with_its_hash_patched_into_the_sod_is_tampered() -> None:
    files = signed_files()
    changed = dutch_dg1().replace(b"NLD", b"BEL", 1)
    sod = files[EF_SOD].replace(hashlib.sha256(dutch_dg1()).digest(), hashlib.sha256(changed).digest())
    result = verify_document({DG1: changed, EF_SOD: sod}, trust((KeyKind.EC_P256, "issuer")))
    assert (result.verdict, result.reason) == (Verdict.TAMPERED, PassiveAuthReason.MESSAGE_DIGEST_MISMATCH)


@pytest.mark.parametrize("kind", list(KeyKind))
def test_a_broken_signature_is_tampered(kind: KeyKind) -> None:
    files = signed_files(kind)
    sod = files[EF_SOD]
    files[EF_SOD] = sod[:-1] + bytes([sod[-1] ^ 0x01])  # the signature is the last field of EF.SOD
    result = verify_document(files, trust((kind, "issuer")))
    assert (result.verdict, result.reason) == (Verdict.TAMPERED, PassiveAuthReason.SIGNATURE_INVALID)


def test_a_csca_we_do_not_trust_is_not_verifiable() -> None:
    # Same country and name, another key: e.g. a self-made issuer, or a CSCA missing from our store.
    for store in (trust((KeyKind.EC_P256, "forger")), TrustStore([])):
        result = verify_document(signed_files(), store)
        assert (result.verdict, result.reason) == (Verdict.NOT_VERIFIABLE, PassiveAuthReason.UNKNOWN_CSCA)


def test_a_document_signer_not_signed_by_the_trusted_csca_with_its_name_is_tampered() -> None:
    real = specimen_pki().csca.certificate
    forged_key = generate_key(KeyKind.EC_P256)
    # A CSCA with the real name but without a key identifier cannot be ruled out by name: its key decides.
    lookalike = (
        x509.CertificateBuilder()
        .subject_name(real.subject)
        .issuer_name(real.subject)
        .public_key(forged_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(datetime.datetime(2045, 1, 1, tzinfo=datetime.UTC))
        .sign(forged_key, hashes.SHA256())
    )
    result = verify_document(signed_files(), TrustStore([lookalike]))
    assert (result.verdict, result.reason) == (Verdict.TAMPERED, PassiveAuthReason.CERTIFICATE_SIGNATURE_INVALID)


def test_a_data_group_missing_from_the_sod_is_tampered() -> None:
    files = signed_files()  # signs DG1 only
    files[DG2] = bytes.fromhex("7503") + b"abc"
    chip = FakeEmrtdChip(dutch_mrz_information(), files)
    document = open_document(chip, dutch_mrz_information())
    _, result = read_and_verify(document, [DG1, DG2], trust((KeyKind.EC_P256, "issuer")))
    assert (result.verdict, result.reason) == (Verdict.TAMPERED, PassiveAuthReason.DATA_GROUP_NOT_SIGNED)
    assert (result.data_group, result.verified_data_groups) == (2, (1,))


def test_a_document_without_sod_is_read_but_not_verifiable() -> None:
    chip = FakeEmrtdChip(dutch_mrz_information(), {DG1: dutch_dg1()})
    files, result = read_and_verify(open_document(chip, dutch_mrz_information()), [DG1], trust())
    assert files == {DG1: dutch_dg1()}
    assert (result.verdict, result.reason) == (Verdict.NOT_VERIFIABLE, PassiveAuthReason.NO_SOD)
    assert result.message.startswith("De chip heeft geen beveiligingsbestand")


def test_unsigned_files_such_as_ef_com_are_not_checked() -> None:
    files = signed_files()
    files[EF_COM] = b"\x60\x00"
    assert verify_document(files, trust((KeyKind.EC_P256, "issuer"))).genuine


def test_the_authenticator_is_the_cores_document_verifier() -> None:
    verifier: DocumentVerifier = PassiveAuthenticator(trust((KeyKind.EC_P256, "issuer")))
    assert verifier.verify(signed_files()).genuine
