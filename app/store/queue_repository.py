"""The queue's repository: SQL behind the core's QueueTransaction port."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, not_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError

from app.core.errors import DatabaseUnavailable, NotFound
from app.core.events import Event
from app.core.queue.model import (
    Desk,
    Location,
    Period,
    PeriodKind,
    Priority,
    Service,
    Ticket,
    TicketState,
)
from app.core.queue.ports import Arrival, ServiceTime
from app.core.queue.rules import RecentCall
from app.store.rows import location_from_row, service_from_row, ticket_from_row, ticket_values
from app.store.schema import (
    changes,
    desk_services,
    desks,
    locations,
    number_counters,
    services,
    ticket_periods,
    tickets,
    to_db,
    utc,
)

NOTIFY_CHANNEL = "loket_changes"
#: tickets per queue group the claim looks at (more than one, for rows another desk holds)
QUEUE_HEAD = 5


class SqlQueueTransaction:
    """One open transaction; implements app.core.queue.ports.QueueTransaction."""

    def __init__(self, conn: Connection, *, writable: bool) -> None:
        self._conn = conn
        self._writable = writable
        self._postgres = conn.dialect.name == "postgresql"

    # --- configuration -------------------------------------------------------------------

    def location(self, location_id: int) -> Location:
        row = self._conn.execute(select(locations).where(locations.c.id == location_id)).first()
        if row is None:
            raise NotFound(f"Vestiging {location_id} bestaat niet", location=location_id)
        return location_from_row(row)

    def location_by_name(self, name: str) -> Location:
        row = self._conn.execute(select(locations).where(locations.c.name == name)).first()
        if row is None:
            raise NotFound(f"Vestiging '{name}' bestaat niet", location=name)
        return location_from_row(row)

    def services(self, location_id: int) -> list[Service]:
        rows = self._conn.execute(
            select(services).where(services.c.location_id == location_id).order_by(services.c.sort_order, services.c.id)
        )
        return [service_from_row(r) for r in rows]

    def service(self, service_id: int) -> Service:
        row = self._conn.execute(select(services).where(services.c.id == service_id)).first()
        if row is None:
            raise NotFound(f"Dienst {service_id} bestaat niet", service=service_id)
        return service_from_row(row)

    def _desk_services(self, desk_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
        rows = self._conn.execute(
            select(desk_services.c.desk_id, desk_services.c.service_id)
            .where(desk_services.c.desk_id.in_(desk_ids))
            .order_by(desk_services.c.desk_id, desk_services.c.rank)
        )
        result: dict[int, list[int]] = {d: [] for d in desk_ids}
        for row in rows:
            result[row.desk_id].append(row.service_id)
        return {d: tuple(s) for d, s in result.items()}

    def desks(self, location_id: int) -> list[Desk]:
        rows = list(self._conn.execute(select(desks).where(desks.c.location_id == location_id).order_by(desks.c.id)))
        served = self._desk_services([r.id for r in rows])
        return [Desk(r.id, r.location_id, r.name, served[r.id], bool(r.is_open), r.staff) for r in rows]

    def desk(self, desk_id: int) -> Desk:
        query = select(desks).where(desks.c.id == desk_id)
        if self._writable and self._postgres:
            query = query.with_for_update()  # one operation per desk at a time (double clicks)
        row = self._conn.execute(query).first()
        if row is None:
            raise NotFound(f"Balie {desk_id} bestaat niet", desk=desk_id)
        return Desk(
            row.id, row.location_id, row.name, self._desk_services([row.id])[row.id], bool(row.is_open), row.staff
        )

    def desk_by_name(self, location_id: int, name: str) -> Desk:
        row = self._conn.execute(
            select(desks.c.id).where(and_(desks.c.location_id == location_id, desks.c.name == name))
        ).first()
        if row is None:
            raise NotFound(f"Balie '{name}' bestaat niet", desk=name)
        return self.desk(row.id)

    # --- tickets -------------------------------------------------------------------------

    def _load(self, rows: Sequence[Any], *, with_periods: bool = True) -> list[Ticket]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        periods: dict[int, list[Period]] = {i: [] for i in ids}
        if with_periods:
            query = select(ticket_periods).where(ticket_periods.c.ticket_id.in_(ids)).order_by(ticket_periods.c.seq)
            for p in self._conn.execute(query):
                periods[p.ticket_id].append(
                    Period(PeriodKind(p.kind), utc(p.started_at), utc(p.ended_at), p.desk_id, p.staff, p.service_id)  # type: ignore[arg-type]
                )
        return [ticket_from_row(r, periods[r.id]) for r in rows]

    def ticket(self, ticket_id: int) -> Ticket:
        query = select(tickets).where(tickets.c.id == ticket_id)
        if self._writable and self._postgres:
            query = query.with_for_update()
        found = self._load(list(self._conn.execute(query)))
        if not found:
            raise NotFound(f"Ticket {ticket_id} bestaat niet", ticket=ticket_id)
        return found[0]

    def ticket_at_desk(self, desk_id: int) -> Ticket | None:
        at_desk = [s.value for s in TicketState if s.at_desk]
        query = select(tickets).where(and_(tickets.c.desk_id == desk_id, tickets.c.state.in_(at_desk)))
        found = self._load(list(self._conn.execute(query.order_by(tickets.c.id))))
        return found[-1] if found else None

    def tickets_at_desks(self, location_id: int) -> list[Ticket]:
        at_desk = [s.value for s in TicketState if s.at_desk]
        query = select(tickets).where(and_(tickets.c.location_id == location_id, tickets.c.state.in_(at_desk)))
        return self._load(list(self._conn.execute(query.order_by(tickets.c.id))))

    def waiting(self, location_id: int, business_day: date) -> list[Ticket]:
        query = select(tickets).where(
            and_(
                tickets.c.location_id == location_id,
                tickets.c.business_date == business_day,
                tickets.c.state == TicketState.WAITING.value,
            )
        )
        return self._load(list(self._conn.execute(query.order_by(tickets.c.id))))

    def claim_candidates(self, desk: Desk, business_day: date, exclude: Collection[int] = ()) -> list[Ticket]:
        """The heads of the desk's queues: per service, priority level, 'front' flag and desk
        target the oldest few tickets. The rule only ever picks the first of such a group,
        so a queue of hundreds costs no more than a queue of ten."""
        group = (
            tickets.c.service_id,
            tickets.c.priority,
            tickets.c.front,
            tickets.c.target_desk_id.is_(None),
        )
        ranked = (
            select(
                tickets.c.id,
                func.row_number()
                .over(partition_by=group, order_by=(tickets.c.queued_at, tickets.c.sequence))
                .label("rank"),
            )
            .where(
                and_(
                    tickets.c.location_id == desk.location_id,
                    tickets.c.business_date == business_day,
                    tickets.c.state == TicketState.WAITING.value,
                    tickets.c.service_id.in_(desk.service_ids),
                    or_(tickets.c.target_desk_id.is_(None), tickets.c.target_desk_id == desk.id),
                    tickets.c.id.not_in(list(exclude)) if exclude else tickets.c.id.is_not(None),
                )
            )
            .subquery()
        )
        heads = select(ranked.c.id).where(ranked.c.rank <= QUEUE_HEAD)
        query = select(tickets).where(tickets.c.id.in_(heads)).order_by(tickets.c.id)
        # The rule needs no periods; the one ticket locked next is loaded whole.
        return self._load(list(self._conn.execute(query)), with_periods=False)

    def lock_first_waiting(self, ticket_ids: Sequence[int]) -> Ticket | None:
        """Lock the first ticket in `ticket_ids` order that still waits and that no other desk
        holds, in one statement: on PostgreSQL rows another transaction has locked are
        skipped (SKIP LOCKED) and READ COMMITTED re-checks the state on the newest row
        version. SQLite's BEGIN IMMEDIATE already serialises writers."""
        if not ticket_ids:
            return None
        ids = list(ticket_ids)
        query = select(tickets).where(and_(tickets.c.id.in_(ids), tickets.c.state == TicketState.WAITING.value))
        if self._postgres:
            position = func.array_position(postgresql.array(ids), tickets.c.id)
            query = query.order_by(position).limit(1).with_for_update(skip_locked=True)
            found = self._load(list(self._conn.execute(query)))
            return found[0] if found else None
        rows = {r.id: r for r in self._conn.execute(query)}
        first = next((i for i in ids if i in rows), None)
        return self._load([rows[first]])[0] if first is not None else None

    def tickets_of_day(self, location_id: int, business_day: date) -> list[Ticket]:
        query = select(tickets).where(
            and_(tickets.c.location_id == location_id, tickets.c.business_date == business_day)
        )
        return self._load(list(self._conn.execute(query.order_by(tickets.c.id))))

    def unfinished_before(self, location_id: int, business_day: date) -> list[Ticket]:
        final = [s.value for s in TicketState if s.is_final]
        query = select(tickets).where(
            and_(
                tickets.c.location_id == location_id,
                tickets.c.business_date < business_day,
                tickets.c.state.not_in(final),
            )
        )
        return self._load(list(self._conn.execute(query.order_by(tickets.c.id))))

    def arrivals(self, location_id: int, since: datetime) -> list[Arrival]:
        query = select(tickets.c.service_id, tickets.c.priority, tickets.c.issued_at).where(
            and_(tickets.c.location_id == location_id, tickets.c.issued_at >= to_db(since))
        )
        return [
            Arrival(r.service_id, Priority(r.priority), utc(r.issued_at))  # type: ignore[arg-type]
            for r in self._conn.execute(query)
        ]

    def recent_calls(self, location_id: int, since: datetime, limit: int = 20) -> list[RecentCall]:
        query = (
            select(ticket_periods.c.service_id, tickets.c.priority)
            .join(tickets, tickets.c.id == ticket_periods.c.ticket_id)
            .where(
                and_(
                    ticket_periods.c.kind == PeriodKind.CALLED.value,
                    ticket_periods.c.started_at >= to_db(since),
                    tickets.c.location_id == location_id,
                )
            )
            .order_by(ticket_periods.c.started_at.desc(), ticket_periods.c.id.desc())
            .limit(limit)
        )
        return [RecentCall(r.service_id, Priority(r.priority)) for r in self._conn.execute(query)]

    def service_times(self, location_id: int, since: datetime) -> list[ServiceTime]:
        """Service time per visit: from its first serving period to its last period at that
        desk (serving and on hold together), for visits that have ended."""
        # A visit still at its desk has closed periods too once it was put on hold: leave it
        # out, or its first part would count as a (short) finished visit.
        still_at_desk = and_(
            tickets.c.state.in_([s.value for s in TicketState if s.at_desk]),
            tickets.c.desk_id == ticket_periods.c.desk_id,
        )
        query = (
            select(
                ticket_periods.c.ticket_id,
                ticket_periods.c.service_id,
                ticket_periods.c.desk_id,
                func.min(ticket_periods.c.started_at).label("started"),
                func.max(ticket_periods.c.ended_at).label("ended"),
            )
            .join(tickets, tickets.c.id == ticket_periods.c.ticket_id)
            .where(
                and_(
                    tickets.c.location_id == location_id,
                    ticket_periods.c.kind.in_([PeriodKind.SERVING.value, PeriodKind.ON_HOLD.value]),
                    ticket_periods.c.started_at >= to_db(since),
                    ticket_periods.c.ended_at.is_not(None),
                    not_(still_at_desk),
                )
            )
            .group_by(ticket_periods.c.ticket_id, ticket_periods.c.service_id, ticket_periods.c.desk_id)
        )
        result = []
        for row in self._conn.execute(query):
            started, ended = utc(row.started), utc(row.ended)
            if isinstance(started, datetime) and isinstance(ended, datetime):
                result.append(ServiceTime(row.service_id, row.desk_id, started, (ended - started).total_seconds() / 60))
        return result

    # --- writes --------------------------------------------------------------------------

    def next_sequence(self, location_id: int, business_day: date, prefix: str) -> int:
        dialect_insert = postgresql.insert if self._postgres else sqlite.insert
        statement = dialect_insert(number_counters).values(
            location_id=location_id, business_date=business_day, prefix=prefix, last_value=1
        )
        upsert = statement.on_conflict_do_update(
            index_elements=["location_id", "business_date", "prefix"],
            set_={"last_value": number_counters.c.last_value + 1},
        ).returning(number_counters.c.last_value)
        return int(self._conn.execute(upsert).scalar_one())

    def add_ticket(self, ticket: Ticket) -> Ticket:
        ticket_id = self._conn.execute(insert(tickets).values(**ticket_values(ticket)).returning(tickets.c.id))
        ticket.id = int(ticket_id.scalar_one())
        ticket.version = 0
        self._save_periods(ticket)
        return ticket

    def save_ticket(self, ticket: Ticket) -> None:
        if ticket.id is None:
            raise NotFound("Ticket is nog niet opgeslagen")
        self._conn.execute(update(tickets).where(tickets.c.id == ticket.id).values(**ticket_values(ticket)))
        self._save_periods(ticket)

    def _save_periods(self, ticket: Ticket) -> None:
        """Periods only grow and only the last one changes: upsert from the last saved one on,
        in one statement."""
        first_changed = max(ticket.version - 1, 0)
        rows = [
            {
                "ticket_id": ticket.id,
                "seq": seq,
                "kind": period.kind.value,
                "service_id": period.service_id or ticket.service_id,
                "started_at": to_db(period.started_at),
                "ended_at": to_db(period.ended_at),
                "desk_id": period.desk_id,
                "staff": period.staff,
            }
            for seq, period in enumerate(ticket.periods)
            if seq >= first_changed
        ]
        if rows:
            dialect_insert = postgresql.insert if self._postgres else sqlite.insert
            statement = dialect_insert(ticket_periods).values(rows)
            changed = {
                c: statement.excluded[c] for c in ("kind", "service_id", "started_at", "ended_at", "desk_id", "staff")
            }
            self._conn.execute(statement.on_conflict_do_update(index_elements=["ticket_id", "seq"], set_=changed))
        ticket.version = len(ticket.periods)

    def set_desk(self, desk: Desk) -> None:
        self._conn.execute(update(desks).where(desks.c.id == desk.id).values(is_open=desk.is_open, staff=desk.staff))
        self._conn.execute(delete(desk_services).where(desk_services.c.desk_id == desk.id))
        if desk.service_ids:
            self._conn.execute(
                insert(desk_services),
                [{"desk_id": desk.id, "service_id": s, "rank": rank} for rank, s in enumerate(desk.service_ids)],
            )

    def set_service_open(self, service_id: int, is_open: bool) -> None:
        self._conn.execute(update(services).where(services.c.id == service_id).values(is_open=is_open))

    def record(self, event: Event) -> None:
        kind, payload, created = type(event).__name__, json.dumps(event.to_payload()), datetime.now(UTC)
        if self._postgres:
            # One round trip; NOTIFY is delivered at commit, so nobody hears of a rollback.
            self._conn.exec_driver_sql(
                "WITH c AS (INSERT INTO changes (location_id, kind, payload, created_at) "
                "VALUES (%s, %s, %s, %s) RETURNING id) SELECT pg_notify(%s, id::text) FROM c",
                (event.location_id, kind, payload, created, NOTIFY_CHANNEL),
            )
            return
        self._conn.execute(
            insert(changes).values(location_id=event.location_id, kind=kind, payload=payload, created_at=created)
        )


class SqlQueueStore:
    """QueueStore over SQLAlchemy engines. SQLite gets a writer engine that begins with
    BEGIN IMMEDIATE (so a claim holds the write lock from its first read) and a reader engine."""

    def __init__(self, writer: Engine, reader: Engine | None = None) -> None:
        self._writer = writer
        self._reader = reader or writer

    @contextmanager
    def transaction(self) -> Iterator[SqlQueueTransaction]:
        with _translate_errors(), self._writer.begin() as conn:
            yield SqlQueueTransaction(conn, writable=True)

    @contextmanager
    def reading(self) -> Iterator[SqlQueueTransaction]:
        with _translate_errors(), self._reader.begin() as conn:
            yield SqlQueueTransaction(conn, writable=False)


@contextmanager
def _translate_errors() -> Iterator[None]:
    """Connection trouble becomes the core's DatabaseUnavailable; the UI knows what to say."""
    try:
        yield
    except OperationalError as error:
        raise DatabaseUnavailable("De database is niet bereikbaar", detail=str(error.orig)[:200]) from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise DatabaseUnavailable("De verbinding met de database is verbroken") from error
        raise
