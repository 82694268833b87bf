"""The desk's kas on SQLite and PostgreSQL: card lines from the journal, cash lines from the
clerk, and a day closing that reconciles both with the terminal and the counted cash."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.clock import FakeClock
from app.core.payment.kas import DayAlreadyClosed, KasMethod, KasService, PaymentStillOpen
from app.core.payment.service import PaymentService
from app.core.payment.state import PaymentState
from app.core.staff import Actor, PermissionDenied, Role
from app.store.database import Database
from app.store.payment_repository import SqlKasStore, SqlPaymentJournal
from tests.unit.test_payment_service_support import WatchedTerminal

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CLERK = Actor(staff_id=7, username="jdevries", display_name="Jan de Vries", roles=frozenset({Role.BALIEMEDEWERKER}))
LEAD = Actor(staff_id=8, username="abakker", display_name="Anna Bakker", roles=frozenset({Role.TEAMLEIDER}))
HOST = Actor(staff_id=9, username="gast", display_name="Gast", roles=frozenset({Role.GASTHEER}))


class Kas:
    def __init__(self, database: Database) -> None:
        self.clock = FakeClock(START)
        self.journal = SqlPaymentJournal(database, self.clock)
        self.terminal = WatchedTerminal(self.journal)
        self.payments = PaymentService(
            self.terminal, self.journal, self.clock, workstation="balie 2", status_retry_seconds=0
        )
        self.kas = KasService(self.journal, SqlKasStore(database), self.terminal, self.clock, "balie 2")

    def card(self, amount: int, *, lost: bool = False, status: list[str] | None = None) -> str:
        """A card payment; the terminal plays the amount's cents (x,91 declines)."""
        self.terminal.lose_next_request = lost
        self.terminal.status_script = list(status or [])
        order = self.payments.create_order(CLERK, amount, "Paspoort")
        self.clock.advance(60)
        self.payments.pay(order.order_id, lambda _update: None)
        self.clock.advance(60)
        return order.order_id


def test_a_day_in_balance(database: Database) -> None:
    kas = Kas(database)
    kas.card(7735)
    kas.card(3991)  # declined
    kas.kas.record_cash(CLERK, 1500, "Uittreksel BRP")
    kas.clock.advance(60)
    kas.kas.record_cash(CLERK, 750, "Kopie")
    kas.clock.advance(60)

    lines = kas.kas.lines()
    assert [(line.method, line.amount_cents) for line in lines] == [
        (KasMethod.CARD, 7735),
        (KasMethod.CASH, 1500),
        (KasMethod.CASH, 750),
    ]
    closing = kas.kas.close_day(CLERK, counted_cash_cents=2250)

    assert (closing.card_count, closing.card_cents) == (1, 7735)
    assert (closing.terminal.approved_count, closing.terminal.approved_cents) == (1, 7735)
    assert (closing.cash_expected_cents, closing.cash_counted_cents) == (2250, 2250)
    assert closing.in_balance
    assert closing.explanation() == ("De kas klopt. Pin en contant zijn in balans.",)
    assert closing.business_date == date(2026, 11, 23)
    with pytest.raises(DayAlreadyClosed):
        kas.kas.close_day(CLERK, counted_cash_cents=2250)
    assert kas.kas.lines() == []  # a new period starts after the closing


def test_differences_are_shown_in_plain_dutch(database: Database) -> None:
    kas = Kas(database)
    # The request never reached the terminal and no status query was answered; a team lead saw a
    # receipt and recorded "paid" — but it was another citizen's receipt. The closing must show it.
    lost = kas.card(2000, lost=True, status=["unanswered"] * 3)
    kas.payments.resolve_by_operator(LEAD, lost, paid=True)
    kas.card(7735)
    kas.kas.record_cash(CLERK, 1500, "Uittreksel BRP")

    closing = kas.kas.close_day(CLERK, counted_cash_cents=1000)

    assert (closing.card_count, closing.card_cents) == (2, 9735)
    assert closing.card_difference_cents == -2000
    assert closing.cash_difference_cents == -500
    assert not closing.in_balance
    assert closing.explanation() == (
        "Pin: Loket telt 2 betalingen, samen € 97,35. De betaalautomaat telt 1 betalingen, samen € 77,35. "
        "Verschil: -€ 20,00.",
        "1 pinbetaling(en) zijn door een medewerker als betaald vastgelegd. "
        "Kijk op de bon of in het overzicht van de betaalautomaat of dat klopt.",
        "Meld het verschil bij uw teamleider.",
        "Contant: verwacht € 15,00, geteld € 10,00. Er zit € 5,00 te weinig in de kas.",
    )


def test_no_closing_while_an_outcome_is_open_or_by_someone_without_the_right(database: Database) -> None:
    kas = Kas(database)
    open_order = kas.card(2000, lost=True, status=["unanswered"] * 3)
    assert kas.journal.load(open_order).current.state is PaymentState.NEEDS_OPERATOR  # type: ignore[union-attr]
    with pytest.raises(PaymentStillOpen, match="zonder uitkomst"):
        kas.kas.close_day(CLERK, 0)
    with pytest.raises(PermissionDenied):
        kas.kas.close_day(HOST, 0)
    kas.payments.resolve_by_operator(LEAD, open_order, paid=False)
    assert kas.kas.close_day(CLERK, 0).in_balance


def test_a_day_left_open_is_part_of_the_next_closing(database: Database) -> None:
    kas = Kas(database)
    kas.card(1000)
    kas.kas.record_cash(CLERK, 500, "Kopie")
    kas.clock.advance(timedelta(days=1))
    kas.card(2000)
    closing = kas.kas.close_day(CLERK, counted_cash_cents=500)
    assert closing.business_date == date(2026, 11, 24)
    assert (closing.card_count, closing.card_cents, closing.terminal.approved_cents) == (2, 3000, 3000)
    assert closing.in_balance
    # The next morning's line belongs to the next period only.
    kas.clock.advance(timedelta(hours=20))
    kas.kas.record_cash(CLERK, 250, "Kopie")
    assert [line.amount_cents for line in kas.kas.lines()] == [250]
    assert kas.kas.close_day(CLERK, 250).business_date == date(2026, 11, 25)


def test_the_business_date_is_the_date_in_amsterdam(database: Database) -> None:
    kas = Kas(database)
    kas.clock.set(datetime(2026, 11, 23, 23, 30, tzinfo=UTC))  # 00:30 on Tuesday in Amsterdam
    assert kas.kas.close_day(CLERK, 0).business_date == date(2026, 11, 24)
