"""BAC against ICAO Doc 9303 part 11 appendix D (D.2 keys, D.3 mutual authentication)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.identity.errors import AuthenticationFailed, CardResponseInvalid, IdentityError
from app.core.identity.mrz import parse_travel_document_mrz
from app.hardware.idcard import crypto
from app.hardware.idcard.bac import (
    derive_bac_keys,
    external_authenticate_command,
    key_seed,
    perform_bac,
    session_from_response,
)
from app.hardware.idcard.fake import ScriptedTransport
from tests.unit.icao_vectors import hx, vectors


def bac() -> dict[str, str]:
    return {key: value for key, value in vectors()["bac"].items() if isinstance(value, str)}


def terminal_random() -> list[bytes]:
    return [hx(bac()["rnd_ifd"]), hx(bac()["k_ifd"])]


def test_key_seed_and_document_basic_access_keys() -> None:
    assert key_seed(bac()["mrz_information"]) == hx(bac()["kseed"])
    keys = derive_bac_keys(bac()["mrz_information"])
    assert (keys.k_enc, keys.k_mac) == (hx(bac()["kenc"]), hx(bac()["kmac"]))


def test_keys_from_the_parsed_specimen_mrz() -> None:
    mrz = parse_travel_document_mrz(vectors()["bac"]["mrz_specimen"])
    assert derive_bac_keys(mrz.mrz_information).k_enc == hx(bac()["kenc"])


def test_keys_never_show_in_repr() -> None:
    keys = derive_bac_keys(bac()["mrz_information"])
    assert bac()["kenc"].lower() not in repr(keys).lower()


def test_external_authenticate_cryptogram_and_apdu() -> None:
    keys = derive_bac_keys(bac()["mrz_information"])
    assert crypto.des3_encrypt(keys.k_enc, hx(bac()["s"])) == hx(bac()["e_ifd"])
    assert crypto.retail_mac(keys.k_mac, hx(bac()["e_ifd"])) == hx(bac()["m_ifd"])
    apdu = external_authenticate_command(keys, hx(bac()["rnd_ic"]), hx(bac()["rnd_ifd"]), hx(bac()["k_ifd"]))
    assert apdu == hx(bac()["external_authenticate_apdu"])


def test_chip_response_gives_the_published_session_keys_and_ssc() -> None:
    keys = derive_bac_keys(bac()["mrz_information"])
    plain = crypto.des3_decrypt(keys.k_enc, hx(bac()["external_authenticate_response_data"])[:32])
    assert plain == hx(bac()["decrypted_r"])
    assert plain[16:] == hx(bac()["k_ic"])
    session = session_from_response(
        keys,
        hx(bac()["external_authenticate_response_data"]),
        hx(bac()["rnd_ic"]),
        hx(bac()["rnd_ifd"]),
        hx(bac()["k_ifd"]),
    )
    assert (session.ks_enc, session.ks_mac) == (hx(bac()["ks_enc"]), hx(bac()["ks_mac"]))
    assert session.ssc_bytes == hx(bac()["ssc"])


def test_session_key_seed_is_the_xor_of_both_key_halves() -> None:
    seed = bytes(a ^ b for a, b in zip(hx(bac()["k_ifd"]), hx(bac()["k_ic"]), strict=True))
    assert seed == hx(bac()["kseed_session"])


def _scripted_chip(response_data: str) -> ScriptedTransport:
    return ScriptedTransport(
        [
            (hx(bac()["get_challenge_apdu"]), hx(bac()["rnd_ic"]) + b"\x90\x00"),
            (hx(bac()["external_authenticate_apdu"]), hx(response_data) + b"\x90\x00"),
        ]
    )


def test_whole_bac_exchange_with_the_published_apdus() -> None:
    chip = _scripted_chip(bac()["external_authenticate_response_data"])
    randoms = iter(terminal_random())
    session = perform_bac(chip, bac()["mrz_information"], random=lambda n: next(randoms))
    assert chip.finished
    assert session.ks_enc == hx(bac()["ks_enc"])


def test_a_tampered_chip_answer_fails_authentication() -> None:
    data = bytearray(hx(bac()["external_authenticate_response_data"]))
    data[-1] ^= 1
    chip = _scripted_chip(data.hex())
    randoms = iter(terminal_random())
    with pytest.raises(AuthenticationFailed):
        perform_bac(chip, bac()["mrz_information"], random=lambda n: next(randoms))


def test_a_wrong_mrz_is_reported_as_failed_authentication() -> None:
    chip = ScriptedTransport([(hx(bac()["get_challenge_apdu"]), hx(bac()["rnd_ic"]) + b"\x90\x00")])
    randoms = iter(terminal_random())

    class RejectingChip:
        def transmit(self, apdu: bytes) -> bytes:
            if apdu == hx(bac()["get_challenge_apdu"]):
                return chip.transmit(apdu)
            return b"\x63\x00"

    with pytest.raises(AuthenticationFailed) as caught:
        perform_bac(RejectingChip(), bac()["mrz_information"], random=lambda n: next(randoms))
    assert caught.value.code == "identity.authentication_failed"


@pytest.mark.parametrize("challenge", [b"", b"\x90", b"\x01\x02\x90\x00", b"\x6a\x82"])
def test_a_bad_challenge_is_a_typed_error(challenge: bytes) -> None:
    chip = ScriptedTransport([(hx(bac()["get_challenge_apdu"]), challenge)])
    with pytest.raises(IdentityError):
        perform_bac(chip, bac()["mrz_information"])


def test_short_authentication_response_is_a_typed_error() -> None:
    keys = derive_bac_keys(bac()["mrz_information"])
    with pytest.raises(CardResponseInvalid):
        session_from_response(keys, b"\x00" * 39, hx(bac()["rnd_ic"]), hx(bac()["rnd_ifd"]), hx(bac()["k_ifd"]))


@given(st.binary(max_size=12), st.binary(max_size=50), st.sampled_from([b"\x90\x00", b"\x63\x00", b"\x6a\x82", b""]))
def test_garbage_chip_answers_give_only_typed_errors(challenge: bytes, answer: bytes, status: bytes) -> None:
    class GarbageChip:
        def transmit(self, apdu: bytes) -> bytes:
            return challenge + b"\x90\x00" if apdu[1] == 0x84 else answer + status

    with contextlib.suppress(IdentityError):
        perform_bac(GarbageChip(), bac()["mrz_information"])
