"""The payment journal and the kas in SQL (SQLite and PostgreSQL).

Every write is one short transaction that is committed before the method returns: the caller
sends nothing to the terminal until `record` has returned. On SQLite the writer engine begins
with BEGIN IMMEDIATE, so two processes never interleave their journal writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core.clock import Clock, SystemClock
from app.core.errors import NotFound
from app.core.payment.errors import ServiceIdInvalid
from app.core.payment.journal import JournalConflict, JournalEntry, OrderExists, OrderInfo
from app.core.payment.order import PaymentOrder
from app.core.payment.ports import TerminalResult
from app.core.payment.service_id import UsedServiceId
from app.core.payment.state import OPEN_STATES, Payment, PaymentState
from app.store.database import Database
from app.store.kas_repository import SqlKasStore
from app.store.payment_tables import (
    payment_attempts,
    payment_orders,
    payment_service_ids,
)
from app.store.queue_repository import _translate_errors
from app.store.schema import to_db, utc

_OPEN = [state.value for state in OPEN_STATES]


def _when(value: datetime | None) -> datetime:
    result = utc(value)
    assert result is not None
    return result


def _attempt_values(payment: Payment) -> dict[str, Any]:
    return {
        "state": payment.state.value,
        "service_id": payment.service_id,
        "status_service_ids": json.dumps(list(payment.status_service_ids)),
        "unanswered_status_queries": payment.unanswered_status_queries,
        "decided_by": payment.decided_by,
    }


def _result_values(result: TerminalResult) -> dict[str, Any]:
    return {
        "approval_code": result.approval_code,
        "masked_pan": result.masked_pan,
        "card_brand": result.card_brand,
        "terminal_reference": result.terminal_reference,
        "reason": result.reason[:200] if result.reason else None,
        "approved_cents": result.amount_cents,
        "cardholder_receipt": json.dumps(list(result.cardholder_receipt)),
        "merchant_receipt": json.dumps(list(result.merchant_receipt)),
    }


def _payment(row: Any) -> Payment:
    return Payment(
        attempt_id=row.attempt_id,
        poi_id=row.poi_id,
        amount_cents=row.amount_cents,
        state=PaymentState(row.state),
        service_id=row.service_id,
        status_service_ids=tuple(json.loads(row.status_service_ids)),
        unanswered_status_queries=row.unanswered_status_queries,
        decided_by=row.decided_by,
    )


def _entry(row: Any) -> JournalEntry:
    return JournalEntry(
        order_id=row.order_id,
        attempt_id=row.attempt_id,
        poi_id=row.poi_id,
        amount_cents=row.amount_cents,
        description=row.description,
        state=PaymentState(row.state),
        service_id=row.service_id,
        status_service_ids=tuple(json.loads(row.status_service_ids)),
        approval_code=row.approval_code,
        masked_pan=row.masked_pan,
        card_brand=row.card_brand,
        terminal_reference=row.terminal_reference,
        reason=row.reason,
        cardholder_receipt=tuple(json.loads(row.cardholder_receipt)),
        merchant_receipt=tuple(json.loads(row.merchant_receipt)),
        decided_by=row.decided_by,
        created_at=_when(row.created_at),
        updated_at=_when(row.updated_at),
        workstation=row.workstation,
        operator=row.operator,
        approved_cents=row.approved_cents,
    )


def _entries_query() -> Select[Any]:
    extra = (payment_orders.c.description, payment_orders.c.workstation, payment_orders.c.operator)
    return select(*payment_attempts.c, *extra).join(
        payment_orders, payment_orders.c.order_id == payment_attempts.c.order_id
    )


@contextmanager
def _durable(conn: Connection) -> Iterator[None]:
    """On SQLite, sync the journal's commits to disk (synchronous=FULL) for the length of one write.

    The database runs WAL with synchronous=NORMAL, which survives a crashed process but may lose
    the last commits on a power cut; a journalled SENT must survive both. The setting cannot change
    inside a transaction, so it is set around it on the raw connection (autocommit mode)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA synchronous=FULL")
    try:
        yield
    finally:
        raw.execute("PRAGMA synchronous=NORMAL")


def _check_follows(order: PaymentOrder, stored: dict[str, tuple[int, Payment]]) -> None:
    """The journal only moves forward: refuse a write made from an outdated copy of the order
    (another process paid or decided it meanwhile), so no journalled ServiceID or outcome is lost."""
    ids = [payment.attempt_id for payment in order.attempts]
    for attempt_id, (seq, old) in stored.items():
        new = order.attempts[seq] if seq < len(ids) and ids[seq] == attempt_id else None
        if new is None or (old.is_final and new.state is not old.state):
            raise JournalConflict("Deze betaling is intussen ergens anders veranderd.", order_id=order.order_id)
        if old.service_id not in (None, new.service_id) or not _starts_with(new, old):
            raise JournalConflict("Deze betaling is intussen ergens anders veranderd.", order_id=order.order_id)


def _starts_with(new: Payment, old: Payment) -> bool:
    return new.status_service_ids[: len(old.status_service_ids)] == old.status_service_ids


class SqlPaymentJournal:
    """Implements app.core.payment.journal.PaymentJournal."""

    def __init__(self, database: Database, clock: Clock | None = None) -> None:
        self._writer = database.writer
        self._reader = database.reader
        self._clock = clock or SystemClock()

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        try:
            with _translate_errors(), self._writer.connect() as conn, _durable(conn), conn.begin():
                yield conn
        except IntegrityError as error:
            # The unique constraint caught a ServiceID that another order (or process) holds.
            raise ServiceIdInvalid("Deze ServiceID is al gebruikt.") from error

    # --- writing --------------------------------------------------------------------------

    def create(self, order: PaymentOrder, info: OrderInfo) -> None:
        now = to_db(self._clock.now())
        with self._writing() as conn:
            taken = select(payment_orders.c.order_id).where(payment_orders.c.order_id == order.order_id)
            if conn.execute(taken).first() is not None:
                raise OrderExists("Deze betaling bestaat al.", order_id=order.order_id)
            conn.execute(
                insert(payment_orders).values(
                    order_id=order.order_id,
                    poi_id=order.poi_id,
                    amount_cents=order.amount_cents,
                    description=info.description,
                    workstation=info.workstation,
                    operator=info.operator,
                    created_at=now,
                )
            )
            self._record(conn, order, None, now)

    def record(self, order: PaymentOrder, result: TerminalResult | None = None) -> None:
        now = to_db(self._clock.now())
        with self._writing() as conn:
            self._record(conn, order, result, now)

    def _record(
        self, conn: Connection, order: PaymentOrder, result: TerminalResult | None, now: datetime | None
    ) -> None:
        # Locks the order's rows on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers).
        query = select(payment_attempts).where(payment_attempts.c.order_id == order.order_id).with_for_update()
        known = {row.attempt_id: (row.seq, _payment(row)) for row in conn.execute(query)}
        _check_follows(order, known)
        for seq, payment in enumerate(order.attempts):
            values = _attempt_values(payment)
            if payment is order.current and result is not None:
                values |= _result_values(result)
            if payment.attempt_id not in known:
                conn.execute(
                    insert(payment_attempts).values(
                        attempt_id=payment.attempt_id,
                        order_id=order.order_id,
                        seq=seq,
                        poi_id=payment.poi_id,
                        amount_cents=payment.amount_cents,
                        created_at=now,
                        updated_at=now,
                        **{"cardholder_receipt": "[]", "merchant_receipt": "[]"} | values,
                    )
                )
            elif payment is order.current:
                # Earlier attempts are final and never change: their approval time stays put.
                conn.execute(
                    update(payment_attempts)
                    .where(payment_attempts.c.attempt_id == payment.attempt_id)
                    .values(updated_at=now, **values)
                )
        self._store_service_ids(conn, order, now)

    def _store_service_ids(self, conn: Connection, order: PaymentOrder, now: datetime | None) -> None:
        wanted: dict[str, str] = {}
        for payment in order.attempts:
            if payment.service_id:
                wanted[payment.service_id] = "payment"
            for sid in payment.status_service_ids:
                wanted[sid] = "status"
        if not wanted:
            return
        held = conn.execute(
            select(payment_service_ids.c.service_id, payment_service_ids.c.order_id).where(
                and_(payment_service_ids.c.poi_id == order.poi_id, payment_service_ids.c.service_id.in_(wanted))
            )
        ).all()
        for row in held:
            if row.order_id != order.order_id:
                raise ServiceIdInvalid("Deze ServiceID is al gebruikt.", poi_id=order.poi_id)
        new = [sid for sid in wanted if sid not in {row.service_id for row in held}]
        if new:
            conn.execute(
                insert(payment_service_ids),
                [
                    {
                        "poi_id": order.poi_id,
                        "service_id": sid,
                        "order_id": order.order_id,
                        "purpose": wanted[sid],
                        "used_at": now,
                    }
                    for sid in new
                ],
            )

    def reserve_service_id(self, used: UsedServiceId, order_id: str | None, purpose: str) -> None:
        with self._writing() as conn:
            conn.execute(
                insert(payment_service_ids).values(
                    poi_id=used.poi_id,
                    service_id=used.service_id,
                    order_id=order_id,
                    purpose=purpose,
                    used_at=to_db(used.used_at),
                )
            )

    # --- reading --------------------------------------------------------------------------

    def _load(self, conn: Connection, order_id: str) -> PaymentOrder:
        row = conn.execute(select(payment_orders).where(payment_orders.c.order_id == order_id)).first()
        if row is None:
            raise NotFound("Deze betaling staat niet in het journaal.", order_id=order_id)
        attempts = conn.execute(
            select(payment_attempts).where(payment_attempts.c.order_id == order_id).order_by(payment_attempts.c.seq)
        )
        return PaymentOrder(
            order_id=row.order_id,
            poi_id=row.poi_id,
            amount_cents=row.amount_cents,
            attempts=tuple(_payment(a) for a in attempts),
        )

    def load(self, order_id: str) -> PaymentOrder:
        with _translate_errors(), self._reader.connect() as conn:
            return self._load(conn, order_id)

    def info(self, order_id: str) -> OrderInfo:
        with _translate_errors(), self._reader.connect() as conn:
            row = conn.execute(select(payment_orders).where(payment_orders.c.order_id == order_id)).first()
        if row is None:
            raise NotFound("Deze betaling staat niet in het journaal.", order_id=order_id)
        return OrderInfo(description=row.description, workstation=row.workstation, operator=row.operator)

    def entries(self, order_id: str) -> list[JournalEntry]:
        query = _entries_query().where(payment_attempts.c.order_id == order_id).order_by(payment_attempts.c.seq)
        with _translate_errors(), self._reader.connect() as conn:
            return [_entry(row) for row in conn.execute(query)]

    def open_orders(self, poi_id: str | None = None) -> list[PaymentOrder]:
        query = select(payment_attempts.c.order_id).where(payment_attempts.c.state.in_(_OPEN)).distinct()
        if poi_id is not None:
            query = query.where(payment_attempts.c.poi_id == poi_id)
        with _translate_errors(), self._reader.connect() as conn:
            ids = sorted(row.order_id for row in conn.execute(query))
            return [self._load(conn, order_id) for order_id in ids]

    def used_service_ids(self, poi_id: str, since: datetime) -> list[UsedServiceId]:
        query = select(payment_service_ids.c.service_id, payment_service_ids.c.used_at).where(
            and_(payment_service_ids.c.poi_id == poi_id, payment_service_ids.c.used_at >= to_db(since))
        )
        with _translate_errors(), self._reader.connect() as conn:
            return [UsedServiceId(poi_id, row.service_id, _when(row.used_at)) for row in conn.execute(query)]

    def approved_between(self, start: datetime, end: datetime, poi_id: str | None = None) -> list[JournalEntry]:
        query = (
            _entries_query()
            .where(
                payment_attempts.c.state == PaymentState.APPROVED.value,
                payment_attempts.c.updated_at >= to_db(start),
                payment_attempts.c.updated_at < to_db(end),
            )
            .order_by(payment_attempts.c.updated_at, payment_attempts.c.attempt_id)
        )
        if poi_id is not None:
            query = query.where(payment_attempts.c.poi_id == poi_id)
        with _translate_errors(), self._reader.connect() as conn:
            return [_entry(row) for row in conn.execute(query)]


__all__ = ["SqlKasStore", "SqlPaymentJournal"]  # the kas store lives in kas_repository
