"""The payment use case: journalled before sending, every outcome ends where the terminal says,
unknown outcomes are recovered by status query or decided by a person, and nothing is ever paid
twice by itself."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from app.core.clock import FakeClock
from app.core.payment.errors import NewAttemptRefused, ServiceIdInvalid
from app.core.payment.journal import MemoryPaymentJournal
from app.core.payment.order import PaymentOrder
from app.core.payment.service import (
    AmountInvalid,
    PaymentActive,
    PaymentService,
    PaymentUpdate,
    kiosk_actor,
)
from app.core.payment.service_id import ServiceIdAllocator
from app.core.payment.state import MAX_UNANSWERED_STATUS_QUERIES, PaymentState
from app.core.payment.texts import reason_text, text_for
from app.core.staff import Actor, Permission, PermissionDenied, Role
from app.hardware.payment.fake import FakeTerminal
from app.hardware.payment.scenarios import Scenario
from tests.unit.test_payment_service_support import POI_ID, WatchedTerminal, cents

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CLERK = Actor(staff_id=7, username="jdevries", display_name="Jan de Vries", roles=frozenset({Role.BALIEMEDEWERKER}))
LEAD = Actor(staff_id=8, username="abakker", display_name="Anna Bakker", roles=frozenset({Role.TEAMLEIDER}))
HOST = Actor(staff_id=9, username="gast", display_name="Gast", roles=frozenset({Role.GASTHEER}))


class Desk:
    def __init__(self) -> None:
        self.clock = FakeClock(START)
        self.journal = MemoryPaymentJournal(self.clock)
        self.terminal = WatchedTerminal(self.journal)
        self.service = PaymentService(
            self.terminal, self.journal, self.clock, workstation="balie 3", status_retry_seconds=0
        )
        self.updates: list[PaymentUpdate] = []

    def order(self, scenario: Scenario = Scenario.APPROVE) -> PaymentOrder:
        return self.service.create_order(CLERK, cents(scenario), "Paspoort")

    def pay(self, order: PaymentOrder) -> PaymentOrder:
        return self.service.pay(order.order_id, self.updates.append)

    def states(self) -> list[PaymentState]:
        return [u.state for u in self.updates]

    def assert_write_ahead(self) -> None:
        assert self.terminal.seen_unjournalled == [], "an id reached the terminal before the journal"


def current_state(order: PaymentOrder) -> PaymentState:
    assert order.current is not None
    return order.current.state


@pytest.fixture
def desk() -> Desk:
    return Desk()


def test_approved_payment_is_journalled_with_its_receipt(desk: Desk) -> None:
    order = desk.pay(desk.order())
    assert current_state(order) is PaymentState.APPROVED
    states = desk.states()
    assert states[0] is PaymentState.SENT and states[-1] is PaymentState.APPROVED
    assert set(states[1:-1]) == {PaymentState.IN_PROGRESS}
    # What the terminal showed reaches the screen, in order.
    assert [u.display_text for u in desk.updates[1:-1]] == desk.terminal.displayed
    (entry,) = desk.journal.entries(order.order_id)
    assert entry.state is PaymentState.APPROVED
    assert entry.service_id is not None
    # The receipt and approval code are the terminal's own (as it still reports them itself).
    own = FakeTerminal.transaction_status(desk.terminal, entry.service_id, "Check1").payment
    assert own is not None and own.cardholder_receipt
    assert (entry.approval_code, entry.cardholder_receipt) == (own.approval_code, own.cardholder_receipt)
    assert (entry.masked_pan, entry.card_brand) == (own.masked_pan, own.card_brand)
    assert (entry.description, entry.workstation, entry.operator) == ("Paspoort", "balie 3", "jdevries")
    (request,) = desk.terminal.requests
    assert request.amount_cents == 7700 and request.operator_id == "jdevries"
    assert request.service_id == entry.service_id
    desk.assert_write_ahead()
    assert desk.journal.open_orders() == []
    with pytest.raises(NewAttemptRefused):
        desk.service.new_attempt(CLERK, order.order_id)  # already paid


def test_declined_is_never_retried_by_itself_and_a_new_attempt_gets_new_ids(desk: Desk) -> None:
    order = desk.pay(desk.order(Scenario.DECLINE))
    assert current_state(order) is PaymentState.DECLINED
    with pytest.raises(PaymentActive):
        desk.pay(order)
    assert len(desk.terminal.requests) == 1
    desk.service.new_attempt(CLERK, order.order_id)  # the clerk asks the citizen and tries again
    order = desk.pay(order)
    assert [a.state for a in order.attempts] == [PaymentState.DECLINED, PaymentState.DECLINED]
    first, second = desk.terminal.requests
    assert first.service_id != second.service_id
    assert first.transaction_reference != second.transaction_reference
    desk.assert_write_ahead()


def test_citizen_cancels_on_the_terminal(desk: Desk) -> None:
    order = desk.pay(desk.order(Scenario.CITIZEN_CANCELS))
    assert current_state(order) is PaymentState.ABORTED
    assert "niets afgeschreven" in text_for(PaymentState.ABORTED).desk


def test_busy_terminal_charges_nothing_and_says_why(desk: Desk) -> None:
    order = desk.pay(desk.order(Scenario.BUSY))
    assert current_state(order) is PaymentState.ABORTED
    assert desk.updates[-1].reason == "busy"
    assert reason_text("busy") == (
        "De betaalautomaat is bezig met een andere betaling. Er is niets afgeschreven. Probeer het zo nog een keer."
    )
    assert desk.journal.entries(order.order_id)[0].reason == "busy"
    assert desk.terminal.status_queries == []
    desk.service.new_attempt(CLERK, order.order_id)  # a person may try again


def test_unreachable_terminal_charges_nothing_and_says_why(desk: Desk) -> None:
    desk.terminal.unreachable = True
    order = desk.pay(desk.order())
    assert current_state(order) is PaymentState.ABORTED
    assert desk.updates[-1].reason == "unreachable"
    assert desk.terminal.requests == []


@pytest.mark.parametrize("scenario", [Scenario.APPROVE_THEN_DROP, Scenario.APPROVE_GARBLED])
def test_a_lost_answer_is_recovered_by_a_status_query_that_finds_the_approval(desk: Desk, scenario: Scenario) -> None:
    order = desk.pay(desk.order(scenario))
    assert current_state(order) is PaymentState.APPROVED
    assert desk.states()[-3:] == [PaymentState.UNKNOWN, PaymentState.RECOVERING, PaymentState.APPROVED]
    ((payment_sid, status_sid),) = desk.terminal.status_queries
    assert payment_sid == desk.terminal.requests[0].service_id != status_sid
    entry = desk.journal.entries(order.order_id)[0]
    assert entry.status_service_ids == (status_sid,)
    assert entry.approval_code and entry.cardholder_receipt  # the receipt comes from the status answer
    assert len(desk.terminal.requests) == 1  # never sent twice
    desk.assert_write_ahead()


def test_a_driver_failing_after_sending_is_treated_as_an_unknown_outcome(desk: Desk) -> None:
    desk.terminal.crash_after_charge = True
    order = desk.pay(desk.order())
    assert current_state(order) is PaymentState.APPROVED  # found by the status query
    assert PaymentState.UNKNOWN in desk.states()
    assert len(desk.terminal.requests) == 1


def test_a_request_lost_on_the_way_is_found_missing_and_ends_aborted(desk: Desk) -> None:
    desk.terminal.lose_next_request = True
    order = desk.pay(desk.order())
    assert current_state(order) is PaymentState.ABORTED
    assert len(desk.terminal.status_queries) == 1


def test_still_in_progress_is_asked_again_each_time_with_a_new_id(desk: Desk) -> None:
    desk.terminal.status_script = ["in_progress", "unanswered", "in_progress"]
    order = desk.pay(desk.order(Scenario.APPROVE_THEN_DROP))
    assert current_state(order) is PaymentState.APPROVED
    ids = [status for _payment, status in desk.terminal.status_queries]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert order.current is not None and order.current.status_service_ids == tuple(ids)
    desk.assert_write_ahead()


def test_three_unanswered_status_queries_go_to_a_person_who_decides(desk: Desk) -> None:
    desk.terminal.status_script = ["unanswered"] * MAX_UNANSWERED_STATUS_QUERIES
    order = desk.pay(desk.order(Scenario.APPROVE_THEN_DROP))
    assert current_state(order) is PaymentState.NEEDS_OPERATOR
    assert len(desk.terminal.status_queries) == MAX_UNANSWERED_STATUS_QUERIES
    assert "Start geen nieuwe betaling" in text_for(PaymentState.NEEDS_OPERATOR).desk
    with pytest.raises(NewAttemptRefused):
        desk.service.new_attempt(CLERK, order.order_id)
    assert [o.order_id for o in desk.journal.open_orders()] == [order.order_id]
    with pytest.raises(PermissionDenied):
        desk.service.resolve_by_operator(CLERK, order.order_id, paid=True)
    order = desk.service.resolve_by_operator(LEAD, order.order_id, paid=True)
    assert current_state(order) is PaymentState.APPROVED
    assert desk.journal.entries(order.order_id)[0].decided_by == "abakker"
    assert desk.journal.open_orders() == []
    assert len(desk.terminal.requests) == 1


def test_an_undecidable_status_answer_goes_to_a_person(desk: Desk) -> None:
    desk.terminal.lose_next_request = True
    desk.terminal.status_script = ["undecidable"]
    order = desk.pay(desk.order())
    assert current_state(order) is PaymentState.NEEDS_OPERATOR
    order = desk.service.resolve_by_operator(LEAD, order.order_id, paid=False)
    assert current_state(order) is PaymentState.DECLINED
    desk.service.new_attempt(CLERK, order.order_id)  # now a new attempt is safe


def pay_in_background(desk: Desk, order: PaymentOrder) -> tuple[threading.Thread, list[PaymentOrder]]:
    results: list[PaymentOrder] = []
    worker = threading.Thread(target=lambda: results.append(desk.pay(order)))
    worker.start()
    assert desk.terminal.wait_until_hanging()
    return worker, results


def test_abort_from_another_thread_stops_a_hanging_payment(desk: Desk) -> None:
    order = desk.order(Scenario.HANG_UNTIL_ABORTED)
    worker, results = pay_in_background(desk, order)
    desk.service.abort(order.order_id)
    worker.join(10)
    assert current_state(results[0]) is PaymentState.ABORTED
    ((payment_sid, abort_sid),) = desk.terminal.aborts
    assert payment_sid == desk.terminal.requests[0].service_id != abort_sid
    desk.assert_write_ahead()
    # The abort's id is held too: no later request may reuse it.
    assert abort_sid in {u.service_id for u in desk.journal.used_service_ids(POI_ID, START)}


def test_abort_before_sending_never_reaches_the_terminal(desk: Desk) -> None:
    order = desk.order()

    def on_update(update: PaymentUpdate) -> None:
        desk.updates.append(update)
        if update.state is PaymentState.SENT:
            desk.service.abort(order.order_id)  # the clerk presses stop at this very moment

    result = desk.service.pay(order.order_id, on_update)
    assert current_state(result) is PaymentState.ABORTED
    assert desk.terminal.requests == []


def test_abort_of_an_order_not_being_paid_does_nothing(desk: Desk) -> None:
    order = desk.pay(desk.order())
    desk.service.abort(order.order_id)
    assert desk.terminal.aborts == []
    assert current_state(desk.journal.load(order.order_id)) is PaymentState.APPROVED


def test_a_clashing_service_id_is_replaced_before_anything_is_sent(desk: Desk) -> None:
    first = desk.pay(desk.order())
    assert first.current is not None and first.current.service_id is not None
    taken = first.current.service_id
    tokens = iter([taken, "Fresh00001"])
    allocator = ServiceIdAllocator(desk.clock, token=lambda: next(tokens))
    desk.service = PaymentService(desk.terminal, desk.journal, desk.clock, allocator)
    second = desk.pay(desk.order())
    assert second.current is not None and second.current.service_id == "Fresh00001"
    assert [r.service_id for r in desk.terminal.requests] == [taken, "Fresh00001"]


def test_allocator_that_only_finds_taken_ids_stops_before_sending(desk: Desk) -> None:
    first = desk.pay(desk.order())
    assert first.current is not None and first.current.service_id is not None
    taken = first.current.service_id
    # The allocator does not see the journal's ids (a second PC took it a moment ago).
    allocator = ServiceIdAllocator(desk.clock, token=lambda: taken)
    service = PaymentService(desk.terminal, desk.journal, desk.clock, allocator)
    with pytest.raises(ServiceIdInvalid):
        service.pay(desk.order().order_id, desk.updates.append)
    assert len(desk.terminal.requests) == 1


def test_who_may_do_what(desk: Desk) -> None:
    with pytest.raises(PermissionDenied):
        desk.service.create_order(HOST, 100, "Paspoort")
    kiosk = kiosk_actor("zuil-1")
    order = desk.service.create_order(kiosk, 100, "Uittreksel")
    assert desk.journal.info(order.order_id).operator == "kiosk:zuil-1"
    assert kiosk.may(Permission.PAYMENT_TAKE)
    assert not kiosk.may(Permission.PERSON_READ) and not kiosk.may(Permission.PAYMENT_RESOLVE)
    order = desk.pay(order)
    with pytest.raises(PermissionDenied):
        desk.service.resolve_by_operator(kiosk, order.order_id, paid=True)


@pytest.mark.parametrize("amount", [0, -5, 1_000_001])
def test_amount_out_of_range_is_refused_with_a_dutch_message(desk: Desk, amount: int) -> None:
    with pytest.raises(AmountInvalid, match="bedrag"):
        desk.service.create_order(CLERK, amount, "Paspoort")
