"""Machine readable zone (ICAO Doc 9303 parts 3-5; ISO/IEC 18013 for the one-line driving licence).

Failed check digits are reported on the result (`failed_checks`), not raised: a document in the hand
of a citizen with a misprinted composite digit (ICAO's own Dutch TD1 sample has one) must still be
readable. Only text that cannot be an MRZ at all raises `MrzInvalid`.

Privacy: Dutch documents issued before 2021 carry the BSN in the optional data. The parsed result
drops it unless the caller asks for it with `keep_bsn=True`, and never shows it in its repr.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from app.core.identity.errors import MrzInvalid

FILLER = "<"
_WEIGHTS = (7, 3, 1)
_CHARSET = re.compile(r"[A-Z0-9<]*")
# Every run of 9 or more digits in Dutch optional data is treated as a BSN, also when it fails the
# 11-proef (a misprinted BSN is personal data too) or runs on into other digits.
_BSN_IN_OPTIONAL_DATA = re.compile(r"\d{9,}")
DUTCH_STATE = "NLD"


class DocumentFormat(Enum):
    TD1 = "td1"  # ID card, 3 x 30
    TD2 = "td2"  # 2 x 36
    TD3 = "td3"  # passport, 2 x 44
    DRIVING_LICENCE = "driving_licence"  # EU/Dutch driving licence, 1 x 30


class Check(Enum):
    """A check digit of the MRZ; `failed_checks` lists the ones that did not verify."""

    DOCUMENT_NUMBER = "document_number"
    DATE_OF_BIRTH = "date_of_birth"
    DATE_OF_EXPIRY = "date_of_expiry"
    OPTIONAL_DATA = "optional_data"
    COMPOSITE = "composite"


class Correction(Enum):
    """A reading fix the parser applied; the UI may show it to the clerk."""

    # Dutch document numbers never contain the letter O; an O is a misread 0.
    DOCUMENT_NUMBER_LETTER_O = "document_number_letter_o"


def character_value(char: str) -> int:
    """ICAO value of one MRZ character: digits 0-9, A=10 ... Z=35, '<'=0."""
    if len(char) == 1:
        if "0" <= char <= "9":
            return ord(char) - ord("0")
        if "A" <= char <= "Z":
            return ord(char) - ord("A") + 10
        if char == FILLER:
            return 0
    raise MrzInvalid("Het MRZ bevat een teken dat er niet in hoort.", character=char)


def check_digit(data: str) -> str:
    """ICAO 9303 check digit: weights 7-3-1 repeated, sum modulo 10."""
    total = sum(character_value(char) * _WEIGHTS[i % 3] for i, char in enumerate(data))
    return str(total % 10)


def mrz_information(document_number: str, date_of_birth: str, date_of_expiry: str) -> str:
    """The MRZ part that keys BAC and PACE: number (at least 9 characters), birth date and expiry,
    each followed by its check digit (9303 part 11, 4.3 and 9.7)."""
    number = document_number.ljust(9, FILLER)
    return (
        number
        + check_digit(number)
        + date_of_birth
        + check_digit(date_of_birth)
        + date_of_expiry
        + check_digit(date_of_expiry)
    )


def _verified(data: str, printed: str) -> bool:
    return check_digit(data) == printed


@dataclass(frozen=True)
class Mrz:
    """A parsed TD1, TD2 or TD3 MRZ. Dates are as printed: YYMMDD, '<' for an unknown part."""

    document_format: DocumentFormat
    document_code: str
    issuing_state: str
    document_number: str
    date_of_birth: str
    sex: str
    date_of_expiry: str
    nationality: str
    primary_identifier: str
    secondary_identifier: str
    optional_data: str
    failed_checks: tuple[Check, ...] = ()
    corrections: tuple[Correction, ...] = ()
    bsn_redacted: bool = False
    bsn: str | None = field(default=None, repr=False)

    @property
    def is_valid(self) -> bool:
        return not self.failed_checks

    @property
    def mrz_information(self) -> str:
        """Input of the BAC/PACE key from the MRZ: document number, birth date, expiry, each with
        its check digit (computed, so a misprinted digit does not lock the chip)."""
        return mrz_information(self.document_number, self.date_of_birth, self.date_of_expiry)


@dataclass(frozen=True)
class DrivingLicenceMrz:
    """The one-line MRZ of a Dutch/EU driving licence (ISO/IEC 18013): only the document number,
    the issuing state and the configuration; no name or dates."""

    issuing_state: str
    configuration: str
    version: str
    document_number: str
    optional_data: str
    failed_checks: tuple[Check, ...] = ()

    @property
    def document_format(self) -> DocumentFormat:
        return DocumentFormat.DRIVING_LICENCE

    @property
    def is_valid(self) -> bool:
        return not self.failed_checks


def _lines(text: str | Sequence[str]) -> list[str]:
    try:
        raw = text.splitlines() if isinstance(text, str) else list(text)
    except TypeError:
        raise MrzInvalid("Het MRZ is geen tekst.") from None
    lines = []
    for line in raw:
        if not isinstance(line, str):
            raise MrzInvalid("Het MRZ is geen tekst.")
        cleaned = line.strip().replace(" ", "").upper()
        if cleaned:
            lines.append(cleaned)
    for line in lines:
        if not _CHARSET.fullmatch(line):
            raise MrzInvalid("Het MRZ bevat een teken dat er niet in hoort.")
    return lines


def parse_mrz(text: str | Sequence[str], *, keep_bsn: bool = False) -> Mrz | DrivingLicenceMrz:
    """Parses any supported MRZ; the shape (lines x length) decides the format."""
    lines = _lines(text)
    shape = (len(lines), {len(line) for line in lines})
    if shape == (3, {30}):
        return _parse_td1(lines, keep_bsn=keep_bsn)
    if shape == (2, {44}):
        return _parse_td2_td3(lines, DocumentFormat.TD3, keep_bsn=keep_bsn)
    if shape == (2, {36}):
        return _parse_td2_td3(lines, DocumentFormat.TD2, keep_bsn=keep_bsn)
    if shape == (1, {30}) and lines[0].startswith("D"):
        return parse_driving_licence_mrz(lines[0])
    raise MrzInvalid(
        "Het MRZ heeft niet de juiste lengte: verwacht 3 regels van 30, 2 van 44 of 36, of 1 regel van 30 tekens.",
        lines=len(lines),
    )


def parse_travel_document_mrz(text: str | Sequence[str], *, keep_bsn: bool = False) -> Mrz:
    """As `parse_mrz`, for a passport or ID card only (not a driving licence)."""
    result = parse_mrz(text, keep_bsn=keep_bsn)
    if not isinstance(result, Mrz):
        raise MrzInvalid("Dit is het MRZ van een rijbewijs, niet van een paspoort of ID-kaart.")
    return result


def parse_driving_licence_mrz(line: str) -> DrivingLicenceMrz:
    """`D` + configuration + issuing state + version + 10-character number + 13 optional + check."""
    (line,) = _lines([line]) or [""]
    if len(line) != 30 or not line.startswith("D"):
        raise MrzInvalid("Het MRZ van een rijbewijs is één regel van 30 tekens die met D begint.")
    failed = () if _verified(line[:29], line[29]) else (Check.COMPOSITE,)
    return DrivingLicenceMrz(
        configuration=line[1],
        issuing_state=line[2:5].strip(FILLER),
        version=line[5],
        document_number=line[6:16].strip(FILLER),
        optional_data=line[16:29].strip(FILLER),
        failed_checks=failed,
    )


def _names(field_text: str) -> tuple[str, str]:
    primary, _, secondary = field_text.partition(FILLER * 2)
    return _name(primary), _name(secondary)


def _name(text: str) -> str:
    return " ".join(part for part in text.split(FILLER) if part)


def _corrected_number(number_field: str, state: str) -> tuple[str, tuple[Correction, ...]]:
    """The 9-character number field, with a Dutch misread O turned into 0 (before any check)."""
    if state == DUTCH_STATE and "O" in number_field:
        return number_field.replace("O", "0"), (Correction.DOCUMENT_NUMBER_LETTER_O,)
    return number_field, ()


def _redact_bsn(optional: str, state: str, keep_bsn: bool) -> tuple[str, str | None, bool]:
    """Returns the optional data to show, the BSN (only when asked for) and whether one was removed."""
    if state != DUTCH_STATE:
        return optional, None, False
    found = _BSN_IN_OPTIONAL_DATA.search(optional)
    if not found:
        return optional, None, False
    shown = _BSN_IN_OPTIONAL_DATA.sub("", optional).strip(FILLER)
    return shown, (found.group() if keep_bsn else None), True


def _date_checks(dob: str, dob_cd: str, expiry: str, expiry_cd: str) -> list[Check]:
    failed = []
    if not _verified(dob, dob_cd):
        failed.append(Check.DATE_OF_BIRTH)
    if not _verified(expiry, expiry_cd):
        failed.append(Check.DATE_OF_EXPIRY)
    return failed


def _parse_td1(lines: list[str], *, keep_bsn: bool) -> Mrz:
    line1, line2, line3 = lines
    state = line1[2:5].strip(FILLER)
    number_part, corrections = _corrected_number(line1[5:14], state)
    line1 = line1[:5] + number_part + line1[14:]
    number_field, number_cd, optional1 = line1[5:14], line1[14], line1[15:30]
    if number_cd == FILLER and optional1[:1] != FILLER:
        # A number longer than 9 characters continues in the optional data; its check digit is
        # the last character before the first filler there.
        continuation = optional1.split(FILLER, 1)[0]
        number_field, number_cd = number_field + continuation[:-1], continuation[-1]
        optional1 = optional1[len(continuation) :]
    number = number_field.strip(FILLER)
    failed = [] if _verified(number_field, number_cd) else [Check.DOCUMENT_NUMBER]
    failed += _date_checks(line2[0:6], line2[6], line2[8:14], line2[14])
    composite_data = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    if not _verified(composite_data, line2[29]):
        failed.append(Check.COMPOSITE)
    optional = (optional1 + line2[18:29]).strip(FILLER)
    shown, bsn, redacted = _redact_bsn(optional, state, keep_bsn)
    primary, secondary = _names(line3)
    return Mrz(
        document_format=DocumentFormat.TD1,
        document_code=line1[0:2].strip(FILLER),
        issuing_state=state,
        document_number=number,
        date_of_birth=line2[0:6],
        sex=line2[7],
        date_of_expiry=line2[8:14],
        nationality=line2[15:18].strip(FILLER),
        primary_identifier=primary,
        secondary_identifier=secondary,
        optional_data=shown,
        failed_checks=tuple(failed),
        corrections=corrections,
        bsn_redacted=redacted,
        bsn=bsn,
    )


def _parse_td2_td3(lines: list[str], document_format: DocumentFormat, *, keep_bsn: bool) -> Mrz:
    line1, line2 = lines
    width = len(line2)
    state = line1[2:5].strip(FILLER)
    number_part, corrections = _corrected_number(line2[0:9], state)
    line2 = number_part + line2[9:]
    number = number_part.strip(FILLER)
    failed: list[Check] = []
    if not _verified(number_part, line2[9]):
        failed.append(Check.DOCUMENT_NUMBER)
    failed += _date_checks(line2[13:19], line2[19], line2[21:27], line2[27])
    if document_format is DocumentFormat.TD3:
        optional = line2[28:42]
        # The optional-data check digit may be '<' when the field is empty.
        if not (line2[42] == FILLER and not optional.strip(FILLER)) and not _verified(optional, line2[42]):
            failed.append(Check.OPTIONAL_DATA)
    else:
        optional = line2[28:35]
    composite_data = line2[0:10] + line2[13:20] + line2[21 : width - 1]
    if not _verified(composite_data, line2[width - 1]):
        failed.append(Check.COMPOSITE)
    shown, bsn, redacted = _redact_bsn(optional.strip(FILLER), state, keep_bsn)
    primary, secondary = _names(line1[5:])
    return Mrz(
        document_format=document_format,
        document_code=line1[0:2].strip(FILLER),
        issuing_state=state,
        document_number=number,
        date_of_birth=line2[13:19],
        sex=line2[20],
        date_of_expiry=line2[21:27],
        nationality=line2[10:13].strip(FILLER),
        primary_identifier=primary,
        secondary_identifier=secondary,
        optional_data=shown,
        failed_checks=tuple(failed),
        corrections=corrections,
        bsn_redacted=redacted,
        bsn=bsn,
    )
