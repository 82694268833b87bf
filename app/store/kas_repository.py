"""The desk's kas in SQL: cash lines and day closings (card lines come from the payment journal)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core.payment.kas import DayAlreadyClosed, DayClosing, KasLine, KasMethod
from app.store.database import Database
from app.store.payment_tables import kas_closings, kas_lines
from app.store.queue_repository import _translate_errors
from app.store.schema import to_db, utc


def _when(value: datetime | None) -> datetime:
    result = utc(value)
    assert result is not None
    return result


class SqlKasStore:
    """Implements app.core.payment.kas.KasStore."""

    def __init__(self, database: Database) -> None:
        self._writer = database.writer
        self._reader = database.reader

    def add_cash(self, kas_id: str, line: KasLine) -> None:
        with _translate_errors(), self._writer.begin() as conn:
            conn.execute(
                insert(kas_lines).values(
                    kas_id=kas_id,
                    amount_cents=line.amount_cents,
                    description=line.description,
                    at=to_db(line.at),
                    staff=line.staff,
                )
            )

    def open_cash_lines(self, kas_id: str) -> list[KasLine]:
        query = (
            select(kas_lines)
            .where(and_(kas_lines.c.kas_id == kas_id, kas_lines.c.closing_id.is_(None)))
            .order_by(kas_lines.c.at, kas_lines.c.id)
        )
        with _translate_errors(), self._reader.connect() as conn:
            return [
                KasLine(KasMethod.CASH, row.amount_cents, row.description, _when(row.at), row.staff)
                for row in conn.execute(query)
            ]

    def last_closed_at(self, kas_id: str) -> datetime | None:
        query = select(func.max(kas_closings.c.closed_at)).where(kas_closings.c.kas_id == kas_id)
        with _translate_errors(), self._reader.connect() as conn:
            return utc(conn.execute(query).scalar())

    def is_closed(self, kas_id: str, business_date: date) -> bool:
        query = select(kas_closings.c.id).where(
            and_(kas_closings.c.kas_id == kas_id, kas_closings.c.business_date == business_date)
        )
        with _translate_errors(), self._reader.connect() as conn:
            return conn.execute(query).first() is not None

    def save_closing(self, closing: DayClosing) -> None:
        try:
            with _translate_errors(), self._writer.begin() as conn:
                closing_id = conn.execute(
                    insert(kas_closings)
                    .values(
                        kas_id=closing.kas_id,
                        business_date=closing.business_date,
                        period_start=to_db(closing.period_start),
                        closed_at=to_db(closing.closed_at),
                        staff=closing.staff,
                        card_count=closing.card_count,
                        card_cents=closing.card_cents,
                        terminal_count=closing.terminal.approved_count,
                        terminal_cents=closing.terminal.approved_cents,
                        terminal_period=closing.terminal.period_reference,
                        cash_expected_cents=closing.cash_expected_cents,
                        cash_counted_cents=closing.cash_counted_cents,
                    )
                    .returning(kas_closings.c.id)
                ).scalar_one()
                conn.execute(
                    update(kas_lines)
                    .where(
                        and_(
                            kas_lines.c.kas_id == closing.kas_id,
                            kas_lines.c.closing_id.is_(None),
                            kas_lines.c.at <= to_db(closing.closed_at),
                        )
                    )
                    .values(closing_id=closing_id)
                )
        except IntegrityError as error:
            raise DayAlreadyClosed("Deze kas is vandaag al afgesloten.", kas=closing.kas_id) from error
