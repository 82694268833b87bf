"""Typed errors of the KCC desk core. Codes are stable; messages never contain a BSN."""

from __future__ import annotations

from app.core.errors import LoketError


class KccError(LoketError):
    code = "kcc.error"


class BsnInvalid(KccError):
    """Input is not a valid BSN. Only the reason is kept, never the number itself (privacy)."""

    code = "kcc.bsn_invalid"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"BsnInvalid(reason={self.reason!r})"


class HolidayDataInvalid(KccError):
    """The holiday CSV cannot be read; the message names the line."""

    code = "kcc.holiday_data_invalid"


class WorkingDaysOutOfRange(KccError):
    """A deadline falls outside the years the holiday data covers: refuse rather than guess."""

    code = "kcc.working_days_out_of_range"


class BrpDataInvalid(KccError):
    """A row of local BRP test data cannot be read; the message names the line (never the BSN)."""

    code = "kcc.brp_data_invalid"
