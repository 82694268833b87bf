"""A visit's life at the desk: recall limit, no-show, hold/resume, finish, and its timed periods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import InvalidTransition
from app.core.queue.model import Outcome, PeriodKind, Ticket, TicketState
from tests.unit.queue_helpers import A, B, TicketMaker, minutes


def fresh(at: float = 0) -> Ticket:
    return TicketMaker().issue(A, at)


def test_recall_limit_then_no_show() -> None:
    ticket = fresh()
    ticket.call(1, "jan", minutes(5))
    # max_recalls=2: called once and announced twice more; nobody came, the next press is a no-show.
    assert ticket.recall(minutes(6), max_recalls=2) is False
    assert ticket.recall(minutes(7), max_recalls=2) is False
    assert ticket.recall_count == 2 and ticket.state is TicketState.CALLED
    assert ticket.recall(minutes(8), max_recalls=2) is True
    assert ticket.state is TicketState.NO_SHOW
    assert ticket.outcome is Outcome.NO_SHOW
    assert ticket.closed_at == minutes(8)
    assert ticket.open_period is None
    # The desk waited for the visitor from the first call until the no-show: one called period.
    assert [(p.kind, p.started_at, p.ended_at) for p in ticket.periods] == [
        (PeriodKind.WAITING, minutes(0), minutes(5)),
        (PeriodKind.CALLED, minutes(5), minutes(8)),
    ]


def test_recall_limit_zero_means_the_first_recall_is_a_no_show() -> None:
    ticket = fresh()
    ticket.call(1, None, minutes(1))
    assert ticket.recall(minutes(2), max_recalls=0) is True
    assert ticket.state is TicketState.NO_SHOW


def test_a_new_call_starts_the_recall_count_afresh() -> None:
    ticket = fresh()
    ticket.call(1, None, minutes(1))
    ticket.recall(minutes(2), max_recalls=2)
    ticket.transfer(minutes(3))
    ticket.call(2, None, minutes(4))
    assert ticket.recall_count == 0


def test_reactivated_no_show_waits_again_and_waited_counts_both_waits() -> None:
    ticket = fresh()
    ticket.call(1, None, minutes(10))
    ticket.no_show(minutes(12))
    ticket.reactivate(minutes(20))
    assert ticket.state is TicketState.WAITING
    assert ticket.outcome is None and ticket.closed_at is None and ticket.front
    ticket.call(2, None, minutes(23))
    # 10 minutes before the first call, 3 after reactivation; the desk and the gap do not count.
    assert ticket.waited(minutes(30)) == timedelta(minutes=13)


def test_hold_and_resume_are_timed_periods_at_the_same_desk() -> None:
    ticket = fresh()
    ticket.call(4, "els", minutes(2))
    ticket.start(minutes(3))
    ticket.hold(minutes(9))  # the visitor fetches a photo
    ticket.resume(minutes(21))
    ticket.finish(Outcome.HANDLED, minutes(25))
    assert [(p.kind, p.started_at, p.ended_at, p.desk_id, p.staff) for p in ticket.periods[1:]] == [
        (PeriodKind.CALLED, minutes(2), minutes(3), 4, "els"),
        (PeriodKind.SERVING, minutes(3), minutes(9), 4, "els"),
        (PeriodKind.ON_HOLD, minutes(9), minutes(21), 4, "els"),
        (PeriodKind.SERVING, minutes(21), minutes(25), 4, "els"),
    ]
    assert ticket.waited(minutes(25)) == timedelta(minutes=2)
    assert ticket.state is TicketState.DONE and ticket.outcome is Outcome.HANDLED


def test_finish_from_hold_is_allowed() -> None:
    ticket = fresh()
    ticket.call(1, None, minutes(1))
    ticket.start(minutes(2))
    ticket.hold(minutes(3))
    ticket.finish(Outcome.FORWARDED, minutes(4))
    assert ticket.outcome is Outcome.FORWARDED


@pytest.mark.parametrize("outcome", [Outcome.HANDLED, Outcome.FORWARDED, Outcome.REFERRED])
def test_finish_accepts_the_three_real_outcomes(outcome: Outcome) -> None:
    ticket = fresh()
    ticket.call(1, None, minutes(1))
    ticket.start(minutes(2))
    ticket.finish(outcome, minutes(6))
    assert ticket.state is TicketState.DONE and ticket.outcome is outcome


@pytest.mark.parametrize("outcome", [Outcome.NO_SHOW, Outcome.CANCELLED])
def test_finish_refuses_no_show_or_cancelled_as_outcome_and_changes_nothing(outcome: Outcome) -> None:
    ticket = fresh()
    ticket.call(1, None, minutes(1))
    ticket.start(minutes(2))
    with pytest.raises(InvalidTransition):
        ticket.finish(outcome, minutes(6))
    assert ticket.state is TicketState.SERVING and ticket.outcome is None
    assert ticket.open_period is not None and ticket.open_period.kind is PeriodKind.SERVING


@pytest.mark.parametrize(
    "operation",
    [
        lambda t: t.finish(Outcome.HANDLED, minutes(9)),
        lambda t: t.start(minutes(9)),
        lambda t: t.hold(minutes(9)),
        lambda t: t.recall(minutes(9), 2),
        lambda t: t.reactivate(minutes(9)),
    ],
)
def test_a_waiting_ticket_cannot_skip_the_call(operation: Callable[[Ticket], object]) -> None:
    ticket = fresh()
    with pytest.raises(InvalidTransition) as raised:
        operation(ticket)
    assert raised.value.code == "queue.invalid_transition"
    assert ticket.state is TicketState.WAITING
    assert len(ticket.periods) == 1


def test_a_finished_visit_cannot_be_called_or_reactivated() -> None:
    ticket = fresh()
    ticket.call(1, None, minutes(1))
    ticket.start(minutes(2))
    ticket.finish(Outcome.HANDLED, minutes(3))
    for operation in (
        lambda: ticket.call(2, None, minutes(4)),
        lambda: ticket.reactivate(minutes(4)),
        lambda: ticket.transfer(minutes(4)),
    ):
        with pytest.raises(InvalidTransition):
            operation()
    assert ticket.state is TicketState.DONE and ticket.open_period is None


def test_transfer_closes_the_desk_period_and_waits_again_in_the_new_service() -> None:
    ticket = fresh()
    ticket.call(1, None, minutes(5))
    ticket.start(minutes(6))
    ticket.transfer(minutes(11), service_id=B, desk_id=3)
    assert ticket.number == "A001"
    assert ticket.state is TicketState.WAITING and ticket.desk_id is None
    assert ticket.queued_at == minutes(11)
    serving, waiting = ticket.periods[-2:]
    assert (serving.kind, serving.ended_at, serving.service_id) == (PeriodKind.SERVING, minutes(11), A)
    assert (waiting.kind, waiting.started_at, waiting.service_id) == (PeriodKind.WAITING, minutes(11), B)
    ticket.call(3, None, minutes(14))
    assert ticket.waited(minutes(20)) == timedelta(minutes=5 + 3)


# --- property: the periods stay consistent whatever the desk presses -----------------------

OPERATIONS: dict[str, Callable[[Ticket, int], object]] = {
    "call": lambda t, m: t.call(1, "kees", minutes(m)),
    "recall": lambda t, m: t.recall(minutes(m), 2),
    "start": lambda t, m: t.start(minutes(m)),
    "hold": lambda t, m: t.hold(minutes(m)),
    "resume": lambda t, m: t.resume(minutes(m)),
    "no_show": lambda t, m: t.no_show(minutes(m)),
    "reactivate": lambda t, m: t.reactivate(minutes(m)),
    "transfer": lambda t, m: t.transfer(minutes(m), service_id=B),
    "finish": lambda t, m: t.finish(Outcome.HANDLED, minutes(m)),
    "cancel": lambda t, m: t.cancel(minutes(m)),
}
KIND_OF_STATE = {
    TicketState.WAITING: PeriodKind.WAITING,
    TicketState.CALLED: PeriodKind.CALLED,
    TicketState.SERVING: PeriodKind.SERVING,
    TicketState.ON_HOLD: PeriodKind.ON_HOLD,
}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(OPERATIONS)), st.integers(0, 20)), max_size=30))
def test_exactly_one_open_period_while_not_final(presses: list[tuple[str, int]]) -> None:
    ticket = fresh()
    elapsed = 0
    for name, step in presses:
        elapsed += step
        before = (ticket.state, len(ticket.periods))
        try:
            OPERATIONS[name](ticket, elapsed)
        except InvalidTransition:
            assert (ticket.state, len(ticket.periods)) == before  # a refused press changes nothing
        else:
            if ticket.state.is_final and not before[0].is_final:
                assert ticket.closed_at == minutes(elapsed)
        open_periods = [p for p in ticket.periods if p.is_open]
        if ticket.state.is_final:
            assert open_periods == []
        else:
            assert open_periods == [ticket.periods[-1]]
            assert ticket.periods[-1].kind is KIND_OF_STATE[ticket.state]
        for earlier, later in zip(ticket.periods, ticket.periods[1:], strict=False):
            assert earlier.ended_at is not None and earlier.ended_at <= later.started_at
        waiting_total = sum(
            ((p.ended_at or minutes(elapsed)) - p.started_at for p in ticket.periods if p.kind is PeriodKind.WAITING),
            timedelta(),
        )
        assert ticket.waited(minutes(elapsed)) == waiting_total
