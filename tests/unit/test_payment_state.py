"""Every allowed and every refused transition of one payment attempt."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.payment.errors import InvalidPaymentTransition, ServiceIdInvalid
from app.core.payment.state import (
    MAX_UNANSWERED_STATUS_QUERIES,
    Journalled,
    OperatorDecided,
    OperatorEscalated,
    Outcome,
    Payment,
    PaymentEvent,
    PaymentState,
    ResponseMissing,
    ResultReceived,
    StatusAnswered,
    StatusQuerySent,
    StatusResult,
    StatusUnanswered,
    TerminalAccepted,
    transition,
)

S = PaymentState
BASE = Payment(attempt_id="a1", poi_id="V400m-1", amount_cents=7735)

EVENTS: dict[str, PaymentEvent] = {
    "journalled": Journalled("Pay1"),
    "accepted": TerminalAccepted(),
    "approved": ResultReceived(Outcome.APPROVED),
    "declined": ResultReceived(Outcome.DECLINED),
    "aborted": ResultReceived(Outcome.ABORTED),
    "missing": ResponseMissing(),
    "query": StatusQuerySent("Stat1"),
    "status_approved": StatusAnswered(StatusResult.APPROVED),
    "status_declined": StatusAnswered(StatusResult.DECLINED),
    "status_aborted": StatusAnswered(StatusResult.ABORTED),
    "status_not_found": StatusAnswered(StatusResult.NOT_FOUND),
    "status_busy": StatusAnswered(StatusResult.STILL_IN_PROGRESS),
    "status_undecidable": StatusAnswered(StatusResult.UNDECIDABLE),
    "unanswered": StatusUnanswered(),
    "escalated": OperatorEscalated(),
    "operator_paid": OperatorDecided(paid=True, staff_id="mw-12"),
    "operator_not_paid": OperatorDecided(paid=False, staff_id="mw-12"),
}

ALLOWED: dict[tuple[PaymentState, str], PaymentState] = {
    (S.IDLE, "journalled"): S.SENT,
    (S.SENT, "accepted"): S.IN_PROGRESS,
    **{(s, e): t for s in (S.SENT, S.IN_PROGRESS) for e, t in
       [("approved", S.APPROVED), ("declined", S.DECLINED), ("aborted", S.ABORTED), ("missing", S.UNKNOWN)]},
    (S.UNKNOWN, "query"): S.RECOVERING,
    (S.UNKNOWN, "escalated"): S.NEEDS_OPERATOR,
    (S.RECOVERING, "status_approved"): S.APPROVED,
    (S.RECOVERING, "status_declined"): S.DECLINED,
    (S.RECOVERING, "status_aborted"): S.ABORTED,
    (S.RECOVERING, "status_not_found"): S.ABORTED,
    (S.RECOVERING, "status_busy"): S.UNKNOWN,
    (S.RECOVERING, "status_undecidable"): S.NEEDS_OPERATOR,
    (S.RECOVERING, "unanswered"): S.UNKNOWN,
    (S.RECOVERING, "escalated"): S.NEEDS_OPERATOR,
    (S.NEEDS_OPERATOR, "operator_paid"): S.APPROVED,
    (S.NEEDS_OPERATOR, "operator_not_paid"): S.DECLINED,
}  # fmt: skip


def in_state(state: PaymentState) -> Payment:
    service_id = None if state is S.IDLE else "Pay0"
    return replace(BASE, state=state, service_id=service_id)


@pytest.mark.parametrize(("state", "event"), sorted(ALLOWED, key=str))
def test_allowed_transition(state: PaymentState, event: str) -> None:
    assert transition(in_state(state), EVENTS[event]).state is ALLOWED[(state, event)]


REFUSED = [(s, e) for s in S for e in EVENTS if (s, e) not in ALLOWED]


@pytest.mark.parametrize(("state", "event"), REFUSED)
def test_refused_transition(state: PaymentState, event: str) -> None:
    with pytest.raises(InvalidPaymentTransition) as caught:
        transition(in_state(state), EVENTS[event])
    assert caught.value.code == "payment.invalid_transition"


def test_only_a_journalled_payment_may_go_out() -> None:
    assert not BASE.may_transmit
    sent = transition(BASE, Journalled("Pay1"))
    assert sent.may_transmit and sent.service_id == "Pay1"
    assert not transition(sent, TerminalAccepted()).may_transmit


@pytest.mark.parametrize("bad", ["", "elevenchars", "with space", "äbc", "a-b"])
def test_service_id_format(bad: str) -> None:
    with pytest.raises(ServiceIdInvalid):
        transition(BASE, Journalled(bad))


def test_status_query_never_reuses_an_id() -> None:
    unknown = in_state(S.UNKNOWN)
    with pytest.raises(ServiceIdInvalid):
        transition(unknown, StatusQuerySent("Pay0"))
    asked = transition(transition(unknown, StatusQuerySent("Stat1")), StatusUnanswered())
    with pytest.raises(ServiceIdInvalid):
        transition(asked, StatusQuerySent("Stat1"))


def test_unanswered_status_queries_end_with_the_operator() -> None:
    payment = in_state(S.UNKNOWN)
    for number in range(MAX_UNANSWERED_STATUS_QUERIES):
        payment = transition(payment, StatusQuerySent(f"Stat{number}"))
        payment = transition(payment, StatusUnanswered())
    assert payment.state is S.NEEDS_OPERATOR
    decided = transition(payment, OperatorDecided(paid=True, staff_id="mw-12"))
    assert decided.state is S.APPROVED and decided.decided_by == "mw-12"


def test_operator_decision_needs_a_staff_member() -> None:
    with pytest.raises(InvalidPaymentTransition):
        transition(in_state(S.NEEDS_OPERATOR), OperatorDecided(paid=False, staff_id=""))
