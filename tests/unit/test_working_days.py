"""Service-norm deadlines in working days, with hand-checked dates (weekdays checked on a calendar).

The holiday data is the project's own copy in resources/seed/, read here, never retyped.
Rule under test (app/core/kcc/working_days.py): received before 17:00 on a working day counts
that day; otherwise the next working day; the deadline is N working days after that.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.kcc.errors import HolidayDataInvalid, WorkingDaysOutOfRange
from app.core.kcc.working_days import BevrijdingsdagRule, WorkingCalendar, parse_holidays

SEED = Path(__file__).resolve().parents[2] / "resources" / "seed" / "feestdagen-nl-2025-2030.csv"
HOLIDAYS = parse_holidays(SEED.read_text(encoding="utf-8"))


def calendar(**options: object) -> WorkingCalendar:
    return WorkingCalendar.from_holidays(HOLIDAYS, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("received", "norm", "due", "why"),
    [
        (date(2025, 11, 19), 2, date(2025, 11, 21), "plain week, Wed + 2 = Fri"),
        (date(2025, 11, 21), 1, date(2025, 11, 24), "Fri + 1 skips the weekend"),
        # Easter 2025: Goede Vrijdag 18 April, Tweede Paasdag 21 April.
        (date(2025, 4, 17), 1, date(2025, 4, 22), "Thu before Easter + 1 = Tue after"),
        # Mon 14 April + 10: 15,16,17, 22,23,24,25, 28,29,30 (Easter, Koningsdag Sat 26 April).
        (date(2025, 4, 14), 10, date(2025, 4, 30), "Easter and Koningsdag on a Saturday"),
        # Koningsdag 2026 is Monday 27 April.
        (date(2026, 4, 24), 1, date(2026, 4, 28), "Fri + 1 skips Koningsdag Monday"),
        (date(2028, 4, 26), 1, date(2028, 4, 28), "Koningsdag Thursday 2028"),
        # Hemelvaart 2025: Thu 29 May and the Friday after.
        (date(2025, 5, 28), 1, date(2025, 6, 2), "Wed before Ascension + 1 = Mon"),
        # Pinksteren 2025: Tweede Pinksterdag Mon 9 June.
        (date(2025, 6, 6), 1, date(2025, 6, 10), "Fri before Whit Monday + 1 = Tue"),
        # Christmas 2025 Thu 25 / Fri 26 Dec, New Year Thu 1 Jan 2026.
        (date(2025, 12, 24), 1, date(2025, 12, 29), "Christmas Eve + 1 = Mon 29 Dec"),
        (date(2025, 12, 24), 5, date(2026, 1, 5), "29, 30, 31 Dec, 2 Jan, 5 Jan"),
        # 5 mei 2025 is a Monday and a lustrum year.
        (date(2025, 5, 2), 1, date(2025, 5, 6), "Fri + 1 skips Bevrijdingsdag 2025"),
        (date(2025, 11, 21), 0, date(2025, 11, 21), "norm 0 is the day of receipt"),
    ],
)
def test_deadline_across_weekends_and_holidays(received: date, norm: int, due: date, why: str) -> None:
    assert calendar().add_working_days(received, norm) == due, why


def test_koningsdag_2025_is_the_26th_because_the_27th_is_a_sunday() -> None:
    koningsdagen = {h.day for h in HOLIDAYS if h.name == "Koningsdag"}
    assert date(2025, 4, 26) in koningsdagen
    assert date(2025, 4, 27) not in koningsdagen
    assert date(2026, 4, 27) in koningsdagen
    assert not calendar().is_working_day(date(2026, 4, 27))


def test_bevrijdingsdag_every_year_or_only_in_lustrum_years() -> None:
    # Mon 4 May 2026; 5 May 2026 is a Tuesday and 2026 is not a lustrum year.
    assert calendar().add_working_days(date(2026, 5, 4), 1) == date(2026, 5, 6)
    lustrum = calendar(bevrijdingsdag=BevrijdingsdagRule.LUSTRUM_ONLY)
    assert lustrum.add_working_days(date(2026, 5, 4), 1) == date(2026, 5, 5)
    assert lustrum.add_working_days(date(2025, 5, 2), 1) == date(2025, 5, 6)


def test_friday_after_ascension_can_be_left_out() -> None:
    without = calendar(friday_after_ascension=False)
    assert without.add_working_days(date(2025, 5, 28), 1) == date(2025, 5, 30)


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (datetime(2025, 11, 21, 16, 59), date(2025, 11, 24), "Fri before closing counts Friday"),
        (datetime(2025, 11, 21, 17, 0), date(2025, 11, 25), "Fri at closing counts as Monday"),
        (datetime(2025, 11, 22, 10, 0), date(2025, 11, 25), "Saturday counts as Monday"),
        (datetime(2025, 4, 21, 10, 0), date(2025, 4, 23), "Tweede Paasdag counts as Tuesday"),
        # 16:30 UTC is 17:30 in Amsterdam (CET): after closing.
        (datetime(2025, 11, 20, 16, 30, tzinfo=UTC), date(2025, 11, 24), "aware, winter time"),
        # 14:30 UTC is 16:30 CEST: before closing; 15:30 UTC is 17:30 CEST: after.
        (datetime(2025, 6, 12, 14, 30, tzinfo=UTC), date(2025, 6, 13), "aware, summer, before"),
        (datetime(2025, 6, 12, 15, 30, tzinfo=UTC), date(2025, 6, 16), "aware, summer, after"),
    ],
)
def test_after_closing_or_on_a_day_off_counting_starts_the_next_working_day(
    received: datetime, due: date, why: str
) -> None:
    assert calendar().add_working_days(received, 1) == due, why


def test_closing_time_is_per_location() -> None:
    early = calendar(closing_time=time(12, 30))
    assert early.add_working_days(datetime(2025, 11, 19, 13, 0), 1) == date(2025, 11, 21)


def test_outside_the_holiday_data_is_refused_not_guessed() -> None:
    with pytest.raises(WorkingDaysOutOfRange) as info:
        calendar().add_working_days(date(2030, 12, 31), 1)
    assert info.value.code == "kcc.working_days_out_of_range"
    with pytest.raises(WorkingDaysOutOfRange):
        calendar().add_working_days(date(2024, 12, 31), 0)


def test_negative_norm_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        calendar().add_working_days(date(2025, 11, 19), -1)


def test_bad_holiday_csv_names_the_line() -> None:
    with pytest.raises(HolidayDataInvalid, match="regel 3"):
        parse_holidays("datum,weekdag,naam,grondslag\n2025-01-01,wo,Nieuwjaarsdag,x\n2025-13-01,?,X,y\n")
    with pytest.raises(HolidayDataInvalid):
        parse_holidays("date,name\n")


@given(
    received=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 10, 31)),
    norm=st.integers(min_value=0, max_value=30),
)
def test_deadline_is_a_working_day_exactly_norm_working_days_after_receipt(received: datetime, norm: int) -> None:
    cal = calendar()
    receipt = cal.day_of_receipt(received)
    due = cal.add_working_days(received, norm)
    assert cal.is_working_day(receipt)
    assert receipt >= received.date()
    assert cal.is_working_day(due)
    between = [receipt + timedelta(days=i) for i in range(1, (due - receipt).days + 1)]
    assert sum(cal.is_working_day(day) for day in between) == norm
