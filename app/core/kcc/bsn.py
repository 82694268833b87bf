"""The BSN 11-proef (burgerservicenummer).

Nine digits d1..d9; 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11, and the all-zero
number is refused (it passes the sum but is never issued). The weight -1 on the last digit is
what separates the BSN check from the bank-account 11-proef.

Error messages are Dutch (they reach staff) and never contain the number: a log line or
traceback with the error in it must not leak a BSN.
"""

from __future__ import annotations

from app.core.kcc.errors import BsnInvalid

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def passes_elfproef(candidate: str) -> bool:
    """True when `candidate` is a well-formed BSN; never raises."""
    try:
        validate_bsn(candidate)
    except BsnInvalid:
        return False
    return True


def validate_bsn(candidate: str) -> str:
    """Return the BSN (9 ASCII digits) or raise BsnInvalid with a reason code."""
    if not isinstance(candidate, str):
        raise BsnInvalid("Een BSN moet als tekst worden opgegeven.", reason="not_text")
    # str.isdigit accepts other scripts' digits (e.g. Arabic-Indic); a BSN is ASCII only.
    if len(candidate) != 9 or not all("0" <= ch <= "9" for ch in candidate):
        raise BsnInvalid("Een BSN bestaat uit precies 9 cijfers.", reason="format")
    digits = [ord(ch) - ord("0") for ch in candidate]
    if not any(digits):
        raise BsnInvalid("Dit BSN bestaat niet (alleen nullen).", reason="all_zeros")
    total = sum(weight * digit for weight, digit in zip(_WEIGHTS, digits, strict=True))
    if total % 11 != 0:
        raise BsnInvalid("Dit BSN klopt niet (de elfproef faalt).", reason="elfproef")
    return candidate
