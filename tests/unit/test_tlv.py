"""The TLV/DER reader: published chip structures read back; malformed bytes give only TlvInvalid."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.identity.card_access import (
    BRAINPOOL_P256R1,
    PACE_ECDH_GM_AES_CBC_CMAC_128,
    PaceInfo,
    parse_card_access,
)
from app.core.identity.errors import IdentityError, TlvInvalid
from app.core.identity.tlv import (
    Tlv,
    decode_oid,
    encode_oid,
    encode_tlv,
    encoded_size,
    parse_all,
    parse_one,
)
from tests.unit.icao_vectors import hx, vectors


def card_access() -> bytes:
    return hx(vectors()["pace_ecdh_gm_brainpoolp256r1_aes128"]["ef_cardaccess"])


def test_published_card_access_offers_ecdh_gm_aes128_on_brainpool_p256() -> None:
    assert parse_card_access(card_access()) == [PaceInfo(PACE_ECDH_GM_AES_CBC_CMAC_128, 2, BRAINPOOL_P256R1)]


def test_published_card_access_encodes_back_to_the_same_bytes() -> None:
    def rebuild(item: Tlv) -> bytes:
        if item.constructed:
            return encode_tlv(item.tag, b"".join(rebuild(child) for child in item.children()))
        return item.encode()

    assert rebuild(parse_one(card_access())) == card_access()


def test_multi_byte_tags_and_long_lengths() -> None:
    value = bytes(300)
    encoded = encode_tlv(0x5F1F, value)
    assert encoded[:5] == bytes([0x5F, 0x1F, 0x82, 0x01, 0x2C])
    assert parse_one(encoded) == Tlv(0x5F1F, value)
    assert encoded_size(encoded[:5]) == len(encoded)


def test_oid_round_trip() -> None:
    assert decode_oid(encode_oid(PACE_ECDH_GM_AES_CBC_CMAC_128)) == PACE_ECDH_GM_AES_CBC_CMAC_128
    assert decode_oid(encode_oid("1.2.840.113549.1.1.1")) == "1.2.840.113549.1.1.1"


@pytest.mark.parametrize("cut", range(1, 22))
def test_every_truncation_of_card_access_is_a_typed_error(cut: int) -> None:
    with pytest.raises(TlvInvalid):
        parse_card_access(card_access()[:-cut])


def test_indefinite_and_oversized_lengths_are_refused() -> None:
    for data in (b"\x30\x80\x00\x00", b"\x04\x85\x01\x00\x00\x00\x00", b"\x04\x82\x01"):
        with pytest.raises(TlvInvalid):
            parse_all(data)


def test_trailing_bytes_refused_unless_allowed() -> None:
    data = encode_tlv(0x04, b"ab") + b"\x00\x00"
    with pytest.raises(TlvInvalid):
        parse_one(data)
    assert parse_one(data, allow_trailing=True).value == b"ab"


@given(st.binary(max_size=64))
def test_garbage_gives_only_tlv_errors(data: bytes) -> None:
    try:
        for item in parse_all(data):
            if item.constructed:
                item.children()
    except TlvInvalid:
        pass


@given(st.binary(max_size=64))
def test_garbage_card_access_gives_only_typed_errors(data: bytes) -> None:
    with contextlib.suppress(IdentityError):
        parse_card_access(data)


@given(st.binary(min_size=1, max_size=40))
def test_any_oid_bytes_decode_or_fail_typed(data: bytes) -> None:
    with contextlib.suppress(TlvInvalid):
        decode_oid(data)


def test_other_security_infos_are_skipped() -> None:
    published = parse_one(card_access()).children()[0]
    chip_authentication = encode_tlv(
        0x30, encode_tlv(0x06, encode_oid("0.4.0.127.0.7.2.2.3.2.4")) + encode_tlv(0x02, b"\x01")
    )
    domain_parameters = encode_tlv(0x30, encode_tlv(0x06, encode_oid("0.4.0.127.0.7.2.2.4.2")) + encode_tlv(0x30, b""))
    data = encode_tlv(0x31, chip_authentication + domain_parameters + published.encode())
    assert parse_card_access(data) == [PaceInfo(PACE_ECDH_GM_AES_CBC_CMAC_128, 2, BRAINPOOL_P256R1)]
