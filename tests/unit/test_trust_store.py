"""The CSCA trust store is a folder IT fills with PEM or DER files; anything else is skipped with a
warning instead of stopping the kiosk."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from app.core.identity.passive_auth import PassiveAuthReason, TrustStoreInvalid, Verdict
from app.hardware.idcard.passive_auth import EF_SOD, verify_document
from app.hardware.idcard.reader import DG1
from app.hardware.idcard.specimen_pki import KeyKind, build_crl, build_master_list, sod_for_files, with_sod, write_csca
from app.hardware.idcard.trust_store import load_trust_store
from tests.unit.pki_helpers import specimen_pki


def test_pem_der_and_bundles_load_and_other_files_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ec, rsa, other = specimen_pki(), specimen_pki(KeyKind.RSA_2048), specimen_pki(name="other country")
    (tmp_path / "nl-ec.pem").write_bytes(ec.csca.certificate_pem())
    (tmp_path / "nl-rsa.cer").write_bytes(rsa.csca.certificate_der())
    (tmp_path / "bundle.crt").write_bytes(b"comment\n" + other.csca.certificate_pem() + ec.csca.certificate_pem())
    (tmp_path / "README.txt").write_text("CSCA-certificaten van de ICAO PKD\n")
    (tmp_path / "broken.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n")
    (tmp_path / "signer.pem").write_bytes(ec.document_signer.certificate_pem())  # not a CA
    (tmp_path / "sub").mkdir()

    with caplog.at_level(logging.WARNING, logger="app.hardware.idcard.trust_store"):
        store = load_trust_store(tmp_path)

    assert len(store) == 4
    warned = " ".join(record.getMessage() for record in caplog.records)
    assert "README.txt" in warned and "broken.pem" in warned and "signer.pem" in warned
    for pki in (ec, rsa):
        files = {DG1: b"\x61\x00"}
        files[EF_SOD] = sod_for_files(files, pki.document_signer)
        assert verify_document(files, store).reason is PassiveAuthReason.VERIFIED


def test_an_empty_folder_trusts_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        store = load_trust_store(tmp_path)
    assert len(store) == 0
    assert "no CSCA certificates" in caplog.text


def test_a_missing_folder_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(TrustStoreInvalid) as raised:
        load_trust_store(tmp_path / "ontbreekt")
    assert raised.value.code == "identity.trust_store_invalid"


def test_the_specimen_csca_written_for_the_demo_is_trusted(tmp_path: Path) -> None:
    pki = specimen_pki()
    write_csca(tmp_path / "csca", pki.csca)
    files = with_sod({DG1: b"\x61\x00"}, pki.document_signer)
    assert verify_document(files, load_trust_store(tmp_path / "csca")).genuine
    assert b"PRIVATE" not in (tmp_path / "csca" / "loket-test-only-csca.pem").read_bytes()


def test_a_signed_master_list_brings_its_cscas(tmp_path: Path) -> None:
    ec, rsa = specimen_pki(), specimen_pki(KeyKind.RSA_2048)
    # The master list signer is issued by one of the listed CSCAs, as with a state's own list.
    master_list = build_master_list([ec.csca.certificate, rsa.csca.certificate], rsa.document_signer)
    (tmp_path / "NL_masterlist.ml").write_bytes(master_list)
    store = load_trust_store(tmp_path)
    assert len(store) == 2
    for pki in (ec, rsa):
        assert verify_document(with_sod({DG1: b"\x61\x00"}, pki.document_signer), store).genuine


@pytest.mark.parametrize("damage", ["signature", "foreign signer", "truncated"])
def test_a_master_list_that_does_not_verify_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    ec = specimen_pki()
    signer = specimen_pki(name="forger").document_signer if damage == "foreign signer" else ec.document_signer
    master_list = build_master_list([ec.csca.certificate], signer)
    if damage == "signature":
        master_list = master_list[:-1] + bytes([master_list[-1] ^ 0x01])
    if damage == "truncated":
        master_list = master_list[: len(master_list) // 2]
    (tmp_path / "list.ml").write_bytes(master_list)
    with caplog.at_level(logging.WARNING):
        assert len(load_trust_store(tmp_path)) == 0
    assert "list.ml" in caplog.text


@pytest.mark.parametrize("encoding", [serialization.Encoding.PEM, serialization.Encoding.DER])
def test_a_document_signer_on_its_cscas_crl_is_not_verifiable(tmp_path: Path, encoding: serialization.Encoding) -> None:
    ec = specimen_pki()
    write_csca(tmp_path, ec.csca)
    (tmp_path / "nl.crl").write_bytes(build_crl(ec.csca, [ec.document_signer.certificate]).public_bytes(encoding))
    result = verify_document(with_sod({DG1: b"\x61\x00"}, ec.document_signer), load_trust_store(tmp_path))
    assert (result.verdict, result.reason) == (Verdict.NOT_VERIFIABLE, PassiveAuthReason.DOCUMENT_SIGNER_REVOKED)


def test_a_crl_not_signed_by_a_trusted_csca_is_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    ec, forger = specimen_pki(), specimen_pki(name="forger")
    write_csca(tmp_path, ec.csca)
    # Same CSCA name, another key: a CRL anyone could write to make genuine documents fail.
    forged = build_crl(forger.csca, [ec.document_signer.certificate]).public_bytes(serialization.Encoding.PEM)
    (tmp_path / "forged.crl").write_bytes(forged)
    (tmp_path / "empty.crl").write_bytes(build_crl(ec.csca, []).public_bytes(serialization.Encoding.DER))
    with caplog.at_level(logging.WARNING):
        store = load_trust_store(tmp_path)
    assert "forged.crl" in caplog.text and "empty.crl" not in caplog.text
    assert verify_document(with_sod({DG1: b"\x61\x00"}, ec.document_signer), store).genuine
