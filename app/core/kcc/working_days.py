"""Service-norm deadlines counted in working days (werkdagen).

A working day is Monday to Friday and not a Dutch public holiday. The holidays come from a CSV
(resources/seed/feestdagen-nl-2025-2030.csv); the core gets its text, it does not read files.

Deadline rule (the one the KCC promises a citizen):
- A request received on a working day before closing time counts as received that day.
- A request received at or after closing time, or on a weekend day or holiday, counts as received
  on the next working day (nobody could have picked it up before then).
- The deadline is the N-th working day after that day of receipt, due by the end of that day
  (like the Awb: a term starts the day after receipt). N = 0 means "the day of receipt".
Example: received Friday 18:00, norm 1 werkdag -> counts as Monday -> due Tuesday.

5 mei: the Algemene termijnenwet counts it every year (the data lists it every year); many
municipalities only close on it in lustrum years (2025, 2030). The rule is a choice per location.
The Friday after Ascension is made equal only by a yearly Royal Decree; it can be left out.

Dates outside the years the data covers raise an error instead of silently ignoring holidays.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from app.core.kcc.errors import HolidayDataInvalid, WorkingDaysOutOfRange

log = logging.getLogger(__name__)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_CLOSING_TIME = time(17, 0)
_COLUMNS = ("datum", "weekdag", "naam", "grondslag")
_BEVRIJDINGSDAG = "Bevrijdingsdag"
_FRIDAY_AFTER_ASCENSION = "Vrijdag na Hemelvaart"


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    basis: str  # legal ground as given in the data ("atw art.3 lid 1", ...)


class BevrijdingsdagRule(Enum):
    EVERY_YEAR = "every_year"  # Algemene termijnenwet art. 3
    LUSTRUM_ONLY = "lustrum_only"  # closed only when the year is a multiple of 5


def parse_holidays(csv_text: str) -> list[Holiday]:
    """Read the holiday CSV (`datum,weekdag,naam,grondslag`); a bad row names its line."""
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    if reader.fieldnames is None or tuple(reader.fieldnames[:4]) != _COLUMNS:
        raise HolidayDataInvalid(f"Feestdagenbestand: kolommen moeten {', '.join(_COLUMNS)} zijn.")
    holidays: list[Holiday] = []
    for row in reader:
        line = reader.line_num
        try:
            day = date.fromisoformat(row["datum"] or "")
        except ValueError:
            raise HolidayDataInvalid(f"Feestdagenbestand regel {line}: ongeldige datum.") from None
        holidays.append(Holiday(day=day, name=(row["naam"] or "").strip(), basis=row["grondslag"] or ""))
    if not holidays:
        raise HolidayDataInvalid("Feestdagenbestand bevat geen feestdagen.")
    return holidays


class WorkingCalendar:
    """Which days are working days at one location, and deadlines counted in them."""

    def __init__(
        self,
        holidays: Iterable[date],
        *,
        first_year: int,
        last_year: int,
        closing_time: time = DEFAULT_CLOSING_TIME,
        timezone: ZoneInfo = AMSTERDAM,
    ) -> None:
        self._holidays = frozenset(holidays)
        self.first_year = first_year
        self.last_year = last_year
        self.closing_time = closing_time
        self.timezone = timezone

    @classmethod
    def from_holidays(
        cls,
        holidays: list[Holiday],
        *,
        bevrijdingsdag: BevrijdingsdagRule = BevrijdingsdagRule.EVERY_YEAR,
        friday_after_ascension: bool = True,
        closing_time: time = DEFAULT_CLOSING_TIME,
        timezone: ZoneInfo = AMSTERDAM,
    ) -> WorkingCalendar:
        days = []
        for holiday in holidays:
            lustrum_only = bevrijdingsdag is BevrijdingsdagRule.LUSTRUM_ONLY
            if holiday.name == _BEVRIJDINGSDAG and lustrum_only and holiday.day.year % 5 != 0:
                continue
            if holiday.name == _FRIDAY_AFTER_ASCENSION and not friday_after_ascension:
                continue
            days.append(holiday.day)
        years = [holiday.day.year for holiday in holidays]
        return cls(
            days,
            first_year=min(years),
            last_year=max(years),
            closing_time=closing_time,
            timezone=timezone,
        )

    def is_working_day(self, day: date) -> bool:
        self._check_covered(day)
        return day.weekday() < 5 and day not in self._holidays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def day_of_receipt(self, received: date | datetime) -> date:
        """The working day a request counts as received (see the module's deadline rule).

        A plain date means "during opening hours". A naive datetime is local wall time; an aware
        one is converted to the location's time zone first.
        """
        if isinstance(received, datetime):
            if received.tzinfo is not None:
                received = received.astimezone(self.timezone)
            day = received.date()
            if self.is_working_day(day) and received.time() < self.closing_time:
                return day
            return self.next_working_day(day)
        if self.is_working_day(received):
            return received
        return self.next_working_day(received)

    def add_working_days(self, received: date | datetime, working_days: int) -> date:
        """The deadline: `working_days` working days after the day of receipt."""
        if working_days < 0:
            raise ValueError("working_days must be >= 0")
        day = self.day_of_receipt(received)
        for _ in range(working_days):
            day = self.next_working_day(day)
        return day

    def _check_covered(self, day: date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            log.warning("working-day question outside holiday data: year %d", day.year)
            raise WorkingDaysOutOfRange(
                f"Geen feestdagen bekend voor {day.year} "
                f"(bekend: {self.first_year}-{self.last_year}); werk de feestdagenlijst bij.",
                year=day.year,
            )
