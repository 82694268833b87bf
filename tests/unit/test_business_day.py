"""The day's numbers restart at a local reset time (Europe/Amsterdam), also on DST nights.

Hand-computed instants (tz database rules for Europe/Amsterdam):
- 2026-03-29 (last Sunday of March): 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
- 2026-10-25 (last Sunday of October): 03:00 CEST falls back to 02:00 CET at 01:00 UTC, so the
  wall clock passes 02:00-02:59 twice: first at 00:00-00:59 UTC, again at 01:00-01:59 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.core.queue.rules import business_date, reset_instant
from tests.unit.queue_helpers import hall

AMS = "Europe/Amsterdam"


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "reset", "expected_utc"),
    [
        # An ordinary winter and summer day: 03:00 is 02:00 UTC (CET) or 01:00 UTC (CEST).
        (date(2026, 11, 24), time(3, 0), utc(2026, 11, 24, 2)),
        (date(2026, 6, 15), time(3, 0), utc(2026, 6, 15, 1)),
        # Spring night: 03:00 CEST exists, it is the moment of the jump.
        (date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 1)),
        # Spring night: 02:30 never happens; the day starts when the clock jumps to 03:00.
        (date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1)),
        # Autumn night: 03:00 happens once, in CET.
        (date(2026, 10, 25), time(3, 0), utc(2026, 10, 25, 2)),
        # Autumn night: 02:30 happens twice; the first pass (CEST, 00:30 UTC) counts.
        (date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        # Midnight resets, winter and summer.
        (date(2026, 3, 29), time(0, 0), utc(2026, 3, 28, 23)),
        (date(2026, 10, 25), time(0, 0), utc(2026, 10, 24, 22)),
    ],
)
def test_reset_instant(day: date, reset: time, expected_utc: datetime) -> None:
    assert reset_instant(day, reset, AMS) == expected_utc


@pytest.mark.parametrize(
    ("moment", "reset", "expected_day"),
    [
        # Spring, reset 03:00: 01:59 CET is still Saturday's day, the jump to 03:00 CEST starts Sunday.
        (utc(2026, 3, 29, 0, 59), time(3, 0), date(2026, 3, 28)),
        (utc(2026, 3, 29, 1, 0), time(3, 0), date(2026, 3, 29)),
        # Spring, reset 02:30 (inside the gap): same boundary.
        (utc(2026, 3, 29, 0, 59), time(2, 30), date(2026, 3, 28)),
        (utc(2026, 3, 29, 1, 0), time(2, 30), date(2026, 3, 29)),
        # Autumn, reset 02:30: 02:29 CEST before, 02:30 CEST (first pass) after ...
        (utc(2026, 10, 25, 0, 29), time(2, 30), date(2026, 10, 24)),
        (utc(2026, 10, 25, 0, 30), time(2, 30), date(2026, 10, 25)),
        # ... and the second pass of 02:00-02:59 (CET) does not go back to Saturday.
        (utc(2026, 10, 25, 1, 0), time(2, 30), date(2026, 10, 25)),
        (utc(2026, 10, 25, 1, 30), time(2, 30), date(2026, 10, 25)),
        # Autumn, reset 03:00: both passes of 02:30 still belong to Saturday; 03:00 CET starts Sunday.
        (utc(2026, 10, 25, 0, 30), time(3, 0), date(2026, 10, 24)),
        (utc(2026, 10, 25, 1, 59), time(3, 0), date(2026, 10, 24)),
        (utc(2026, 10, 25, 2, 0), time(3, 0), date(2026, 10, 25)),
        # Midnight reset: the local calendar date.
        (utc(2026, 11, 23, 22, 59), time(0, 0), date(2026, 11, 23)),
        (utc(2026, 11, 23, 23, 0), time(0, 0), date(2026, 11, 24)),
        (utc(2026, 6, 15, 21, 59), time(0, 0), date(2026, 6, 15)),
        (utc(2026, 6, 15, 22, 0), time(0, 0), date(2026, 6, 16)),
    ],
)
def test_business_date_around_the_reset(moment: datetime, reset: time, expected_day: date) -> None:
    assert business_date(moment, hall(reset_time=reset)) == expected_day


def test_an_evening_opening_past_midnight_keeps_yesterdays_numbers() -> None:
    # Koopavond until 00:30: Tuesday 24 November 00:15 CET is still Monday's day (reset 03:00).
    location = hall(reset_time=time(3, 0))
    assert business_date(utc(2026, 11, 23, 23, 15), location) == date(2026, 11, 23)
    assert business_date(utc(2026, 11, 24, 1, 59), location) == date(2026, 11, 23)
    assert business_date(utc(2026, 11, 24, 2, 0), location) == date(2026, 11, 24)


def test_business_date_takes_any_timezone_of_the_moment() -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo(AMS))  # second pass, CET
    assert local.astimezone(UTC) == utc(2026, 10, 25, 1, 30)
    assert business_date(local, hall(reset_time=time(2, 30))) == date(2026, 10, 25)
    assert business_date(local, hall(reset_time=time(3, 0))) == date(2026, 10, 24)
