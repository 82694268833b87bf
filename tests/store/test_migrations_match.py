"""The migrations build exactly the tables the code queries: no column the code expects is missing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import app.store.contact_tables
import app.store.knowledge_tables
import app.store.payment_tables
import app.store.staff_tables  # noqa: F401  (each module adds its tables to the shared metadata)
from app.store.database import Database
from app.store.schema import metadata


def _table_level(diff: list) -> list:
    # What the code would query but the migrations never created. The other direction is allowed:
    # search indexes (FTS5 tables, a generated tsvector) live only in the database, not in the code.
    kinds = {"add_table", "add_column"}
    flat = [d for group in diff for d in (group if isinstance(group, list) else [group])]
    return [d for d in flat if isinstance(d, tuple) and d[0] in kinds]


def test_migrated_database_has_every_table_and_column_of_the_code(database: Database) -> None:
    with database.writer.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert _table_level(diff) == []


def test_a_column_the_migrations_lack_is_caught(database: Database) -> None:
    # Guards the check above against passing vacuously: a column only the code knows is reported.
    from sqlalchemy import Column, Integer, MetaData, Table

    extended = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(extended)
    Table("tickets", extended, Column("not_migrated", Integer), extend_existing=True)
    with database.writer.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), extended)
    assert [d[3].name for d in _table_level(diff)] == ["not_migrated"]
