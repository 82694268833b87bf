"""Start-up recovery: every attempt the journal holds as open is asked about at the terminal and
ends at its true outcome; what nobody can decide waits for a person."""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, datetime

from app.core.clock import FakeClock
from app.core.errors import DatabaseUnavailable
from app.core.payment.journal import MemoryPaymentJournal, OrderInfo
from app.core.payment.order import PaymentOrder, apply, start_attempt
from app.core.payment.ports import OutcomeUnknown, PaymentRequest, TerminalResult
from app.core.payment.service import PaymentService
from app.core.payment.state import Journalled, PaymentState, ResponseMissing, StatusQuerySent
from app.hardware.payment.scenarios import Scenario
from tests.unit.test_payment_service_support import POI_ID, WatchedTerminal, cents

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
INFO = OrderInfo("Rijbewijs", "balie 1", "jdevries")


class Restart:
    """A journal and terminal that outlive the program; a fresh service is the restarted program."""

    def __init__(self) -> None:
        self.clock = FakeClock(START)
        self.journal = MemoryPaymentJournal(self.clock)
        self.terminal = WatchedTerminal(self.journal)

    def journalled(self, order_id: str, service_id: str, scenario: Scenario = Scenario.APPROVE) -> PaymentOrder:
        order = start_attempt(PaymentOrder(order_id, POI_ID, cents(scenario)), f"{order_id}-a")
        order = apply(order, Journalled(service_id))
        self.journal.create(order, INFO)
        return order

    def request(self, order: PaymentOrder) -> PaymentRequest:
        assert order.current is not None and order.current.service_id is not None
        return PaymentRequest(order.current.service_id, order.current.attempt_id, order.amount_cents)

    def sent_before_the_crash(self, order: PaymentOrder) -> None:
        """The dead program sent the request; whatever came back, it never journalled it."""
        with contextlib.suppress(OutcomeUnknown):
            self.terminal.pay(self.request(order), lambda _text: None)

    def restarted_service(self) -> PaymentService:
        return PaymentService(self.terminal, self.journal, self.clock, status_retry_seconds=0)


def states(orders: list[PaymentOrder]) -> dict[str, PaymentState]:
    return {o.order_id: o.current.state for o in orders if o.current is not None}


def test_each_open_attempt_ends_at_what_the_terminal_did() -> None:
    world = Restart()
    world.journalled("never", "N1")  # journalled SENT, the program died before sending
    paid = world.journalled("paid", "P1")
    world.sent_before_the_crash(paid)
    dropped = world.journalled("dropped", "D1", Scenario.APPROVE_THEN_DROP)
    world.sent_before_the_crash(dropped)
    refused = world.journalled("refused", "R1", Scenario.DECLINE)
    world.sent_before_the_crash(refused)
    # This one had its answer missing and a status query journalled when the program died.
    asked = world.journalled("asked", "Q1")
    world.sent_before_the_crash(asked)
    world.journal.record(apply(apply(asked, ResponseMissing()), StatusQuerySent("Q2")))

    recovered = world.restarted_service().recover_open()

    assert states(recovered) == {
        "never": PaymentState.ABORTED,
        "paid": PaymentState.APPROVED,
        "dropped": PaymentState.APPROVED,
        "refused": PaymentState.DECLINED,
        "asked": PaymentState.APPROVED,
    }
    assert world.journal.open_orders() == []
    assert world.terminal.seen_unjournalled == []
    # Nothing was paid again: the terminal saw each payment request once, from before the crash.
    assert sorted(r.service_id for r in world.terminal.requests) == ["D1", "P1", "Q1", "R1"]


def test_a_payment_still_running_after_the_restart_is_aborted_and_then_asked_again() -> None:
    world = Restart()
    order = world.journalled("hangs", "H1", Scenario.HANG_UNTIL_ABORTED)
    # The dead program's request still hangs at the terminal, waiting for a card.
    dead = threading.Thread(target=world.sent_before_the_crash, args=(order,))
    dead.start()
    assert world.terminal.wait_until_hanging()

    (recovered,) = world.restarted_service().recover_open()
    dead.join(10)

    # Nobody waits at the terminal for it any more: stop it, and journal what the terminal says.
    assert [payment for payment, _abort in world.terminal.aborts] == ["H1"]
    assert recovered.current is not None and recovered.current.state is PaymentState.ABORTED
    assert world.journal.open_orders() == []


def test_what_cannot_be_decided_waits_for_a_person_after_the_restart() -> None:
    world = Restart()
    world.journalled("mute", "M1")
    world.terminal.status_script = ["unanswered"] * 3
    (recovered,) = world.restarted_service().recover_open()
    assert recovered.current is not None and recovered.current.state is PaymentState.NEEDS_OPERATOR
    assert [o.order_id for o in world.journal.open_orders()] == ["mute"]
    # A second start-up does not ask again about what only a person can decide.
    world.restarted_service().recover_open()
    assert len(world.terminal.status_queries) == 3


def test_idle_orders_and_other_terminals_are_left_alone() -> None:
    world = Restart()
    world.journal.create(start_attempt(PaymentOrder("idle", POI_ID, 100), "idle-a"), INFO)
    other = apply(start_attempt(PaymentOrder("other", "P400-OTHER", 100), "other-a"), Journalled("O1"))
    world.journal.create(other, INFO)
    assert world.restarted_service().recover_open() == []
    assert world.terminal.status_queries == []


class FlakyJournal(MemoryPaymentJournal):
    """The database refuses writes for one order (as if its rows were locked or the link dropped)."""

    broken: frozenset[str] = frozenset()

    def record(self, order: PaymentOrder, result: TerminalResult | None = None) -> None:
        if order.order_id in self.broken:
            raise DatabaseUnavailable("De database is niet bereikbaar")
        super().record(order, result)


def test_one_order_that_cannot_be_settled_does_not_stop_the_others() -> None:
    world = Restart()
    journal = FlakyJournal(world.clock)
    world.journal = journal
    world.terminal = WatchedTerminal(journal)
    for order_id in ("early", "stuck", "zlate"):
        order = start_attempt(PaymentOrder(order_id, POI_ID, cents(Scenario.APPROVE)), f"{order_id}-a")
        world.journal.create(order, INFO)
        world.journal.record(apply(order, Journalled(f"{order_id[:4].upper()}1")))
    journal.broken = frozenset({"stuck"})

    recovered = world.restarted_service().recover_open()

    assert states(recovered) == {"early": PaymentState.ABORTED, "zlate": PaymentState.ABORTED}
    assert [o.order_id for o in world.journal.open_orders()] == ["stuck"]
