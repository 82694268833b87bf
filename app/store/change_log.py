"""One row in the change log, written inside the caller's transaction.

The watcher in every process turns the row into a typed event. On PostgreSQL the insert and
pg_notify go in one statement; NOTIFY is delivered at commit, so nobody hears of a rollback.
The queue writes its rows the same way (SqlQueueTransaction.record).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Connection, insert

from app.core.events import Event
from app.store.queue_repository import NOTIFY_CHANNEL
from app.store.schema import changes


def record_change(conn: Connection, event: Event) -> None:
    kind, payload, created = type(event).__name__, json.dumps(event.to_payload()), datetime.now(UTC)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "WITH c AS (INSERT INTO changes (location_id, kind, payload, created_at) "
            "VALUES (%s, %s, %s, %s) RETURNING id) SELECT pg_notify(%s, id::text) FROM c",
            (event.location_id, kind, payload, created, NOTIFY_CHANNEL),
        )
        return
    conn.execute(insert(changes).values(location_id=event.location_id, kind=kind, payload=payload, created_at=created))
