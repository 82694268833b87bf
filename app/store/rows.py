"""Mapping between table rows and the core's entities."""

from __future__ import annotations

from datetime import time
from typing import Any

from app.core.queue.model import (
    IssueChannel,
    Location,
    Outcome,
    Period,
    Priority,
    Service,
    Ticket,
    TicketState,
)
from app.store.schema import to_db, utc


def location_from_row(row: Any) -> Location:
    hours, minutes = (int(part) for part in row.reset_time.split(":"))
    return Location(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        reset_time=time(hours, minutes),
        max_recalls=row.max_recalls,
        normal_per_priority=row.normal_per_priority,
        ageing_minutes=row.ageing_minutes,
    )


def service_from_row(row: Any) -> Service:
    return Service(
        id=row.id,
        location_id=row.location_id,
        code=row.code,
        name_nl=row.name_nl,
        name_en=row.name_en,
        prefix=row.prefix,
        is_open=bool(row.is_open),
        target_wait_minutes=row.target_wait_minutes,
        product_uri=row.product_uri,
        default_service_minutes=row.default_service_minutes,
        sort_order=row.sort_order,
    )


def ticket_from_row(r: Any, periods: list[Period]) -> Ticket:
    return Ticket(
        id=r.id,
        location_id=r.location_id,
        service_id=r.service_id,
        number=r.number,
        sequence=r.sequence,
        business_date=r.business_date,
        issued_at=utc(r.issued_at),  # type: ignore[arg-type]
        channel=IssueChannel(r.channel),
        priority=Priority(r.priority),
        state=TicketState(r.state),
        queued_at=utc(r.queued_at),
        front=bool(r.front),
        target_desk_id=r.target_desk_id,
        desk_id=r.desk_id,
        staff=r.staff,
        recall_count=r.recall_count,
        outcome=Outcome(r.outcome) if r.outcome else None,
        closed_at=utc(r.closed_at),
        token=r.token,
        estimated_wait=r.estimated_wait,
        periods=periods,
        version=len(periods),
    )


def ticket_values(ticket: Ticket) -> dict[str, Any]:
    return {
        "location_id": ticket.location_id,
        "service_id": ticket.service_id,
        "number": ticket.number,
        "sequence": ticket.sequence,
        "business_date": ticket.business_date,
        "issued_at": to_db(ticket.issued_at),
        "channel": ticket.channel.value,
        "priority": int(ticket.priority),
        "state": ticket.state.value,
        "queued_at": to_db(ticket.queued_at),
        "front": ticket.front,
        "target_desk_id": ticket.target_desk_id,
        "desk_id": ticket.desk_id,
        "staff": ticket.staff,
        "recall_count": ticket.recall_count,
        "outcome": ticket.outcome.value if ticket.outcome else None,
        "closed_at": to_db(ticket.closed_at),
        "token": ticket.token,
        "estimated_wait": ticket.estimated_wait,
    }
