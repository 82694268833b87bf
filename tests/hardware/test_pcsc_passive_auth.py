"""Passive authentication through the real PC/SC path: pyscard → pcscd → vpcd → our virtual card
carrying an EF.SOD signed by a TEST ONLY document signer. The kiosk trusts only GENUINE."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.core.identity.mrz import parse_travel_document_mrz
from app.core.identity.passive_auth import PassiveAuthReason, Verdict
from app.hardware.idcard.passive_auth import read_and_verify
from app.hardware.idcard.pcsc import PcscTransport
from app.hardware.idcard.reader import DG1, open_document
from app.hardware.idcard.specimen_pki import SpecimenPki, generate_pki, with_sod
from app.hardware.idcard.trust_store import TrustStore
from app.hardware.idcard.virtual_card import dg1_for
from tests.unit.icao_vectors import vectors

WAIT = 10.0


@pytest.fixture(scope="module")
def pki() -> SpecimenPki:
    return generate_pki()


@pytest.fixture
def transport(vpcd: str) -> Iterator[PcscTransport]:
    reader = PcscTransport("virtual pcd")
    yield reader
    reader.close()


def _mrz() -> list[str]:
    lines: list[str] = vectors()["dg1_td1_nld_example"]["mrz_lines"]
    return lines


def _read(
    virtual_card: Callable[..., Any], transport: PcscTransport, files: dict[int, bytes], trust: TrustStore
) -> Any:
    virtual_card(pace=True, files=files).insert()
    transport.open(wait_seconds=WAIT)
    document = open_document(transport, parse_travel_document_mrz(_mrz()).mrz_information)
    _files, result = read_and_verify(document, [DG1], trust)
    return result


def test_a_genuine_document_is_genuine(
    virtual_card: Callable[..., Any], transport: PcscTransport, pki: SpecimenPki
) -> None:
    files = with_sod({DG1: dg1_for(_mrz())}, pki.document_signer)
    result = _read(virtual_card, transport, files, TrustStore([pki.csca.certificate]))
    assert result.verdict is Verdict.GENUINE


def test_a_changed_dg1_is_tampered(
    virtual_card: Callable[..., Any], transport: PcscTransport, pki: SpecimenPki
) -> None:
    signed = with_sod({DG1: dg1_for(_mrz())}, pki.document_signer)
    other = [*_mrz()[:2], _mrz()[2].replace("VAN<DER<STEEN", "JANSEN<<<<<<<", 1)]
    signed[DG1] = dg1_for(other)  # the chip now says another name than the signer signed
    result = _read(virtual_card, transport, signed, TrustStore([pki.csca.certificate]))
    assert result.verdict is Verdict.TAMPERED
    assert result.reason is PassiveAuthReason.DATA_GROUP_HASH_MISMATCH


def test_an_unknown_csca_is_not_verifiable(
    virtual_card: Callable[..., Any], transport: PcscTransport, pki: SpecimenPki
) -> None:
    files = with_sod({DG1: dg1_for(_mrz())}, pki.document_signer)
    stranger = generate_pki()  # a trust store without our specimen CSCA
    result = _read(virtual_card, transport, files, TrustStore([stranger.csca.certificate]))
    assert result.verdict is Verdict.NOT_VERIFIABLE
    assert result.reason is PassiveAuthReason.UNKNOWN_CSCA
