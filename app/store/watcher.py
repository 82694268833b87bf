"""One watcher per process turns the database's change log into typed events on the bus.

PostgreSQL: LISTEN on a connection of its own; NOTIFY carries the id of the new change row.
SQLite: `PRAGMA data_version` on a connection of its own changes whenever another connection
commits, so a check every few tens of milliseconds costs next to nothing.

When the database goes away the watcher publishes DatabaseStatusChanged(online=False), keeps
trying with a growing pause, and on return publishes online=True and catches up on what it
missed, so no screen stays stale.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.core.events import DatabaseStatusChanged, event_from_payload
from app.core.queue.ports import EventPublisher
from app.store.queue_repository import NOTIFY_CHANNEL

if TYPE_CHECKING:
    from app.store.database import Database

log = logging.getLogger(__name__)

MAX_BACKOFF = 5.0
_SEEN_KEPT = 4096


class ChangeWatcher:
    def __init__(self, database: Database, bus: EventPublisher, *, interval: float = 0.02) -> None:
        self._database = database
        self._bus = bus
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_id: int | None = None
        self._seen: deque[int] = deque(maxlen=_SEEN_KEPT)
        self._seen_set: set[int] = set()
        self._online = True
        self.ready = threading.Event()  # set once the watcher listens (tests wait on it)

    def start(self) -> None:
        """Start listening. Every change committed after this returns is delivered, so a
        screen may load its first snapshot right after (no gap between load and events)."""
        if self._thread is not None:
            return
        if self._last_id is None:
            try:
                with self._database.reader.connect() as conn:
                    self._last_id = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM changes").scalar_one())
            except SQLAlchemyError:
                log.warning("wachter: startpunt nog onbekend, database niet bereikbaar")
        self._thread = threading.Thread(target=self._run, name="loket-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # --- loop ----------------------------------------------------------------------------

    def _run(self) -> None:
        backoff = 0.25
        while not self._stop.is_set():
            try:
                if self._database.backend == "postgresql":
                    self._listen_postgres()
                else:
                    self._poll_sqlite()
                backoff = 0.25
            except (psycopg.Error, sqlite3.Error, OSError) as error:
                self._went_offline(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
            except Exception:  # a bug must not kill the watcher silently
                log.exception("wachter: onverwachte fout")
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _went_offline(self, detail: str) -> None:
        if self._online:
            log.warning("database niet bereikbaar: %s", detail)
            self._online = False
            self._bus.publish(DatabaseStatusChanged(0, False, detail))

    def _came_online(self) -> None:
        if not self._online:
            log.info("database weer bereikbaar")
            self._online = True
            self._bus.publish(DatabaseStatusChanged(0, True, ""))

    def _deliver(self, rows: Iterable[tuple[int, str, str]]) -> None:
        for change_id, kind, payload in rows:
            if change_id in self._seen_set:
                continue
            if len(self._seen) == self._seen.maxlen:
                self._seen_set.discard(self._seen[0])
            self._seen.append(change_id)
            self._seen_set.add(change_id)
            self._last_id = max(self._last_id or 0, change_id)
            try:
                event = event_from_payload(kind, json.loads(payload))
            except (ValueError, TypeError):
                log.warning("wijziging %s onleesbaar, overgeslagen", change_id)
                continue
            if event is not None:
                self._bus.publish(event)

    # --- PostgreSQL ----------------------------------------------------------------------

    def _listen_postgres(self) -> None:
        url = make_url(self._database.url).set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5, application_name="loket-watcher") as conn:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._catch_up_postgres(conn, [])
            self._came_online()
            self.ready.set()
            while not self._stop.is_set():
                ids = [int(n.payload) for n in conn.notifies(timeout=0.5, stop_after=1) if n.payload.isdigit()]
                if ids:
                    self._catch_up_postgres(conn, ids)
                else:
                    conn.execute("SELECT 1")  # notice a dead server while idle

    def _catch_up_postgres(self, conn: psycopg.Connection[Any], notified: list[int]) -> None:
        if self._last_id is None:
            row = conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()
            self._last_id = int(row[0]) if row else 0
            return
        # Ids come from a sequence, so a transaction can commit after one with a higher id:
        # ask for the notified ids explicitly as well as everything past the last one.
        rows = conn.execute(
            "SELECT id, kind, payload FROM changes WHERE id > %s OR id = ANY(%s) ORDER BY id",
            (self._last_id, notified),
        ).fetchall()
        self._deliver(rows)

    # --- SQLite --------------------------------------------------------------------------

    def _poll_sqlite(self) -> None:
        path = make_url(self._database.url).database or ""
        conn = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=5000")
            version = None
            if self._last_id is None:
                self._last_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0])
            self._came_online()
            self.ready.set()
            while not self._stop.is_set():
                current = conn.execute("PRAGMA data_version").fetchone()[0]
                if current != version:
                    version = current
                    rows = conn.execute(
                        "SELECT id, kind, payload FROM changes WHERE id > ? ORDER BY id", (self._last_id,)
                    ).fetchall()
                    self._deliver(rows)
                self._stop.wait(self._interval)
        finally:
            conn.close()
