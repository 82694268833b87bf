"""What the citizen has to pay (one leges amount) and its attempts at the terminal.

A declined or aborted attempt may be followed by a new one, but only when someone asks for it
(`start_attempt` is never called by the state machine), only when no earlier attempt might still
charge, never after an approved one, and always with ServiceIDs that this order never used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.payment.errors import NewAttemptRefused
from app.core.payment.state import (
    OPEN_STATES,
    Journalled,
    Payment,
    PaymentEvent,
    PaymentState,
    StatusQuerySent,
    check_service_id,
    transition,
)


@dataclass(frozen=True)
class PaymentOrder:
    order_id: str
    poi_id: str
    amount_cents: int
    attempts: tuple[Payment, ...] = ()

    @property
    def current(self) -> Payment | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def is_paid(self) -> bool:
        return any(attempt.state is PaymentState.APPROVED for attempt in self.attempts)

    def used_service_ids(self) -> tuple[str, ...]:
        return tuple(sid for attempt in self.attempts for sid in attempt.used_service_ids())


def start_attempt(order: PaymentOrder, attempt_id: str) -> PaymentOrder:
    """A new idle attempt, asked for by a person. Refused when it could charge twice."""
    if order.is_paid:
        raise NewAttemptRefused("Deze betaling is al gelukt.", order_id=order.order_id)
    if any(attempt.state in OPEN_STATES for attempt in order.attempts):
        raise NewAttemptRefused("De uitkomst van de vorige poging is nog niet bekend.", order_id=order.order_id)
    if any(attempt.state is PaymentState.IDLE for attempt in order.attempts):
        raise NewAttemptRefused("Er staat al een poging klaar.", order_id=order.order_id)
    new = Payment(attempt_id=attempt_id, poi_id=order.poi_id, amount_cents=order.amount_cents)
    return replace(order, attempts=(*order.attempts, new))


def apply(order: PaymentOrder, event: PaymentEvent) -> PaymentOrder:
    """Apply a terminal or operator event to the current attempt."""
    current = order.current
    if current is None:
        raise NewAttemptRefused("Er is nog geen poging gestart.", order_id=order.order_id)
    # A protocol id is never reused, not even one from an earlier attempt of this order.
    if isinstance(event, Journalled | StatusQuerySent):
        check_service_id(event.service_id, order.used_service_ids())
    updated = transition(current, event)
    return replace(order, attempts=(*order.attempts[:-1], updated))
