"""Estimated waiting time: play the queue forward with the real calling rule.

The naive estimate (people ahead x mean service time / desks) ignores that desks serve
several services in an order of preference, that priority tickets interleave and that a
busy desk is partly done. Here every open desk is given the moment it will be free (the
remaining part of its current visit), and the calling rule `select_next` decides which
waiting ticket each desk takes next, with service times learned per service from recent
visits. The result is the expected number of minutes until each ticket is called.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.queue.model import Desk, Location, Service, Ticket, TicketState
from app.core.queue.ports import ServiceTime
from app.core.queue.rules import RecentCall, select_next

#: walking to the desk after the call, in minutes
CALL_OVERHEAD_MINUTES = 0.5
#: weight of the configured default against measured service times (pseudo-observations)
PRIOR_WEIGHT = 3.0
#: how many recent service times per service count
HISTORY = 30


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
    period = ticket.open_period
    elapsed = period.duration(now).total_seconds() / 60 if period else 0.0
    if ticket.state is TicketState.CALLED:
        return CALL_OVERHEAD_MINUTES + mean
    # Service times are skewed: a visit that has run long is likely to run on a bit.
    return max(mean - elapsed, 0.25 * mean)


def estimate_waits(state: QueueState) -> dict[int, float]:
    """Minutes from `state.now` until each waiting ticket is called. Tickets that no open
    desk serves are left out (the screen says so instead of guessing)."""
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
    history = list(state.recent)
    result: dict[int, float] = {}
    while remaining and free_at:
        desk_id = min(free_at, key=lambda d: (free_at[d], d))
        moment = free_at[desk_id]
        pick = select_next(
            remaining, open_desks[desk_id], state.location, history, state.now + timedelta(minutes=moment)
        )
        if pick is None:
            del free_at[desk_id]  # nothing this desk serves is left
            continue
        assert pick.id is not None
        result[pick.id] = moment
        remaining.remove(pick)
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
