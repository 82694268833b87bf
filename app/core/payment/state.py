"""One payment attempt at a terminal as a state machine; pure transitions, no I/O.

idle → sent → in_progress → approved | declined | aborted | unknown
unknown → recovering (status query) → approved | declined | aborted, or back to unknown
(terminal still busy / no answer), or needs_operator when recovery cannot decide; an operator
then records the outcome. Nothing here ever sends a payment again: a new attempt is a new
Payment, started deliberately (see order.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from app.core.payment.errors import InvalidPaymentTransition, ServiceIdInvalid

SERVICE_ID = re.compile(r"[A-Za-z0-9]{1,10}")
# After this many status queries without any answer we stop guessing and ask a person.
MAX_UNANSWERED_STATUS_QUERIES = 3


class PaymentState(StrEnum):
    IDLE = "idle"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    APPROVED = "approved"
    DECLINED = "declined"
    ABORTED = "aborted"
    UNKNOWN = "unknown"
    RECOVERING = "recovering"
    NEEDS_OPERATOR = "needs_operator"


FINAL_STATES = frozenset({PaymentState.APPROVED, PaymentState.DECLINED, PaymentState.ABORTED})
# Money may have moved (or may still move) in these states: never start another charge then.
OPEN_STATES = frozenset(
    {
        PaymentState.SENT,
        PaymentState.IN_PROGRESS,
        PaymentState.UNKNOWN,
        PaymentState.RECOVERING,
        PaymentState.NEEDS_OPERATOR,
    }
)


class Outcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    ABORTED = "aborted"


class StatusResult(StrEnum):
    """What a TransactionStatus answer says about the original payment."""

    APPROVED = "approved"
    DECLINED = "declined"
    ABORTED = "aborted"
    STILL_IN_PROGRESS = "still_in_progress"
    NOT_FOUND = "not_found"  # the terminal never received it: nothing was charged
    UNDECIDABLE = "undecidable"  # an answer that settles nothing (error, refusal)


@dataclass(frozen=True)
class Journalled:
    """The attempt with this ServiceID is in the journal; only now may it go out."""

    service_id: str


@dataclass(frozen=True)
class TerminalAccepted:
    pass


@dataclass(frozen=True)
class ResultReceived:
    outcome: Outcome


@dataclass(frozen=True)
class OtherAmountApproved:
    """The terminal approved, but not the amount asked (nexo "Partial"): money moved, yet the order
    is not paid. Only a person can settle it (rest in cash, or a refund)."""

    approved_cents: int


@dataclass(frozen=True)
class ResponseMissing:
    """Time-out, lost connection or an unreadable answer: the outcome is unknown."""


@dataclass(frozen=True)
class StatusQuerySent:
    service_id: str  # the status request's own ServiceID, never the payment's


@dataclass(frozen=True)
class StatusAnswered:
    result: StatusResult


@dataclass(frozen=True)
class StatusUnanswered:
    pass


@dataclass(frozen=True)
class OperatorEscalated:
    """Staff take over an unknown outcome without waiting for more status queries."""


@dataclass(frozen=True)
class OperatorDecided:
    paid: bool
    staff_id: str


PaymentEvent = (
    Journalled
    | TerminalAccepted
    | ResultReceived
    | OtherAmountApproved
    | ResponseMissing
    | StatusQuerySent
    | StatusAnswered
    | StatusUnanswered
    | OperatorEscalated
    | OperatorDecided
)


@dataclass(frozen=True)
class Payment:
    attempt_id: str
    poi_id: str
    amount_cents: int
    state: PaymentState = PaymentState.IDLE
    service_id: str | None = None
    status_service_ids: tuple[str, ...] = ()
    unanswered_status_queries: int = 0
    decided_by: str | None = None

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def may_transmit(self) -> bool:
        """The driver sends the payment request only from here: journalled, not yet answered."""
        return self.state is PaymentState.SENT

    def used_service_ids(self) -> tuple[str, ...]:
        return ((self.service_id,) if self.service_id else ()) + self.status_service_ids


_FROM_OUTCOME = {
    Outcome.APPROVED: PaymentState.APPROVED,
    Outcome.DECLINED: PaymentState.DECLINED,
    Outcome.ABORTED: PaymentState.ABORTED,
}
_FROM_STATUS = {
    StatusResult.APPROVED: PaymentState.APPROVED,
    StatusResult.DECLINED: PaymentState.DECLINED,
    StatusResult.ABORTED: PaymentState.ABORTED,
    StatusResult.NOT_FOUND: PaymentState.ABORTED,
    StatusResult.STILL_IN_PROGRESS: PaymentState.UNKNOWN,  # ask again later
    StatusResult.UNDECIDABLE: PaymentState.NEEDS_OPERATOR,
}


def check_service_id(service_id: str, taken: tuple[str, ...] = ()) -> None:
    if not SERVICE_ID.fullmatch(service_id):
        raise ServiceIdInvalid("Een ServiceID is 1 tot 10 letters of cijfers.", service_id=service_id[:16])
    if service_id in taken:
        raise ServiceIdInvalid("Deze ServiceID is al gebruikt.", service_id=service_id)


def transition(payment: Payment, event: PaymentEvent) -> Payment:
    """The payment after `event`, or InvalidPaymentTransition. Final states never change."""
    state = payment.state
    if isinstance(event, Journalled) and state is PaymentState.IDLE:
        check_service_id(event.service_id)
        return replace(payment, state=PaymentState.SENT, service_id=event.service_id)
    if isinstance(event, TerminalAccepted) and state is PaymentState.SENT:
        return replace(payment, state=PaymentState.IN_PROGRESS)
    if isinstance(event, ResultReceived) and state in (PaymentState.SENT, PaymentState.IN_PROGRESS):
        return replace(payment, state=_FROM_OUTCOME[event.outcome])
    if isinstance(event, OtherAmountApproved) and state in (
        PaymentState.SENT,
        PaymentState.IN_PROGRESS,
        PaymentState.RECOVERING,
    ):
        return replace(payment, state=PaymentState.NEEDS_OPERATOR, unanswered_status_queries=0)
    if isinstance(event, ResponseMissing) and state in (PaymentState.SENT, PaymentState.IN_PROGRESS):
        return replace(payment, state=PaymentState.UNKNOWN)
    if isinstance(event, StatusQuerySent) and state is PaymentState.UNKNOWN:
        check_service_id(event.service_id, payment.used_service_ids())
        ids = (*payment.status_service_ids, event.service_id)
        return replace(payment, state=PaymentState.RECOVERING, status_service_ids=ids)
    if isinstance(event, StatusAnswered) and state is PaymentState.RECOVERING:
        return replace(payment, state=_FROM_STATUS[event.result], unanswered_status_queries=0)
    if isinstance(event, StatusUnanswered) and state is PaymentState.RECOVERING:
        count = payment.unanswered_status_queries + 1
        target = PaymentState.NEEDS_OPERATOR if count >= MAX_UNANSWERED_STATUS_QUERIES else PaymentState.UNKNOWN
        return replace(payment, state=target, unanswered_status_queries=count)
    if isinstance(event, OperatorEscalated) and state in (PaymentState.UNKNOWN, PaymentState.RECOVERING):
        return replace(payment, state=PaymentState.NEEDS_OPERATOR)
    if isinstance(event, OperatorDecided) and state is PaymentState.NEEDS_OPERATOR:
        if not event.staff_id:
            raise InvalidPaymentTransition("Een beslissing van een medewerker heeft een medewerker nodig.")
        target = PaymentState.APPROVED if event.paid else PaymentState.DECLINED
        return replace(payment, state=target, decided_by=event.staff_id)
    raise InvalidPaymentTransition(
        f"{type(event).__name__} kan niet in toestand {state.value}.",
        state=state.value,
        event=type(event).__name__,
    )
