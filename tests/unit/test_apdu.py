"""Short APDUs: the published command encodings, and typed errors for anything malformed."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.identity.errors import CardResponseInvalid, CardStatusError, CommandInvalid
from app.hardware.idcard.apdu import CommandApdu, ResponseApdu
from tests.unit.icao_vectors import hx, vectors


def published_commands() -> list[str]:
    bac = vectors()["bac"]
    pace = vectors()["pace_ecdh_gm_brainpoolp256r1_aes128"]
    steps = vectors()["secure_messaging"]
    return [
        bac["get_challenge_apdu"],
        bac["external_authenticate_apdu"],
        pace["mse_set_at_apdu"],
        pace["ga1_command"],
        pace["ga4_command"],
        *(step["unprotected"] for step in steps),
        *(step["protected_apdu"] for step in steps),
    ]


def test_published_commands_parse_and_encode_back() -> None:
    for apdu in published_commands():
        assert CommandApdu.parse(hx(apdu)).encode() == hx(apdu), apdu


def test_status_words() -> None:
    response = ResponseApdu.parse(hx(vectors()["pace_ecdh_gm_brainpoolp256r1_aes128"]["ga4_response"]))
    assert response.sw == 0x9000
    with pytest.raises(CardStatusError) as caught:
        ResponseApdu.parse(b"\x6a\x82").require_success()
    assert caught.value.status_word == 0x6A82
    with pytest.raises(CardResponseInvalid):
        ResponseApdu.parse(b"\x90")


def test_too_much_data_for_a_short_apdu() -> None:
    with pytest.raises(CommandInvalid):
        CommandApdu(0x00, 0xD6, 0, 0, bytes(256)).encode()


@given(st.binary(max_size=300))
def test_any_bytes_parse_as_command_or_fail_typed(data: bytes) -> None:
    with contextlib.suppress(CommandInvalid):
        assert CommandApdu.parse(data).encode()[:4] == data[:4]
