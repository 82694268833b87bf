"""Opening a document end to end against an in-process chip: PACE or BAC, then DG1 and EF.COM."""

from __future__ import annotations

import pytest

from app.core.identity.errors import AuthenticationFailed
from app.core.identity.mrz import Check, parse_travel_document_mrz
from app.core.identity.tlv import encode_tlv
from app.hardware.idcard.fake_chip import FakeEmrtdChip
from app.hardware.idcard.reader import DG1, DG2, EF_COM, AccessControl, open_document
from tests.unit.icao_vectors import hx, vectors


def dutch_dg1() -> bytes:
    return hx(vectors()["dg1_td1_nld_example"]["dg1"])


def dutch_mrz_information() -> str:
    return parse_travel_document_mrz(vectors()["dg1_td1_nld_example"]["mrz_lines"]).mrz_information


def ef_com() -> bytes:
    steps = vectors()["secure_messaging"]
    return hx(steps[1]["decrypted_data"]) + hx(steps[2]["decrypted_data"])


@pytest.mark.parametrize(("pace", "expected"), [(True, AccessControl.PACE), (False, AccessControl.BAC)])
def test_reads_the_dutch_dg1_after_access_control(pace: bool, expected: AccessControl) -> None:
    chip = FakeEmrtdChip(dutch_mrz_information(), {DG1: dutch_dg1(), EF_COM: ef_com()}, pace=pace)
    document = open_document(chip, dutch_mrz_information())
    assert document.access_control is expected
    mrz = document.read_dg1()
    assert mrz.document_number == vectors()["dg1_td1_nld_example"]["mrz_lines"][0][5:14]
    assert mrz.failed_checks == (Check.COMPOSITE,)
    assert mrz.bsn is None
    assert document.read_file(EF_COM) == ef_com()


def test_bsn_from_the_chip_only_on_request() -> None:
    chip = FakeEmrtdChip(dutch_mrz_information(), {DG1: dutch_dg1()})
    mrz = open_document(chip, dutch_mrz_information()).read_dg1(keep_bsn=True)
    assert mrz.bsn == vectors()["dg1_td1_nld_example"]["mrz_lines"][0][15:24]


@pytest.mark.parametrize("pace", [True, False])
def test_a_wrong_mrz_fails_authentication(pace: bool) -> None:
    chip = FakeEmrtdChip(dutch_mrz_information(), {DG1: dutch_dg1()}, pace=pace)
    wrong = vectors()["bac"]["mrz_information"]
    with pytest.raises(AuthenticationFailed):
        open_document(chip, wrong)
    assert not chip.authenticated


def test_files_are_closed_without_access_control() -> None:
    chip = FakeEmrtdChip(dutch_mrz_information(), {DG1: dutch_dg1()})
    assert chip.transmit(bytes.fromhex("00A4020C020101")) == b"\x6a\x82"


@pytest.mark.parametrize("pace", [True, False])
def test_a_file_past_32767_bytes_is_read_whole_through_secure_messaging(pace: bool) -> None:
    portrait = encode_tlv(0x75, bytes(i % 253 for i in range(33_000)))
    chip = FakeEmrtdChip(dutch_mrz_information(), {DG2: portrait}, pace=pace)
    assert open_document(chip, dutch_mrz_information()).read_file(DG2) == portrait
    assert {command.ins for command in chip.file_commands} >= {0xB0, 0xB1}
