"""EF.SOD comes from an untrusted chip: truncated, garbled or random bytes give a typed error or a
not-genuine verdict, never IndexError/ValueError."""

from __future__ import annotations

import contextlib
import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.identity.passive_auth import PassiveAuthReason, Verdict
from app.core.identity.sod import SodInvalid, SodUnsupported, parse_sod
from app.core.identity.tlv import encode_tlv
from app.hardware.idcard.passive_auth import EF_SOD, verify_document
from app.hardware.idcard.reader import DG1
from app.hardware.idcard.specimen_pki import build_sod
from app.hardware.idcard.trust_store import TrustStore
from tests.unit.pki_helpers import specimen_pki

DG1_CONTENT = b"\x61\x05\x5f\x1f\x02AB"


@functools.cache
def genuine_sod() -> bytes:
    return build_sod({1: DG1_CONTENT, 2: b"\x75\x00"}, specimen_pki().document_signer)


def verify(sod: bytes) -> Verdict:
    return verify_document({DG1: DG1_CONTENT, EF_SOD: sod}, TrustStore([specimen_pki().csca.certificate])).verdict


def test_the_genuine_sod_parses() -> None:
    sod = parse_sod(genuine_sod())
    assert sorted(sod.data_group_hashes) == [1, 2]
    assert sod.lds_hash_algorithm == sod.signed.digest_algorithm == "sha256"
    assert len(sod.signed.certificates) == 1
    assert verify(genuine_sod()) is Verdict.GENUINE


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_truncated_sod_is_a_typed_error(data: st.DataObject) -> None:
    sod = genuine_sod()
    cut = data.draw(st.integers(min_value=0, max_value=len(sod) - 1))
    # EF.SOD is read by its TLV length, so a cut inside it also shows up with a corrected outer length.
    for candidate in (sod[:cut], encode_tlv(0x77, sod[4:cut])):
        with pytest.raises((SodInvalid, SodUnsupported)):
            parse_sod(candidate)
        assert verify(candidate) is not Verdict.GENUINE


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_garbled_sod_never_leaks_an_untyped_error(data: st.DataObject) -> None:
    sod = bytearray(genuine_sod())
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        position = data.draw(st.integers(min_value=0, max_value=len(sod) - 1))
        sod[position] = data.draw(st.integers(min_value=0, max_value=255))
    with contextlib.suppress(SodInvalid, SodUnsupported):
        parse_sod(bytes(sod))
    assert isinstance(verify(bytes(sod)), Verdict)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", b"\x77\x82\x01\x00", b"\x77\x81\x80\x30\x80"]))
def test_random_bytes_are_a_typed_error(garbage: bytes, prefix: bytes) -> None:
    with pytest.raises((SodInvalid, SodUnsupported)):
        parse_sod(prefix + garbage)
    assert verify(prefix + garbage) is not Verdict.GENUINE


def test_an_empty_sod_is_malformed() -> None:
    result = verify_document({DG1: DG1_CONTENT, EF_SOD: b""}, TrustStore([]))
    assert result.reason is PassiveAuthReason.SOD_MALFORMED
