"""MRZ parsing against ICAO's published specimens; bad input gives a typed error, never a crash."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.identity.errors import MrzInvalid
from app.core.identity.mrz import (
    Check,
    Correction,
    DocumentFormat,
    DrivingLicenceMrz,
    Mrz,
    check_digit,
    mrz_information,
    parse_driving_licence_mrz,
    parse_mrz,
    parse_travel_document_mrz,
)
from tests.unit.icao_vectors import vectors

MRZ_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


def bac() -> dict[str, str]:
    return dict(vectors()["bac"])


def dutch_td1_lines() -> list[str]:
    return list(vectors()["dg1_td1_nld_example"]["mrz_lines"])


def test_icao_passport_specimen_parses_with_all_checks_valid() -> None:
    mrz = parse_travel_document_mrz(vectors()["bac"]["mrz_specimen"])
    assert mrz.document_format is DocumentFormat.TD3
    assert mrz.is_valid
    assert mrz.document_number + "<" == bac()["document_number"]
    assert mrz.date_of_birth == bac()["date_of_birth"]
    assert mrz.date_of_expiry == bac()["date_of_expiry"]
    assert (mrz.primary_identifier, mrz.secondary_identifier) == ("ERIKSSON", "ANNA MARIA")


@pytest.mark.parametrize("section", ["bac", "pace_ecdh_gm_brainpoolp256r1_aes128"])
def test_check_digits_and_key_input_match_the_published_examples(section: str) -> None:
    example = vectors()[section]
    assert check_digit(example["document_number"].ljust(9, "<")) == example["document_number_check_digit"]
    assert check_digit(example["date_of_birth"]) == example["date_of_birth_check_digit"]
    assert check_digit(example["date_of_expiry"]) == example["date_of_expiry_check_digit"]
    information = mrz_information(
        example["document_number"].rstrip("<"), example["date_of_birth"], example["date_of_expiry"]
    )
    assert information == example["mrz_information"]


def test_passport_key_input_comes_from_the_parsed_mrz() -> None:
    assert parse_travel_document_mrz(vectors()["bac"]["mrz_specimen"]).mrz_information == bac()["mrz_information"]


def test_dutch_td1_sample_reports_its_bad_composite_digit_and_nothing_else() -> None:
    mrz = parse_travel_document_mrz(dutch_td1_lines())
    assert mrz.document_format is DocumentFormat.TD1
    assert mrz.failed_checks == (Check.COMPOSITE,)
    assert not mrz.is_valid
    assert (mrz.issuing_state, mrz.nationality, mrz.sex) == ("NLD", "NLD", "F")
    assert (mrz.primary_identifier, mrz.secondary_identifier) == ("VAN DER STEEN", "MARIANNE LOUISE")


def test_dutch_bsn_is_redacted_and_never_shown() -> None:
    bsn_field = dutch_td1_lines()[0][15:24]
    mrz = parse_travel_document_mrz(dutch_td1_lines())
    assert mrz.bsn is None
    assert mrz.bsn_redacted
    assert bsn_field not in mrz.optional_data
    assert bsn_field not in repr(mrz)
    assert bsn_field not in str(mrz)


def test_bsn_kept_only_on_request_and_still_hidden_from_repr() -> None:
    bsn_field = dutch_td1_lines()[0][15:24]
    mrz = parse_travel_document_mrz(dutch_td1_lines(), keep_bsn=True)
    assert mrz.bsn == bsn_field
    assert bsn_field not in repr(mrz)
    assert bsn_field not in str(mrz)


def test_optional_data_of_other_states_is_kept() -> None:
    mrz = parse_travel_document_mrz(vectors()["bac"]["mrz_specimen"])
    assert not mrz.bsn_redacted
    assert mrz.optional_data == vectors()["bac"]["mrz_specimen"][1][28:42].strip("<")


def _td1(number_field: str, number_cd: str, state: str = "NLD") -> list[str]:
    """A TD1 built around the published PACE example's document number and dates."""
    pace = vectors()["pace_ecdh_gm_brainpoolp256r1_aes128"]
    line1 = f"I<{state}{number_field}{number_cd}".ljust(30, "<")
    line2 = (
        pace["date_of_birth"]
        + pace["date_of_birth_check_digit"]
        + "M"
        + pace["date_of_expiry"]
        + pace["date_of_expiry_check_digit"]
        + state
    ).ljust(29, "<")
    composite = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return [line1, line2 + composite, "DE<BRUIJN<<JAN".ljust(30, "<")]


def test_letter_o_in_a_dutch_document_number_is_read_as_zero() -> None:
    pace = vectors()["pace_ecdh_gm_brainpoolp256r1_aes128"]
    misread = pace["document_number"].replace("0", "O")
    mrz = parse_travel_document_mrz(_td1(misread, pace["document_number_check_digit"]))
    assert mrz.document_number == pace["document_number"]
    assert mrz.corrections == (Correction.DOCUMENT_NUMBER_LETTER_O,)
    assert Check.DOCUMENT_NUMBER not in mrz.failed_checks
    assert mrz.mrz_information == pace["mrz_information"]


def test_letter_o_elsewhere_is_left_alone_and_fails_its_check() -> None:
    pace = vectors()["pace_ecdh_gm_brainpoolp256r1_aes128"]
    misread = pace["document_number"].replace("0", "O")
    mrz = parse_travel_document_mrz(_td1(misread, pace["document_number_check_digit"], state="BEL"))
    assert mrz.document_number == misread
    assert Check.DOCUMENT_NUMBER in mrz.failed_checks
    assert mrz.corrections == ()


def test_td1_document_number_longer_than_nine_characters() -> None:
    long_number = "D23145890734"
    line1 = f"I<UTO{long_number[:9]}<{long_number[9:]}{check_digit(long_number)}".ljust(30, "<")
    line2 = "3407127M9507122UTO".ljust(29, "<")
    lines = [line1, line2 + check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]), "A<<B".ljust(30, "<")]
    mrz = parse_travel_document_mrz(lines)
    assert mrz.document_number == long_number
    assert mrz.is_valid, mrz.failed_checks


def test_driving_licence_line() -> None:
    # The layout of the Dutch driving licence MRZ (D, configuration, NLD, version, number, data, check).
    number = "5094962111"
    body = f"D1NLD1{number}" + "659VW87Z78NB8"
    line = body + check_digit(body)
    licence = parse_mrz(line)
    assert isinstance(licence, DrivingLicenceMrz)
    assert (licence.issuing_state, licence.document_number, licence.is_valid) == ("NLD", number, True)
    broken = parse_driving_licence_mrz(body + str((int(check_digit(body)) + 1) % 10))
    assert broken.failed_checks == (Check.COMPOSITE,)


def test_a_driving_licence_is_not_a_travel_document() -> None:
    body = "D1NLD15094962111659VW87Z78NB8"
    with pytest.raises(MrzInvalid):
        parse_travel_document_mrz(body + check_digit(body))


@pytest.mark.parametrize(
    "text",
    ["", "P<UTO", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" + "L898902C<3UTO", "ÄÖÜ" * 10, "x" * 31],
)
def test_malformed_text_is_a_typed_error(text: str) -> None:
    with pytest.raises(MrzInvalid) as caught:
        parse_mrz(text)
    assert caught.value.code == "identity.mrz_invalid"


def test_non_text_is_a_typed_error() -> None:
    for value in (None, b"P<UTO", [1, 2]):
        with pytest.raises(MrzInvalid):
            parse_mrz(value)  # type: ignore[arg-type]


@given(st.one_of(st.text(max_size=120), st.lists(st.text(max_size=50), max_size=4)))
def test_arbitrary_text_gives_a_result_or_a_typed_error(text: str | list[str]) -> None:
    with contextlib.suppress(MrzInvalid):
        parse_mrz(text)


@given(
    st.sampled_from([(3, 30), (2, 44), (2, 36)]).flatmap(
        lambda shape: st.lists(
            st.text(alphabet=MRZ_CHARS, min_size=shape[1], max_size=shape[1]), min_size=shape[0], max_size=shape[0]
        )
    )
)
def test_any_mrz_shaped_text_parses_with_checks_reported(lines: list[str]) -> None:
    mrz = parse_mrz(lines)
    assert isinstance(mrz, Mrz)
    assert all(isinstance(check, Check) for check in mrz.failed_checks)
    if mrz.bsn_redacted:
        assert mrz.bsn is None


def _dutch_passport(personal_number: str) -> list[str]:
    """A TD3 shaped like a pre-2021 Dutch passport: the personal number field holds the BSN."""
    example = vectors()["bac"]
    number = example["document_number"]
    line2 = (
        number
        + example["document_number_check_digit"]
        + "NLD"
        + example["date_of_birth"]
        + example["date_of_birth_check_digit"]
        + "F"
        + example["date_of_expiry"]
        + example["date_of_expiry_check_digit"]
        + personal_number.ljust(14, "<")
    )
    line2 += check_digit(line2[28:42])
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return ["P<NLDDE<BRUIJN<<JAN".ljust(44, "<"), line2]


def test_dutch_passport_bsn_is_checked_then_redacted() -> None:
    bsn = dutch_td1_lines()[0][15:24]
    mrz = parse_travel_document_mrz(_dutch_passport(bsn))
    assert mrz.is_valid, mrz.failed_checks
    assert mrz.bsn_redacted and mrz.bsn is None and mrz.optional_data == ""
    assert parse_travel_document_mrz(_dutch_passport(bsn), keep_bsn=True).bsn == bsn


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.booleans())
def test_no_nine_digit_number_of_a_dutch_document_reaches_repr(bsn: str, passport: bool) -> None:
    lines = _dutch_passport(bsn) if passport else [dutch_td1_lines()[0][:15] + bsn + "<" * 6, *dutch_td1_lines()[1:]]
    for keep_bsn in (False, True):
        mrz = parse_travel_document_mrz(lines, keep_bsn=keep_bsn)
        assert bsn not in repr(mrz) and bsn not in str(mrz)
        assert mrz.bsn == (bsn if keep_bsn else None)


def test_every_long_digit_run_in_dutch_optional_data_is_hidden() -> None:
    line1, line2, line3 = dutch_td1_lines()
    bsn = line1[15:24]
    # A BSN running on into digits of the second optional field, and a second number on line 2.
    lines = [line1[:21] + bsn, line2[:18] + bsn + "<<" + line2[29], line3]
    mrz = parse_travel_document_mrz(lines)
    assert bsn not in repr(mrz)
    assert mrz.bsn_redacted and mrz.optional_data.strip("<") == ""
