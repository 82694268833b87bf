"""The audit log in the database: only ever appended to, read by team leads and administrators."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError

from app.core.audit import AuditEntry, AuditOutcome, AuditWriteFailed
from app.store.schema import to_db, utc
from app.store.staff_repository import translate_errors
from app.store.staff_tables import audit_log

log = logging.getLogger(__name__)


class SqlAuditLog:
    """Implements app.core.audit.AuditLog. Each entry is committed on its own before `record`
    returns, so a lookup never shows data whose audit entry is not on disk."""

    def __init__(self, writer: Engine, reader: Engine | None = None) -> None:
        self._writer = writer
        self._reader = reader or writer

    def record(self, entry: AuditEntry) -> None:
        try:
            with self._writer.begin() as conn:
                conn.execute(
                    insert(audit_log).values(
                        at=to_db(entry.at),
                        staff_id=entry.staff_id,
                        username=entry.username[:40],
                        action=entry.action,
                        subject=entry.subject,
                        reason=entry.reason[:300],
                        outcome=entry.outcome.value,
                    )
                )
        except SQLAlchemyError as error:
            # The driver's message may quote the row (with the BSN): log only the kind of error.
            log.error("audit entry not written: %s", type(error).__name__)
            raise AuditWriteFailed(
                "De opvraging kon niet worden vastgelegd. Daarom worden er geen gegevens getoond. Probeer het opnieuw."
            ) from None

    def entries_between(
        self, start: datetime, end: datetime, *, username: str | None = None, subject: str | None = None
    ) -> list[AuditEntry]:
        query = select(audit_log).where(audit_log.c.at >= to_db(start), audit_log.c.at < to_db(end))
        if username is not None:
            query = query.where(audit_log.c.username == username)
        if subject is not None:
            # A search entry names several BSNs separated by commas.
            query = query.where(
                (audit_log.c.subject == subject)
                | audit_log.c.subject.startswith(subject + ",", autoescape=True)
                | audit_log.c.subject.endswith("," + subject, autoescape=True)
                | audit_log.c.subject.contains("," + subject + ",", autoescape=True)
            )
        with translate_errors(), self._reader.begin() as conn:
            rows = conn.execute(query.order_by(audit_log.c.at, audit_log.c.id)).all()
        return [
            AuditEntry(
                at=utc(row.at) or start,
                staff_id=row.staff_id,
                username=row.username,
                action=row.action,
                subject=row.subject,
                reason=row.reason,
                outcome=AuditOutcome(row.outcome),
                id=row.id,
            )
            for row in rows
        ]
