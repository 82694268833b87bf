"""MRZ dates of the published ICAO examples, with the century chosen relative to today."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.core.identity.dates import birth_date, expiry_date, is_expired
from app.core.identity.mrz import parse_travel_document_mrz
from tests.unit.icao_vectors import vectors

TODAY = date(2026, 11, 23)


def test_icao_specimen_passport_dates() -> None:
    mrz = parse_travel_document_mrz(vectors()["bac"]["mrz_specimen"])
    assert birth_date(mrz.date_of_birth, TODAY) == date(1969, 8, 6)
    assert expiry_date(mrz.date_of_expiry, TODAY) == date(1994, 6, 23)
    assert is_expired(mrz.date_of_expiry, TODAY) is True


def test_dutch_td1_sample_dates() -> None:
    mrz = parse_travel_document_mrz(vectors()["dg1_td1_nld_example"]["mrz_lines"])
    assert birth_date(mrz.date_of_birth, TODAY) == date(1972, 8, 14)
    assert expiry_date(mrz.date_of_expiry, TODAY) == date(2011, 8, 26)


def test_a_child_born_this_century_and_a_valid_document() -> None:
    assert birth_date("200229", TODAY) == date(2020, 2, 29)
    assert expiry_date("310101", TODAY) == date(2031, 1, 1)
    assert is_expired("310101", TODAY) is False


def test_unknown_or_impossible_dates_are_none() -> None:
    for text in ("69<<<<", "691332", "690230", "", "6908061"):
        assert birth_date(text, TODAY) is None
        assert is_expired(text, TODAY) is None


@given(st.text(max_size=8), st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 1, 1)))
def test_any_text_gives_a_date_or_none(text: str, today: date) -> None:
    found = birth_date(text, today)
    assert found is None or found <= today
    expiry_date(text, today)
