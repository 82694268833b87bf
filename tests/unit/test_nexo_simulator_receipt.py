"""The simulator's card receipt shows the terminal's wall-clock time in the Netherlands, like a
real terminal on the desk: the same minute as the legesnota printed above it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.hardware.payment.nexo_parse import receipts
from app.hardware.payment.nexo_sim_responses import approved_payment


def customer_lines(moment: datetime) -> tuple[str, ...]:
    body = approved_payment({"TransactionID": "leges-1", "TimeStamp": ""}, 1200, "POI-1", "123456", moment)
    return receipts(body)[1]


# Reference: the Netherlands keeps CET (UTC+1) in winter and CEST (UTC+2) from the last Sunday
# of March to the last Sunday of October (EU directive 2000/84/EC).
@pytest.mark.parametrize(
    ("moment", "date_line", "time_line"),
    [
        (datetime(2026, 11, 23, 15, 41, 7, tzinfo=UTC), "Datum: 23-11-2026", "Tijd: 16:41:07"),
        (datetime(2026, 7, 1, 12, 0, 0, tzinfo=UTC), "Datum: 01-07-2026", "Tijd: 14:00:00"),
        (datetime(2026, 11, 23, 23, 30, 0, tzinfo=UTC), "Datum: 24-11-2026", "Tijd: 00:30:00"),
    ],
)
def test_receipt_prints_amsterdam_time(moment: datetime, date_line: str, time_line: str) -> None:
    lines = customer_lines(moment)
    assert date_line in lines
    assert time_line in lines
