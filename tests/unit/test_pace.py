"""PACE ECDH generic mapping on brainpoolP256r1 with AES-128: the ICAO 9303 worked example."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.identity.card_access import PaceInfo, parse_card_access
from app.core.identity.errors import (
    AuthenticationFailed,
    CardResponseInvalid,
    IdentityError,
    UnsupportedProtocol,
)
from app.core.identity.tlv import encode_tlv
from app.hardware.idcard.ec import BRAINPOOL_P256R1 as CURVE
from app.hardware.idcard.ec import Point
from app.hardware.idcard.fake import ScriptedTransport
from app.hardware.idcard.pace import (
    PaceSuite,
    authentication_token,
    choose_suite,
    decrypt_nonce,
    general_authenticate_command,
    general_authenticate_response,
    mapped_generator,
    mse_set_at_command,
    password_key,
    perform_pace,
    session_keys,
)
from app.hardware.idcard.secure_messaging import SmCipher
from tests.unit.icao_vectors import hx, vectors


def example() -> dict[str, str]:
    return dict(vectors()["pace_ecdh_gm_brainpoolp256r1_aes128"])


def number(key: str) -> int:
    return int(example()[key], 16)


def point(name: str) -> Point:
    return number(f"{name}_x"), number(f"{name}_y")


def suite() -> PaceSuite:
    return choose_suite(parse_card_access(hx(example()["ef_cardaccess"])))


def test_curve_constants_are_consistent() -> None:
    assert CURVE.contains(CURVE.generator)
    assert CURVE.multiply(CURVE.order, CURVE.generator) is None


def test_password_key_and_the_first_two_apdus() -> None:
    assert password_key(example()["mrz_information"]) == hx(example()["k_pi"])
    assert mse_set_at_command(suite().protocol) == hx(example()["mse_set_at_apdu"])
    assert general_authenticate_command(None, b"") == hx(example()["ga1_command"])


def test_nonce_decryption() -> None:
    encrypted = general_authenticate_response(hx(example()["ga1_response"]), 0x80)
    assert decrypt_nonce(hx(example()["k_pi"]), encrypted) == number("decrypted_nonce_s")


def test_mapping_keys_shared_point_and_mapped_generator() -> None:
    assert CURVE.multiply(number("terminal_mapping_private"), CURVE.generator) == point("terminal_mapping_public")
    assert CURVE.multiply(number("chip_mapping_private"), CURVE.generator) == point("chip_mapping_public")
    shared = CURVE.multiply(number("terminal_mapping_private"), point("chip_mapping_public"))
    assert shared == point("shared_point_h")
    assert mapped_generator(CURVE, number("decrypted_nonce_s"), point("shared_point_h")) == point("mapped_generator")


def test_key_agreement_on_the_mapped_generator_and_session_keys() -> None:
    generator = point("mapped_generator")
    assert CURVE.multiply(number("terminal_ephemeral_private"), generator) == point("terminal_ephemeral_public")
    assert CURVE.multiply(number("chip_ephemeral_private"), generator) == point("chip_ephemeral_public")
    shared = CURVE.multiply(number("terminal_ephemeral_private"), point("chip_ephemeral_public"))
    assert shared is not None and shared[0] == number("shared_secret_x")
    assert session_keys(hx(example()["shared_secret_x"]), 16) == (hx(example()["ks_enc"]), hx(example()["ks_mac"]))


def test_authentication_tokens() -> None:
    ks_mac, protocol = hx(example()["ks_mac"]), suite().protocol
    assert authentication_token(ks_mac, protocol, CURVE, point("chip_ephemeral_public")) == hx(example()["t_ifd"])
    assert authentication_token(ks_mac, protocol, CURVE, point("terminal_ephemeral_public")) == hx(example()["t_ic"])
    assert general_authenticate_command(0x85, hx(example()["t_ifd"]), last=True) == hx(example()["ga4_command"])


def _chip_answer(tag: int, public: Point) -> bytes:
    return encode_tlv(0x7C, encode_tlv(tag, CURVE.encode(public))) + b"\x90\x00"


def _published_exchange(ga4_response: bytes | None = None) -> ScriptedTransport:
    return ScriptedTransport(
        [
            (hx(example()["mse_set_at_apdu"]), b"\x90\x00"),
            (hx(example()["ga1_command"]), hx(example()["ga1_response"])),
            (
                general_authenticate_command(0x81, CURVE.encode(point("terminal_mapping_public"))),
                _chip_answer(0x82, point("chip_mapping_public")),
            ),
            (
                general_authenticate_command(0x83, CURVE.encode(point("terminal_ephemeral_public"))),
                _chip_answer(0x84, point("chip_ephemeral_public")),
            ),
            (hx(example()["ga4_command"]), ga4_response or hx(example()["ga4_response"])),
        ]
    )


def _terminal_keys() -> Callable[[int], int]:
    keys = iter([number("terminal_mapping_private"), number("terminal_ephemeral_private")])
    return lambda order: next(keys)


def test_whole_pace_exchange_gives_the_published_aes_session() -> None:
    chip = _published_exchange()
    session = perform_pace(chip, example()["mrz_information"], suite(), _terminal_keys())
    assert chip.finished
    assert (session.cipher, session.ks_enc, session.ks_mac, session.ssc) == (
        SmCipher.AES,
        hx(example()["ks_enc"]),
        hx(example()["ks_mac"]),
        0,
    )


def test_a_wrong_chip_token_fails_authentication() -> None:
    response = bytearray(hx(example()["ga4_response"]))
    response[5] ^= 0x01
    with pytest.raises(AuthenticationFailed):
        perform_pace(_published_exchange(bytes(response)), example()["mrz_information"], suite(), _terminal_keys())


def test_a_rejected_token_is_failed_authentication() -> None:
    with pytest.raises(AuthenticationFailed) as caught:
        perform_pace(_published_exchange(b"\x63\x00"), example()["mrz_information"], suite(), _terminal_keys())
    assert caught.value.details["status_word"] == 0x6300


def test_a_point_off_the_curve_is_refused() -> None:
    x, y = point("chip_mapping_public")
    with pytest.raises(CardResponseInvalid):
        CURVE.decode(CURVE.encode((x, (y + 1) % CURVE.p)))


def test_unsupported_variants_are_a_typed_error() -> None:
    with pytest.raises(UnsupportedProtocol):
        choose_suite([PaceInfo("0.4.0.127.0.7.2.2.4.1.2", 2, 13), PaceInfo(suite().protocol, 2, 8)])


class AnswersWith:
    """A chip that accepts MSE:Set AT and then answers every GENERAL AUTHENTICATE with garbage."""

    def __init__(self, answers: list[bytes]) -> None:
        self._answers = iter(answers)

    def transmit(self, apdu: bytes) -> bytes:
        if apdu[1] == 0x22:
            return b"\x90\x00"
        return next(self._answers, b"\x6a\x80")


def _answer_strategy() -> st.SearchStrategy[bytes]:
    raw = st.binary(max_size=80)
    shaped = st.builds(
        lambda tag, value: encode_tlv(0x7C, encode_tlv(tag, value)),
        st.sampled_from([0x80, 0x82, 0x84, 0x86]),
        st.one_of(st.binary(max_size=70), st.binary(min_size=16, max_size=16)),
    )
    on_curve = st.sampled_from(["chip_mapping_public", "chip_ephemeral_public", "mapped_generator"]).flatmap(
        lambda name: st.sampled_from([0x82, 0x84]).map(lambda tag: _chip_answer(tag, point(name))[:-2])
    )
    status = st.sampled_from([b"\x90\x00", b"\x63\xc2", b"\x6a\x80", b""])
    return st.tuples(st.one_of(raw, shaped, on_curve), status).map(lambda pair: pair[0] + pair[1])


@settings(max_examples=80, deadline=None)
@given(st.lists(_answer_strategy(), max_size=4))
def test_garbage_chip_answers_give_only_typed_errors(answers: list[bytes]) -> None:
    with contextlib.suppress(IdentityError):
        perform_pace(AnswersWith(answers), example()["mrz_information"], suite(), _terminal_keys())


def test_parameter_id_is_sent_when_asked() -> None:
    assert mse_set_at_command(suite().protocol, 13) == hx(example()["mse_set_at_apdu"])[:4] + bytes([0x12]) + hx(
        example()["mse_set_at_apdu"]
    )[5:] + bytes([0x84, 0x01, 0x0D])
