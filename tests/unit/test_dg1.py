"""DG1 of the chip read to MRZ fields: ICAO's Dutch TD1 example (Doc 9303 part 10, A.2.1)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.identity.data_groups import parse_dg1
from app.core.identity.errors import IdentityError
from app.core.identity.mrz import Check, parse_mrz
from app.core.identity.tlv import encode_tlv
from tests.unit.icao_vectors import hx, vectors


def example() -> dict[str, object]:
    return dict(vectors()["dg1_td1_nld_example"])


def dg1() -> bytes:
    return hx(str(example()["dg1"]))


def test_dutch_td1_dg1_gives_the_printed_mrz() -> None:
    assert parse_dg1(dg1(), keep_bsn=True) == parse_mrz(example()["mrz_lines"], keep_bsn=True)  # type: ignore[arg-type]


def test_dutch_td1_dg1_reports_the_bad_composite_and_hides_the_bsn() -> None:
    mrz = parse_dg1(dg1())
    assert mrz.failed_checks == (Check.COMPOSITE,)
    assert mrz.bsn is None and mrz.bsn_redacted
    assert mrz.document_number == str(example()["mrz_lines"][0])[5:14]  # type: ignore[index]


def test_wrong_outer_tag_is_refused() -> None:
    with pytest.raises(IdentityError):
        parse_dg1(b"\x60" + dg1()[1:])


@pytest.mark.parametrize("cut", [1, 2, 10, 50, 94])
def test_truncated_dg1_is_a_typed_error(cut: int) -> None:
    with pytest.raises(IdentityError):
        parse_dg1(dg1()[:-cut])


@given(st.binary(max_size=120))
def test_garbage_dg1_gives_only_typed_errors(data: bytes) -> None:
    with contextlib.suppress(IdentityError):
        parse_dg1(data)


def test_passport_dg1_built_from_the_icao_specimen() -> None:
    lines = vectors()["bac"]["mrz_specimen"]
    data = encode_tlv(0x61, encode_tlv(0x5F1F, "".join(lines).encode("ascii")))
    mrz = parse_dg1(data)
    assert mrz == parse_mrz(lines)
    assert mrz.mrz_information == vectors()["bac"]["mrz_information"]


def test_mrz_of_unknown_length_is_a_typed_error() -> None:
    with pytest.raises(IdentityError):
        parse_dg1(encode_tlv(0x61, encode_tlv(0x5F1F, b"<" * 89)))
