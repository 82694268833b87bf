"""Queue rules as pure functions: the business day, and which ticket a desk calls next.

The store runs `select_next` inside its atomic claim, so the rule lives here once and the
database only guarantees that two desks never take the same ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.queue.model import Desk, Location, Priority, Ticket, TicketState


def reset_instant(day: date, reset_time: time, timezone: str) -> datetime:
    """The UTC instant at which business day `day` starts.

    On the autumn night the wall clock passes `reset_time` twice: the first pass counts.
    When `reset_time` falls in the spring gap, the day starts when the clock jumps.
    """
    zone = ZoneInfo(timezone)
    wall = datetime.combine(day, reset_time, tzinfo=zone)  # fold=0: first occurrence
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    # In the gap: find the first minute whose local time is at or past reset_time.
    probe = datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)
    while True:
        local = probe.astimezone(zone)
        if local.date() > day or (local.date() == day and local.time() >= reset_time):
            return probe
        probe += timedelta(minutes=1)


def business_date(moment: datetime, location: Location) -> date:
    """The day a ticket number belongs to: local date, but before the reset time it is still
    the previous day (an evening opening past midnight keeps its numbers)."""
    zone = ZoneInfo(location.timezone)
    local_day = moment.astimezone(zone).date()
    if moment.astimezone(UTC) >= reset_instant(local_day, location.reset_time, location.timezone):
        return local_day
    return local_day - timedelta(days=1)


@dataclass(frozen=True)
class RecentCall:
    """One earlier call at this location, newest first; feeds the priority interleave."""

    service_id: int
    priority: Priority


def normals_since_priority(recent: Iterable[RecentCall], service_ids: Iterable[int]) -> int | None:
    """How many normal tickets were called since the last priority ticket, for these services.
    None when no priority call is in the history (a priority ticket may then go first)."""
    wanted = set(service_ids)
    count = 0
    for call in recent:
        if call.service_id not in wanted:
            continue
        if call.priority > Priority.NORMAL:
            return count
        count += 1
    return None


def _queue_key(ticket: Ticket) -> tuple[bool, datetime, int]:
    return (not ticket.front, ticket.waiting_since(), ticket.sequence)


def callable_by(ticket: Ticket, desk: Desk) -> bool:
    return (
        ticket.state is TicketState.WAITING
        and ticket.service_id in desk.service_ids
        and ticket.target_desk_id in (None, desk.id)
    )


def select_next(
    candidates: Sequence[Ticket],
    desk: Desk,
    location: Location,
    recent: Sequence[RecentCall],
    now: datetime,
) -> Ticket | None:
    """The ticket `desk` should call now, or None.

    Order: tickets transferred to this very desk; then anything that has waited longer than
    the ageing limit (oldest first, so nothing starves); then the desk's services in order of
    preference, and within a service tickets moved to the front, then the priority interleave
    (`normal_per_priority` normal calls, then one priority call), oldest first.
    """
    eligible = [t for t in candidates if callable_by(t, desk)]
    if not eligible:
        return None

    targeted = [t for t in eligible if t.target_desk_id == desk.id]
    if targeted:
        return min(targeted, key=_queue_key)

    ageing_limit = timedelta(minutes=location.ageing_minutes)
    aged = [t for t in eligible if now - t.waiting_since() >= ageing_limit]
    if aged:
        return min(aged, key=lambda t: (t.waiting_since(), t.sequence))

    preference = {service_id: rank for rank, service_id in enumerate(desk.service_ids)}
    best_rank = min(preference[t.service_id] for t in eligible)
    pool = [t for t in eligible if preference[t.service_id] == best_rank]

    fronted = [t for t in pool if t.front]
    if fronted:
        return min(fronted, key=_queue_key)

    priority = [t for t in pool if t.priority > Priority.NORMAL]
    normal = [t for t in pool if t.priority == Priority.NORMAL]
    if priority:
        since = normals_since_priority(recent, [pool[0].service_id])
        if not normal or since is None or since >= location.normal_per_priority:
            return min(priority, key=lambda t: (-int(t.priority), t.waiting_since(), t.sequence))
    return min(normal, key=_queue_key)


def queue_order(
    waiting: Sequence[Ticket],
    desk: Desk,
    location: Location,
    recent: Sequence[RecentCall],
    now: datetime,
) -> list[Ticket]:
    """The order in which `desk` would call the waiting tickets if nobody new arrived."""
    remaining = list(waiting)
    history = list(recent)
    order: list[Ticket] = []
    while True:
        pick = select_next(remaining, desk, location, history, now)
        if pick is None:
            return order
        order.append(pick)
        remaining.remove(pick)
        history.insert(0, RecentCall(pick.service_id, pick.priority))
