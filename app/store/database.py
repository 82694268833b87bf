"""Opening the database: SQLite (WAL) for one PC, PostgreSQL for a hall with several PCs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from app.core.errors import ConfigError, DatabaseUnavailable
from app.core.queue.ports import EventPublisher
from app.store.queue_repository import SqlQueueStore
from app.store.safety import check_sqlite_location
from app.store.schema import locations

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the write lock at BEGIN: the claim reads and writes as one step.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """One database of Loket, with the engines to reach it. Built in the composition root."""

    def __init__(self, url: str, writer: Engine, reader: Engine) -> None:
        self.url = url
        self.writer = writer
        self.reader = reader

    @property
    def backend(self) -> str:
        return self.writer.dialect.name

    @classmethod
    def open(cls, url: str, *, check_location: bool = True) -> Database:
        try:
            parsed = make_url(url)
        except ArgumentError as error:
            raise ConfigError(f"Ongeldige database-URL: {url!r}", key="database.url") from error
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.get_backend_name() == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise ConfigError("SQLite heeft een bestand nodig, geen geheugendatabase", key="database.url")
            path = Path(parsed.database).expanduser()
            if check_location:
                check_sqlite_location(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            text = parsed.set(database=str(path)).render_as_string(hide_password=False)
            return cls(text, _sqlite_engine(text, immediate=True), _sqlite_engine(text, immediate=False))
        if parsed.get_backend_name() != "postgresql":
            raise ConfigError(f"Database '{parsed.drivername}' wordt niet ondersteund", key="database.url")
        text = parsed.render_as_string(hide_password=False)
        engine = create_engine(
            text, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args={"connect_timeout": 5}
        )
        return cls(text, engine, engine)

    def upgrade(self) -> None:
        """Bring the schema to the newest version (Alembic)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.writer.connect() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
                conn.commit()
        except OperationalError as error:
            raise DatabaseUnavailable("De database is niet bereikbaar", detail=str(error.orig)[:200]) from error

    def queue_store(self) -> SqlQueueStore:
        return SqlQueueStore(self.writer, self.reader)

    def watcher(self, bus: EventPublisher, *, interval: float = 0.02) -> Any:
        from app.store.watcher import ChangeWatcher

        return ChangeWatcher(self, bus, interval=interval)

    def is_empty(self) -> bool:
        with self.reader.connect() as conn:
            return conn.execute(select(locations.c.id).limit(1)).first() is None

    def dispose(self) -> None:
        self.writer.dispose()
        if self.reader is not self.writer:
            self.reader.dispose()
