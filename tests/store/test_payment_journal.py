"""The payment journal on SQLite and PostgreSQL: what is recorded comes back, open outcomes are
found after a restart, and a ServiceID is never taken twice for one terminal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.clock import FakeClock
from app.core.errors import NotFound
from app.core.payment.errors import ServiceIdInvalid
from app.core.payment.journal import JournalConflict, OrderExists, OrderInfo
from app.core.payment.order import PaymentOrder, apply, start_attempt
from app.core.payment.ports import TerminalResult
from app.core.payment.service_id import UsedServiceId
from app.core.payment.state import (
    Journalled,
    Outcome,
    PaymentState,
    ResponseMissing,
    ResultReceived,
    StatusQuerySent,
    StatusUnanswered,
)
from app.store.database import Database
from app.store.payment_repository import SqlPaymentJournal

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
INFO = OrderInfo(description="Paspoort", workstation="balie 3", operator="jdevries")


def new_order(order_id: str = "o1", poi_id: str = "P400-1", amount: int = 7735) -> PaymentOrder:
    return start_attempt(PaymentOrder(order_id=order_id, poi_id=poi_id, amount_cents=amount), f"{order_id}-a1")


def approved_result(service_id: str) -> TerminalResult:
    return TerminalResult(
        outcome=Outcome.APPROVED,
        service_id=service_id,
        amount_cents=7735,
        approval_code="123456",
        masked_pan="**** 1234",
        card_brand="maestro",
        terminal_reference="T-99",
        cardholder_receipt=("Betaling", "Akkoord"),
    )


def test_record_and_load_round_trip(database: Database) -> None:
    clock = FakeClock(START)
    journal = SqlPaymentJournal(database, clock)
    order = new_order()
    journal.create(order, INFO)
    assert journal.load("o1") == order

    clock.advance(5)
    order = apply(order, Journalled("Pay1"))
    journal.record(order)
    assert journal.load("o1").current is not None
    assert journal.load("o1") == order

    clock.advance(20)
    order = apply(order, ResultReceived(Outcome.APPROVED))
    journal.record(order, approved_result("Pay1"))
    assert journal.load("o1") == order
    (entry,) = journal.entries("o1")
    assert entry.state is PaymentState.APPROVED
    assert entry.service_id == "Pay1"
    assert entry.approval_code == "123456"
    assert entry.masked_pan == "**** 1234"
    assert entry.cardholder_receipt == ("Betaling", "Akkoord")
    assert (entry.description, entry.workstation, entry.operator) == ("Paspoort", "balie 3", "jdevries")
    assert entry.created_at == START
    assert entry.updated_at == START + timedelta(seconds=25)
    assert journal.info("o1") == INFO


def test_unknown_order_is_not_found(database: Database) -> None:
    with pytest.raises(NotFound):
        SqlPaymentJournal(database).load("nope")


def test_an_order_id_is_created_once(database: Database) -> None:
    journal = SqlPaymentJournal(database)
    journal.create(new_order(), INFO)
    with pytest.raises(OrderExists):
        journal.create(new_order(), INFO)


def test_open_orders_are_the_ones_whose_money_may_have_moved(database: Database) -> None:
    journal = SqlPaymentJournal(database, FakeClock(START))
    idle = new_order("idle")
    sent = apply(new_order("sent"), Journalled("S1"))
    unknown = apply(apply(apply(new_order("rec"), Journalled("R1")), ResponseMissing()), StatusQuerySent("R2"))
    done = apply(apply(new_order("done"), Journalled("D1")), ResultReceived(Outcome.DECLINED))
    elsewhere = apply(new_order("other", poi_id="P400-2"), Journalled("X1"))
    for order in (idle, sent, unknown, done, elsewhere):
        journal.create(order, INFO)

    assert [o.order_id for o in journal.open_orders("P400-1")] == ["rec", "sent"]
    assert [o.order_id for o in journal.open_orders()] == ["other", "rec", "sent"]
    recovering = journal.open_orders("P400-1")[0]
    assert recovering.current is not None and recovering.current.status_service_ids == ("R2",)

    unknown = apply(unknown, StatusUnanswered())
    journal.record(unknown)
    assert journal.load("rec").current is not None
    assert journal.load("rec").current.unanswered_status_queries == 1  # type: ignore[union-attr]


def test_a_service_id_is_never_taken_twice_for_one_terminal(database: Database) -> None:
    clock = FakeClock(START)
    journal = SqlPaymentJournal(database, clock)
    first = apply(new_order("o1"), Journalled("Same1"))
    journal.create(first, INFO)
    second = new_order("o2")
    journal.create(second, INFO)
    with pytest.raises(ServiceIdInvalid):
        journal.record(apply(second, Journalled("Same1")))
    # Nothing of the refused write is left: the order is still idle and may take another id.
    assert journal.load("o2") == second
    with pytest.raises(ServiceIdInvalid):
        journal.reserve_service_id(UsedServiceId("P400-1", "Same1", clock.now()), "o2", "abort")
    # Another terminal has its own ids.
    journal.create(apply(new_order("o3", poi_id="P400-2"), Journalled("Same1")), INFO)

    used = journal.used_service_ids("P400-1", START - timedelta(hours=48))
    assert [(u.service_id, u.used_at) for u in used] == [("Same1", START)]
    assert journal.used_service_ids("P400-1", START + timedelta(seconds=1)) == []


def test_approved_between_uses_the_time_of_approval(database: Database) -> None:
    clock = FakeClock(START)
    journal = SqlPaymentJournal(database, clock)
    order = apply(new_order("o1"), Journalled("A1"))
    journal.create(order, INFO)
    clock.advance(timedelta(hours=1))
    journal.record(apply(order, ResultReceived(Outcome.APPROVED)), approved_result("A1"))
    declined = apply(new_order("o2"), Journalled("B1"))
    journal.create(apply(declined, ResultReceived(Outcome.DECLINED)), INFO)

    hits = journal.approved_between(START + timedelta(minutes=30), START + timedelta(hours=2), "P400-1")
    assert [(e.order_id, e.amount_cents) for e in hits] == [("o1", 7735)]
    assert journal.approved_between(START, START + timedelta(minutes=30)) == []
    assert journal.approved_between(START, START + timedelta(hours=2), "P400-2") == []


def test_a_write_from_an_outdated_copy_is_refused(database: Database) -> None:
    """Two programs paying one order: the second cannot overwrite the first one's journalled id."""
    journal = SqlPaymentJournal(database, FakeClock(START))
    idle = new_order()
    journal.create(idle, INFO)
    here = apply(idle, Journalled("Here1"))
    journal.record(here)
    with pytest.raises(JournalConflict):
        journal.record(apply(idle, Journalled("There1")))
    declined = apply(here, ResultReceived(Outcome.DECLINED))
    journal.record(declined)
    with pytest.raises(JournalConflict):
        journal.record(apply(apply(here, ResponseMissing()), StatusQuerySent("Late1")))
    # A new attempt made elsewhere meanwhile is not lost either.
    elsewhere = start_attempt(declined, "o1-a2")
    journal.record(elsewhere)
    with pytest.raises(JournalConflict):
        journal.record(start_attempt(declined, "o1-other"))
    assert journal.load("o1") == elsewhere
    assert {u.service_id for u in journal.used_service_ids("P400-1", START)} == {"Here1"}
