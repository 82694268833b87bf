"""Estimated waiting time: play the queue forward with the real calling rule.

The naive estimate (people ahead x mean service time / desks) ignores that desks serve
several services in an order of preference, that priority tickets interleave and that a
busy desk is partly done. Here every open desk is given the moment it will be free (the
remaining part of its current visit), and the calling rule `select_next` decides which
waiting ticket each desk takes next, with service times learned per service from recent
visits. Visitors still to come are let in at the pace of the last hour per dienst and
priority, because under this rule a later visitor can be called first. The result is the
expected number of minutes until each ticket is called.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.queue.model import Desk, Location, PeriodKind, Priority, Service, Ticket, TicketState
from app.core.queue.ports import Arrival, ServiceTime
from app.core.queue.rules import RecentCall, callable_by, select_next

#: walking to the desk after the call, in minutes
CALL_OVERHEAD_MINUTES = 0.5
#: weight of the configured default against measured service times (pseudo-observations)
PRIOR_WEIGHT = 3.0
#: how many recent service times per service count
HISTORY = 30
#: the pace of arrivals per dienst and priority is measured over this many recent minutes
ARRIVAL_WINDOW_MINUTES = 60.0
#: ... but over no fewer than this, so that the first visitors of the day do not set a wild pace
ARRIVAL_MIN_SPAN_MINUTES = 15.0
#: expected arrivals are played forward at most this far
HORIZON_MINUTES = 240.0


@dataclass(frozen=True)
class QueueState:
    location: Location
    services: Sequence[Service]
    desks: Sequence[Desk]
    at_desks: Sequence[Ticket]
    waiting: Sequence[Ticket]
    recent: Sequence[RecentCall]
    service_times: Sequence[ServiceTime]
    now: datetime
    arrivals: Sequence[Arrival] = ()  # tickets taken recently: the pace of who is still to come


def mean_service_minutes(services: Sequence[Service], times: Sequence[ServiceTime]) -> dict[int, float]:
    """Per service: recent measured minutes, shrunk toward the configured default while few."""
    by_service: dict[int, list[float]] = defaultdict(list)
    for item in sorted(times, key=lambda t: t.started_at, reverse=True):
        if len(by_service[item.service_id]) < HISTORY:
            by_service[item.service_id].append(item.minutes)
    means: dict[int, float] = {}
    for service in services:
        seen = by_service.get(service.id, [])
        prior = service.default_service_minutes
        means[service.id] = (sum(seen) + PRIOR_WEIGHT * prior) / (len(seen) + PRIOR_WEIGHT)
    return means


def remaining_minutes(ticket: Ticket, mean: float, now: datetime) -> float:
    """Expected minutes until the desk holding `ticket` is free again."""
    if ticket.state is TicketState.CALLED:
        return CALL_OVERHEAD_MINUTES + mean
    # The visit runs from its first serving period at this desk: a hold does not restart it.
    started = None
    for period in reversed(ticket.periods):
        if period.kind not in (PeriodKind.SERVING, PeriodKind.ON_HOLD) or period.desk_id != ticket.desk_id:
            break
        if period.kind is PeriodKind.SERVING:
            started = period.started_at
    elapsed = (now - started).total_seconds() / 60 if started else 0.0
    # Service times are skewed: a visit that has run long is likely to run on a bit.
    return max(mean - elapsed, 0.25 * mean)


def arrival_rates(arrivals: Sequence[Arrival], now: datetime) -> dict[tuple[int, Priority], float]:
    """Tickets per minute per dienst and priority over the recent window."""
    window = timedelta(minutes=ARRIVAL_WINDOW_MINUTES)
    recent = [a for a in arrivals if timedelta(0) <= now - a.issued_at <= window]
    if not recent:
        return {}
    since_first = (now - min(a.issued_at for a in recent)).total_seconds() / 60
    span = max(min(ARRIVAL_WINDOW_MINUTES, since_first), ARRIVAL_MIN_SPAN_MINUTES)
    counts = Counter((a.service_id, a.priority) for a in recent)
    return {key: count / span for key, count in counts.items()}


def expected_arrivals(rates: dict[tuple[int, Priority], float], horizon: float) -> list[tuple[float, int, Priority]]:
    """Who is still to come, at the expected moments of a steady stream: the k-th visitor of a
    stream with rate r after k/r minutes."""
    future = []
    for (service_id, priority), rate in rates.items():
        k = 1
        while k / rate <= horizon:
            future.append((k / rate, service_id, priority))
            k += 1
    return sorted(future, key=lambda item: (item[0], item[1], -int(item[2])))


def _virtual_ticket(state: QueueState, minute: float, service_id: int, priority: Priority, order: int) -> Ticket:
    moment = state.now + timedelta(minutes=minute)
    ticket = Ticket(
        id=None,
        location_id=state.location.id,
        service_id=service_id,
        number="",
        sequence=10**6 + order,  # after every real ticket that entered the queue at the same moment
        business_date=state.now.date(),
        issued_at=moment,
        priority=priority,
    )
    ticket.start_waiting(moment)
    return ticket


def estimate_waits(state: QueueState) -> dict[int, float]:
    """Minutes from `state.now` until each waiting ticket is called. Tickets that no open
    desk serves are left out (the screen says so instead of guessing).

    Visitors who come in later can still be called first: a priority ticket in the interleave,
    or a desk's first-preference dienst at a desk shared with the ticket's dienst. So the play
    also lets the expected arrivals come in, at the pace of the last hour.
    """
    means = mean_service_minutes(state.services, state.service_times)
    default = 8.0
    free_at: dict[int, float] = {}
    open_desks = {d.id: d for d in state.desks if d.is_open}
    for desk in open_desks.values():
        free_at[desk.id] = 0.0
    for ticket in state.at_desks:
        if ticket.desk_id in free_at:
            mean = means.get(ticket.service_id, default)
            free_at[ticket.desk_id] = remaining_minutes(ticket, mean, state.now)

    remaining = [t for t in state.waiting if t.state is TicketState.WAITING and t.id is not None]
    unplaced = {id(t) for t in remaining if any(callable_by(t, d) for d in open_desks.values())}
    future = expected_arrivals(arrival_rates(state.arrivals, state.now), HORIZON_MINUTES)
    next_arrival = 0
    history = list(state.recent)
    result: dict[int, float] = {}
    while unplaced and free_at:
        desk_id = min(free_at, key=lambda d: (free_at[d], d))
        moment = free_at[desk_id]
        while next_arrival < len(future) and future[next_arrival][0] <= moment:
            minute, service_id, priority = future[next_arrival]
            remaining.append(_virtual_ticket(state, minute, service_id, priority, next_arrival))
            next_arrival += 1
        pick = select_next(
            remaining, open_desks[desk_id], state.location, history, state.now + timedelta(minutes=moment)
        )
        if pick is None:
            if next_arrival < len(future):
                free_at[desk_id] = future[next_arrival][0]  # idle until the next expected visitor
            else:
                del free_at[desk_id]  # nothing this desk serves is left
            continue
        if pick.id is not None:
            result[pick.id] = moment
            unplaced.discard(id(pick))
        remaining.pop(next(i for i, t in enumerate(remaining) if t is pick))
        history.insert(0, RecentCall(pick.service_id, pick.priority))
        free_at[desk_id] = moment + CALL_OVERHEAD_MINUTES + means.get(pick.service_id, default)
    return result


def wait_band(minutes: float) -> tuple[int, int]:
    """A band in whole minutes, on a 5-minute grid, that widens with the estimate:
    0-5, 5-10, 10-20, 15-25, 20-35 ... Shown as an estimate, never as a promise."""
    if minutes < 4:
        return (0, 5)
    low = 5 * math.floor(minutes * 0.8 / 5)
    high = 5 * math.ceil(minutes * 1.2 / 5)
    if high - low < 5:
        high = low + 5
    return (low, high)


def naive_estimate(people_ahead: int, mean_minutes: float, desks: int) -> float:
    """The baseline from the literature: people ahead x mean service time / desks."""
    return people_ahead * mean_minutes / max(desks, 1)
