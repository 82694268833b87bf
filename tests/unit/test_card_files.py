"""Reading whole files in short-APDU chunks, with B1 for offsets past 32767, plain or protected."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.identity.data_groups import parse_dg1
from app.core.identity.errors import CardStatusError, IdentityError
from app.core.identity.tlv import encode_tlv
from app.hardware.idcard.fake import InMemoryCard, ScriptedTransport
from app.hardware.idcard.files import MAX_CHUNK, MAX_SHORT_OFFSET, read_binary_command, read_file
from app.hardware.idcard.secure_messaging import SecureChannel, SecureMessaging, SmCipher
from tests.unit.icao_vectors import hx, vectors

FILES = vectors()["file_identifiers"]


def test_reads_the_published_dutch_dg1_and_parses_it() -> None:
    dg1 = hx(vectors()["dg1_td1_nld_example"]["dg1"])
    card = InMemoryCard({int(FILES["dg1"], 16): dg1})
    assert read_file(card, int(FILES["dg1"], 16)) == dg1
    assert parse_dg1(read_file(card, int(FILES["dg1"], 16))).document_number == "XI85935F8"


def test_a_large_file_is_read_in_short_chunks_with_b1_past_32767() -> None:
    image = encode_tlv(0x75, bytes(i % 251 for i in range(40_000)))
    card = InMemoryCard({0x0102: image})
    assert read_file(card, 0x0102) == image
    reads = [command for command in card.commands if command.ins in (0xB0, 0xB1)]
    assert all((command.le or 0) <= MAX_CHUNK + 3 for command in reads)
    assert {command.ins for command in reads} == {0xB0, 0xB1}
    assert all(((command.p1 << 8) | command.p2) <= MAX_SHORT_OFFSET for command in reads if command.ins == 0xB0)


def test_b1_carries_the_offset_in_do54() -> None:
    assert read_binary_command(0x8000, 0x10) == bytes.fromhex("00B10000045402800013")


def test_the_published_ef_com_read_through_secure_messaging() -> None:
    steps = vectors()["secure_messaging"]
    bac = vectors()["bac"]
    card = ScriptedTransport((hx(step["protected_apdu"]), hx(step["response_apdu"])) for step in steps)
    session = SecureMessaging(SmCipher.DES3, hx(bac["ks_enc"]), hx(bac["ks_mac"]), int(bac["ssc"], 16))
    ef_com = read_file(SecureChannel(card, session), int(FILES["ef_com"], 16))
    assert card.finished
    assert ef_com == hx(steps[1]["decrypted_data"]) + hx(steps[2]["decrypted_data"])


def test_a_missing_file_is_a_status_error() -> None:
    with pytest.raises(CardStatusError) as caught:
        read_file(InMemoryCard({}), 0x0101)
    assert caught.value.status_word == 0x6A82


class GarbageCard:
    """Answers SELECT, then returns whatever hypothesis gives for every READ BINARY."""

    def __init__(self, answers: list[bytes]) -> None:
        self._answers = iter(answers)

    def transmit(self, apdu: bytes) -> bytes:
        if apdu[1] == 0xA4:
            return b"\x90\x00"
        return next(self._answers, b"\x6a\x82")


@settings(max_examples=200)
@given(st.lists(st.binary(max_size=40), max_size=6))
def test_garbage_read_responses_give_only_typed_errors(answers: list[bytes]) -> None:
    with contextlib.suppress(IdentityError):
        read_file(GarbageCard(answers), 0x0101)
