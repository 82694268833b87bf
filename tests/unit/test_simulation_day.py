"""The simulated day looks like a day at the city hall: opening hours, peaks, product minutes."""

from __future__ import annotations

from statistics import mean

import pytest

from app.simulation.day import (
    CLOSING_MINUTES,
    OPENING_MINUTES,
    PRODUCTS_CSV,
    ROSTER,
    Product,
    parse_products,
    plan_day,
)


@pytest.fixture(scope="module")
def products() -> tuple[Product, ...]:
    return parse_products(PRODUCTS_CSV.read_text(encoding="utf-8"))


def test_the_seed_decides_the_day(products: tuple[Product, ...]) -> None:
    assert plan_day(7, 250, products) == plan_day(7, 250, products)
    assert plan_day(7, 250, products) != plan_day(8, 250, products)


def test_visitors_come_during_opening_hours_with_a_morning_peak_and_a_lunch_dip(products: tuple[Product, ...]) -> None:
    day = plan_day(1, 2000, products)
    moments = [v.arrives for v in day.visitors]
    assert len(moments) == 2000 and moments == sorted(moments)
    assert moments[0] >= OPENING_MINUTES and moments[-1] < CLOSING_MINUTES

    def count(start: float, end: float) -> int:
        return sum(1 for m in moments if start * 60 <= m < end * 60)

    # Curve weights: 10:00-11:00 3.3 of 18.0, 12:30-13:30 1.3 of 18.0 (expected 367 and 144).
    assert count(10, 11) > 2 * count(12.5, 13.5)
    assert count(14, 15) > count(12.5, 13.5)  # the smaller afternoon peak


def test_desk_minutes_follow_the_product_catalogue(products: tuple[Product, ...]) -> None:
    day = plan_day(1, 4000, products)
    # Passport 12' (share 0.16) and ID card 10' (0.14) make reisdocumenten 11.07' on average.
    assert day.default_minutes("REISDOC") == pytest.approx((0.16 * 12 + 0.14 * 10) / 0.30)
    assert day.default_minutes("AFHALEN") == 5.0
    passports = [v.desk_minutes for v in day.visitors if v.product_code == "PASPOORT"]
    assert mean(passports) == pytest.approx(12, rel=0.1)
    no_shows = sum(v.no_show for v in day.visitors) / len(day.visitors)
    assert 0.04 < no_shows < 0.06


def test_every_dienst_has_a_desk_all_day() -> None:
    all_day = [d for d in ROSTER if d.opens <= OPENING_MINUTES and d.closes is None]
    for code in ("REISDOC", "RIJBEWIJS", "BURGERZAKEN", "AFHALEN"):
        assert any(code in d.service_codes for d in all_day), code
