"""MRZ dates (YYMMDD) to calendar dates. The MRZ has no century, so it is chosen relative to today:
a birth date is never in the future; an expiry date lies within 50 years either side of today."""

from __future__ import annotations

from datetime import date

_WINDOW_YEARS = 50


def _parse(text: str, century: int) -> date | None:
    if len(text) != 6 or not text.isdigit():
        return None  # '<' marks an unknown day or month
    try:
        return date(century + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None


def birth_date(text: str, today: date) -> date | None:
    """The birth date, or None when the MRZ leaves part of it unknown or it is no real date."""
    century = today.year // 100 * 100
    found = _parse(text, century)
    if found is None or found > today:
        found = _parse(text, century - 100)
    return found


def expiry_date(text: str, today: date) -> date | None:
    century = today.year // 100 * 100
    for candidate_century in (century, century - 100, century + 100):
        found = _parse(text, candidate_century)
        if found is not None and abs(found.year - today.year) <= _WINDOW_YEARS:
            return found
    return None


def is_expired(text: str, today: date) -> bool | None:
    """True when the document expired before today; None when the expiry cannot be read."""
    found = expiry_date(text, today)
    return None if found is None else found < today
