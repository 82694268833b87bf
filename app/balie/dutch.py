"""Dates and durations the way the desk says them (B1): "di 2 december", "over 5 maanden"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.core.clock import Clock

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def local_now(clock: Clock) -> datetime:
    return clock.now().astimezone(AMSTERDAM)


def local_today(clock: Clock) -> date:
    return local_now(clock).date()


def short_date(day: date) -> str:
    """'di 2 december'."""
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def long_date(day: date) -> str:
    """'2 december 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def time_text(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%H:%M")
