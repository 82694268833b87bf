"""Secure messaging byte for byte against ICAO Doc 9303 part 11 appendix D.4; garbage responses
give only typed errors."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.identity.errors import CardStatusError, IdentityError, SecureMessagingFailed
from app.hardware.idcard.apdu import CommandApdu, ResponseApdu
from app.hardware.idcard.fake import ScriptedTransport
from app.hardware.idcard.secure_messaging import SecureChannel, SecureMessaging, SmCipher
from tests.unit.icao_vectors import hx, vectors

STEPS = vectors()["secure_messaging"]


def bac_session() -> SecureMessaging:
    bac = vectors()["bac"]
    return SecureMessaging(SmCipher.DES3, hx(bac["ks_enc"]), hx(bac["ks_mac"]), int(bac["ssc"], 16))


def test_the_three_published_apdus_byte_for_byte() -> None:
    session = bac_session()
    for step in STEPS:
        protected = session.wrap(hx(step["unprotected"]))
        assert protected == hx(step["protected_apdu"]), step["what"]
        assert session.ssc_bytes == hx(step["ssc_before_command"])
        assert protected[-9:-1] == hx(step["cc"])
        plain = session.unwrap(hx(step["response_apdu"]))
        assert session.ssc_bytes == hx(step["ssc_before_response"])
        assert hx(step["response_apdu"])[-10:-2] == hx(step["response_cc"])
        assert plain == hx(step.get("decrypted_data", "")) + b"\x90\x00", step["what"]


def test_select_carries_the_published_do87() -> None:
    session = bac_session()
    protected = session.wrap(hx(STEPS[0]["unprotected"]))
    assert hx(STEPS[0]["do87"]) in protected


def test_channel_reads_ef_com_through_the_published_exchange() -> None:
    card = ScriptedTransport((hx(step["protected_apdu"]), hx(step["response_apdu"])) for step in STEPS)
    channel = SecureChannel(card, bac_session())
    replies = [ResponseApdu.parse(channel.transmit(hx(step["unprotected"]))) for step in STEPS]
    assert card.finished
    assert b"".join(reply.require_success() for reply in replies) == hx(STEPS[1]["decrypted_data"]) + hx(
        STEPS[2]["decrypted_data"]
    )


def _after_first_command() -> SecureMessaging:
    session = bac_session()
    session.wrap(hx(STEPS[0]["unprotected"]))
    return session


def test_a_flipped_response_bit_is_caught_by_the_mac() -> None:
    response = bytearray(hx(STEPS[0]["response_apdu"]))
    response[3] ^= 0x01
    with pytest.raises(SecureMessagingFailed):
        _after_first_command().unwrap(bytes(response))


def test_a_replayed_response_fails_because_the_counter_moved_on() -> None:
    session = _after_first_command()
    session.unwrap(hx(STEPS[0]["response_apdu"]))
    session.wrap(hx(STEPS[1]["unprotected"]))
    with pytest.raises(SecureMessagingFailed):
        session.unwrap(hx(STEPS[0]["response_apdu"]))


def test_unprotected_error_status_is_passed_on_and_success_without_mac_refused() -> None:
    assert _after_first_command().unwrap(b"\x69\x88") == b"\x69\x88"
    with pytest.raises(CardStatusError):
        ResponseApdu.parse(_after_first_command().unwrap(b"\x69\x88")).require_success()
    with pytest.raises(SecureMessagingFailed):
        _after_first_command().unwrap(b"\x90\x00")


def test_odd_instruction_data_goes_in_do85() -> None:
    protected = bac_session().wrap(CommandApdu(0x00, 0xB1, 0, 0, b"\x54\x02\x80\x00", le=0xE2).encode())
    assert protected[5] == 0x85


def test_chip_side_protects_the_published_responses_byte_for_byte() -> None:
    terminal = bac_session()
    for step in STEPS:
        terminal.wrap(hx(step["unprotected"]))
        chip = SecureMessaging(SmCipher.DES3, terminal.ks_enc, terminal.ks_mac, terminal.ssc)
        protected = chip.protect_response(hx(step.get("decrypted_data", "")), 0x9000)
        assert protected == hx(step["response_apdu"]), step["what"]
        terminal.unwrap(protected)


@pytest.mark.parametrize("cipher", list(SmCipher))
@pytest.mark.parametrize("data", [b"", b"\x60\x14\x5f\x01", bytes(range(200))])
def test_what_the_chip_protects_the_terminal_unwraps(cipher: SmCipher, data: bytes) -> None:
    terminal = SecureMessaging(cipher, bytes(range(16)), bytes(range(16, 32)), 7)
    terminal.wrap(hx(STEPS[1]["unprotected"]))
    chip = SecureMessaging(cipher, terminal.ks_enc, terminal.ks_mac, terminal.ssc)
    assert terminal.unwrap(chip.protect_response(data, 0x9000)) == data + b"\x90\x00"


@given(st.binary(max_size=80))
def test_garbage_responses_give_only_typed_errors(response: bytes) -> None:
    with contextlib.suppress(IdentityError):
        _after_first_command().unwrap(response)


@given(st.integers(min_value=0, max_value=len(hx(STEPS[1]["response_apdu"])) - 1))
def test_every_truncated_published_response_is_a_typed_error(cut: int) -> None:
    session = bac_session()
    session.wrap(hx(STEPS[0]["unprotected"]))
    session.unwrap(hx(STEPS[0]["response_apdu"]))
    session.wrap(hx(STEPS[1]["unprotected"]))
    truncated = hx(STEPS[1]["response_apdu"])[:cut]
    result: Any = None
    try:
        result = session.unwrap(truncated)
    except IdentityError:
        return
    assert len(result) == 2 and result != b"\x90\x00"


def test_chip_side_reads_the_published_protected_commands() -> None:
    chip = bac_session()
    for step in STEPS:
        assert chip.unprotect_command(hx(step["protected_apdu"])) == hx(step["unprotected"]), step["what"]
        chip.protect_response(hx(step.get("decrypted_data", "")), 0x9000)


def test_chip_side_refuses_a_tampered_command() -> None:
    command = bytearray(hx(STEPS[0]["protected_apdu"]))
    command[7] ^= 0x01
    with pytest.raises(SecureMessagingFailed):
        bac_session().unprotect_command(bytes(command))


def test_session_keys_never_show_in_repr() -> None:
    session = bac_session()
    assert vectors()["bac"]["ks_enc"].lower() not in repr(session).lower()
    assert vectors()["bac"]["ks_enc"] not in repr(session)
