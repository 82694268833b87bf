"""What a day closing tells the clerk about differences, in plain Dutch, with amounts as euros."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.core.payment.kas import DayClosing, KasLine, KasMethod
from app.core.payment.ports import TerminalTotals

AT = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def closing(card: tuple[int, int], terminal: tuple[int, int], cash: tuple[int, int]) -> DayClosing:
    return DayClosing(
        kas_id="balie 1",
        business_date=date(2026, 11, 23),
        period_start=AT,
        closed_at=AT,
        staff="jdevries",
        card_count=card[0],
        card_cents=card[1],
        terminal=TerminalTotals(terminal[0], terminal[1], "P7"),
        cash_expected_cents=cash[0],
        cash_counted_cents=cash[1],
        lines=(KasLine(KasMethod.CASH, cash[0], "Kopie", AT, "jdevries"),),
    )


def test_in_balance() -> None:
    result = closing((3, 23205), (3, 23205), (1500, 1500))
    assert result.in_balance
    assert result.explanation() == ("De kas klopt. Pin en contant zijn in balans.",)


def test_terminal_knows_of_a_payment_loket_does_not() -> None:
    result = closing((2, 15470), (3, 23205), (0, 0))
    assert result.card_difference_cents == 7735 and result.card_count_difference == 1
    assert result.explanation() == (
        "Pin: Loket telt 2 betalingen, samen € 154,70. De betaalautomaat telt 3 betalingen, samen € 232,05. "
        "Verschil: € 77,35.",
        "Meld het verschil bij uw teamleider.",
    )


def test_too_much_cash() -> None:
    result = closing((0, 0), (0, 0), (123456, 123956))
    assert result.cash_difference_cents == 500
    assert result.explanation() == (
        "Contant: verwacht € 1.234,56, geteld € 1.239,56. Er zit € 5,00 te veel in de kas.",
    )


def test_same_total_but_a_different_count_is_still_a_difference() -> None:
    result = closing((2, 2000), (1, 2000), (0, 0))
    assert not result.in_balance
    assert result.explanation()[0].endswith("Verschil: € 0,00.")
