"""Attempts of one payment: never a second charge, never a reused ServiceID, never a retry by itself."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.payment.errors import NewAttemptRefused, PaymentError, ServiceIdInvalid
from app.core.payment.order import PaymentOrder, apply, start_attempt
from app.core.payment.state import (
    FINAL_STATES,
    Journalled,
    OperatorDecided,
    OperatorEscalated,
    Outcome,
    PaymentEvent,
    PaymentState,
    ResponseMissing,
    ResultReceived,
    StatusAnswered,
    StatusQuerySent,
    StatusResult,
    StatusUnanswered,
    TerminalAccepted,
)

ORDER = PaymentOrder(order_id="leges-17", poi_id="V400m-1", amount_cents=7735)


def test_no_event_before_an_attempt() -> None:
    with pytest.raises(NewAttemptRefused):
        apply(ORDER, TerminalAccepted())


def test_declined_then_a_new_attempt_with_a_new_id() -> None:
    order = apply(start_attempt(ORDER, "a1"), Journalled("Pay1"))
    order = apply(order, ResultReceived(Outcome.DECLINED))
    order = start_attempt(order, "a2")
    with pytest.raises(ServiceIdInvalid):
        apply(order, Journalled("Pay1"))
    order = apply(order, Journalled("Pay2"))
    assert order.used_service_ids() == ("Pay1", "Pay2")


def test_no_new_attempt_after_approval() -> None:
    order = apply(apply(start_attempt(ORDER, "a1"), Journalled("Pay1")), ResultReceived(Outcome.APPROVED))
    with pytest.raises(NewAttemptRefused) as caught:
        start_attempt(order, "a2")
    assert caught.value.code == "payment.new_attempt_refused"


@pytest.mark.parametrize("event", [None, ResponseMissing()])
def test_no_new_attempt_while_an_outcome_is_open(event: PaymentEvent | None) -> None:
    order = start_attempt(ORDER, "a1")
    with pytest.raises(NewAttemptRefused):
        start_attempt(order, "a2")  # an idle attempt is already waiting
    order = apply(order, Journalled("Pay1"))
    if event is not None:
        order = apply(order, event)
    with pytest.raises(NewAttemptRefused):
        start_attempt(order, "a2")


def test_status_query_id_differs_from_earlier_attempts() -> None:
    order = apply(apply(start_attempt(ORDER, "a1"), Journalled("Pay1")), ResultReceived(Outcome.ABORTED))
    order = apply(apply(start_attempt(order, "a2"), Journalled("Pay2")), ResponseMissing())
    with pytest.raises(ServiceIdInvalid):
        apply(order, StatusQuerySent("Pay1"))


EVENT = st.one_of(
    st.builds(Journalled, st.text("AB12", min_size=1, max_size=3)),
    st.just(TerminalAccepted()),
    st.builds(ResultReceived, st.sampled_from(Outcome)),
    st.just(ResponseMissing()),
    st.builds(StatusQuerySent, st.text("AB12", min_size=1, max_size=3)),
    st.builds(StatusAnswered, st.sampled_from(StatusResult)),
    st.just(StatusUnanswered()),
    st.just(OperatorEscalated()),
    st.builds(OperatorDecided, st.booleans(), st.sampled_from(["mw-12", ""])),
)
STEP = st.one_of(EVENT, st.just("new_attempt"))


@settings(max_examples=400, deadline=None)
@given(st.lists(STEP, max_size=40))
def test_random_event_sequences_keep_the_invariants(steps: list[PaymentEvent | str]) -> None:
    order = ORDER
    for number, step in enumerate(steps):
        before = order
        try:
            if step == "new_attempt":
                order = start_attempt(order, f"a{number}")
            else:
                assert not isinstance(step, str)
                order = apply(order, step)
        except PaymentError:
            assert order == before  # a refused event changes nothing
            continue
        # A final attempt never changes; only the current attempt ever moves.
        for old, new in zip(before.attempts, order.attempts, strict=False):
            if old.state in FINAL_STATES or old is not before.current:
                assert old == new
        # Never more than one approval, and nothing after it: no second charge.
        approved = [i for i, a in enumerate(order.attempts) if a.state is PaymentState.APPROVED]
        assert len(approved) <= 1
        if approved:
            assert approved[0] == len(order.attempts) - 1
        # Never two protocol ids alike within the order.
        ids = order.used_service_ids()
        assert len(ids) == len(set(ids))
        # At most one attempt is not final, and it is the last one.
        assert all(a.state in FINAL_STATES for a in order.attempts[:-1])
