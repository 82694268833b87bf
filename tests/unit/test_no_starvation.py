"""Nobody waits forever: the ageing limit beats desk preference and priority.

A desk whose first dienst never runs dry would, by preference alone, never call its second
dienst. With ageing, a visitor is called at most one visit plus the visits of everyone who
was already waiting before them after passing the limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.queue.model import Desk, Location, Priority, Ticket
from app.core.queue.rules import RecentCall, select_next
from tests.unit.queue_helpers import OPENING, A, B, TicketMaker, desk, hall

SERVICE_MINUTES = 5


@dataclass(frozen=True)
class Arrival:
    minute: int
    service_id: int
    priority: Priority = Priority.NORMAL


def play_day(arrivals: Sequence[Arrival], desks: Sequence[Desk], location: Location) -> list[tuple[Ticket, float]]:
    """Desks press 'volgende' whenever they are free; every visit takes SERVICE_MINUTES.
    Returns each ticket with the minute it was called (inf when never called)."""
    make = TicketMaker()
    pending = sorted(arrivals, key=lambda a: a.minute)
    issued: list[Ticket] = []
    waiting: list[Ticket] = []
    called_at: dict[int, float] = {}
    history: list[RecentCall] = []
    free_at = {d.id: 0.0 for d in desks}
    by_id = {d.id: d for d in desks}
    while free_at:
        desk_id = min(free_at, key=lambda d: (free_at[d], d))
        now = free_at[desk_id]
        while pending and pending[0].minute <= now:
            arrival = pending.pop(0)
            ticket = make.issue(arrival.service_id, arrival.minute, arrival.priority)
            issued.append(ticket)
            waiting.append(ticket)
        moment = OPENING + timedelta(minutes=now)
        pick = select_next(waiting, by_id[desk_id], location, history, moment)
        if pick is not None:
            assert pick.id is not None
            pick.call(desk_id, None, moment)
            waiting.remove(pick)
            called_at[pick.id] = now
            history.insert(0, RecentCall(pick.service_id, pick.priority))
            free_at[desk_id] = now + SERVICE_MINUTES
        elif pending:
            free_at[desk_id] = pending[0].minute  # idle until the next visitor comes in
        else:
            del free_at[desk_id]  # nothing this desk serves will come
    return [(t, called_at.get(t.id or 0, float("inf"))) for t in issued]


def steady_a_stream(until: int) -> list[Arrival]:
    """A walk-in for dienst A every SERVICE_MINUTES: enough to keep one desk busy all along."""
    return [Arrival(m, A) for m in range(0, until + 1, SERVICE_MINUTES)]


def test_second_preference_visitor_is_called_soon_after_the_ageing_limit() -> None:
    arrivals = [*steady_a_stream(180), Arrival(1, B)]
    result = play_day(arrivals, [desk(1, A, B)], hall(ageing_minutes=30))
    b_called = next(called for ticket, called in result if ticket.service_id == B)
    # B001 came at 1'. At 30' it has waited 29' and A007 (just in) goes first; at 35' it has aged.
    assert b_called == 35


def test_without_ageing_the_same_visitor_waits_until_the_stream_of_a_ends() -> None:
    arrivals = [*steady_a_stream(180), Arrival(1, B)]
    result = play_day(arrivals, [desk(1, A, B)], hall(ageing_minutes=10_000))
    b_called = next(called for ticket, called in result if ticket.service_id == B)
    assert b_called == 185  # starved for three hours: what the ageing rule prevents


DESK_LAYOUTS = [
    (desk(1, A, B),),
    (desk(1, A, B), desk(2, A)),
    (desk(1, A, B), desk(2, B, A)),
]


@settings(max_examples=150, deadline=None)
@given(
    extra=st.lists(
        st.builds(
            Arrival,
            minute=st.integers(0, 240),
            service_id=st.sampled_from([A, B]),
            priority=st.sampled_from(list(Priority)),
        ),
        max_size=40,
    ),
    layout=st.sampled_from(DESK_LAYOUTS),
    ageing=st.sampled_from([15, 30, 45]),
)
def test_every_visitor_is_called_within_the_ageing_bound(
    extra: list[Arrival], layout: tuple[Desk, ...], ageing: int
) -> None:
    """Steady A arrivals keep the desks busy; extra visitors of any dienst and priority come at
    random. Every visitor is called, at the latest `ageing` minutes after arrival plus one visit
    in progress plus one visit for each visitor who was already waiting when they arrived."""
    result = play_day([*steady_a_stream(240), *extra], layout, hall(ageing_minutes=ageing))
    for ticket, called in result:
        arrived = (ticket.issued_at - OPENING).total_seconds() / 60
        assert called < float("inf"), f"{ticket.number} never called"
        ahead = sum(
            1
            for other, other_called in result
            if other is not ticket
            and (other.issued_at - OPENING).total_seconds() / 60 <= arrived
            and other_called > arrived
        )
        assert called - arrived <= ageing + SERVICE_MINUTES * (ahead + 1), ticket.number
