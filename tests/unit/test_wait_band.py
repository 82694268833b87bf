"""The waiting time on the ticket is a band on a 5-minute grid that widens with the estimate."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.queue.estimate import naive_estimate, wait_band


@pytest.mark.parametrize(
    ("minutes", "band"),
    [
        (0.0, (0, 5)),
        (3.9, (0, 5)),
        (4.0, (0, 5)),  # 3.2 .. 4.8
        (7.0, (5, 10)),  # 5.6 .. 8.4
        (10.0, (5, 15)),  # 8 .. 12
        (15.0, (10, 20)),  # 12 .. 18
        (20.0, (15, 25)),  # 16 .. 24
        (27.0, (20, 35)),  # 21.6 .. 32.4
        (50.0, (40, 60)),  # 40 .. 60
        (90.0, (70, 110)),  # 72 .. 108
    ],
)
def test_band_examples(minutes: float, band: tuple[int, int]) -> None:
    assert wait_band(minutes) == band


@given(st.floats(min_value=0, max_value=600, allow_nan=False))
def test_band_contains_the_estimate_on_a_five_minute_grid(minutes: float) -> None:
    low, high = wait_band(minutes)
    assert low <= minutes <= high
    assert low % 5 == 0 and high % 5 == 0
    assert high - low >= 5
    assert low >= 0


@given(st.floats(min_value=0, max_value=600, allow_nan=False), st.floats(min_value=0, max_value=600, allow_nan=False))
def test_a_longer_estimate_never_shows_a_lower_band(a: float, b: float) -> None:
    shorter, longer = sorted((a, b))
    (low_s, high_s), (low_l, high_l) = wait_band(shorter), wait_band(longer)
    assert low_s <= low_l and high_s <= high_l


def test_naive_baseline() -> None:
    assert naive_estimate(6, 8.0, 3) == 16.0
    assert naive_estimate(6, 8.0, 0) == 48.0  # no desk open: counted as one, never a division by zero
