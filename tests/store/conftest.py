"""Every store test runs on SQLite and on PostgreSQL (a missing server fails in CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store.database import Database


def fresh_database(url: str) -> Database:
    db = Database.open(url)
    if db.backend == "postgresql":
        with db.writer.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.upgrade()
    return db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'loket.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = fresh_database(database_url)
    yield db
    db.dispose()
