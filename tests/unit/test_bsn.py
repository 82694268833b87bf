"""BSN 11-proef against the RvIG BRP test persons, plus properties on any 9-digit string."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.kcc.bsn import passes_elfproef, validate_bsn
from app.core.kcc.errors import BsnInvalid
from tests.unit.brp_fixture import summary_rows


def test_exactly_the_rows_the_data_marks_pass_the_elfproef() -> None:
    rows = summary_rows()
    assert len(rows) == 687
    marked = [row["burgerservicenummer"] for row in rows if row["elfproef_ok"] == "ja"]
    passing = [row["burgerservicenummer"] for row in rows if passes_elfproef(row["burgerservicenummer"])]
    assert passing == marked
    assert len(passing) == 685
    # The two other rows have no BSN at all, which is a format error, not a crash.
    missing = [row["burgerservicenummer"] for row in rows if row["elfproef_ok"] != "ja"]
    assert missing == ["", ""]


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ("", "format"),
        ("12345678", "format"),
        ("1234567890", "format"),
        ("12345678a", "format"),
        (" 11122233", "format"),
        ("١٢٣٤٥٦٧٨٢", "format"),  # Arabic-Indic digits: str.isdigit() would accept them
        ("000000000", "all_zeros"),
        ("123456789", "elfproef"),
    ],
)
def test_bad_input_gets_a_typed_error_with_a_reason(candidate: str, reason: str) -> None:
    with pytest.raises(BsnInvalid) as info:
        validate_bsn(candidate)
    assert info.value.code == "kcc.bsn_invalid"
    assert info.value.reason == reason


def test_a_hand_checked_number() -> None:
    # 111222333: 9+8+7 + 2*(6+5+4) + 3*(3+2) - 3 = 24 + 30 + 15 - 3 = 66 = 6 * 11.
    assert validate_bsn("111222333") == "111222333"
    # 111222334 adds -1 to the sum: 65 is not divisible by 11.
    assert not passes_elfproef("111222334")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_any_nine_digits_pass_or_give_the_typed_error(candidate: str) -> None:
    try:
        assert validate_bsn(candidate) == candidate
    except BsnInvalid as error:
        assert candidate not in str(error)
        assert candidate not in repr(error)
        assert candidate not in repr(error.details)


@given(st.text(max_size=12))
def test_any_text_passes_or_gives_the_typed_error(candidate: str) -> None:
    assert passes_elfproef(candidate) in (True, False)


def test_the_error_never_carries_the_number(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(BsnInvalid) as info:
        validate_bsn("999993654")
    logging.getLogger("test").error("lookup failed: %s %r", info.value, info.value)
    assert "999993654" not in caplog.text
    assert "elfproef" in info.value.message
