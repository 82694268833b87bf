"""Alembic environment: runs on the connection `Database.upgrade()` hands over."""

from alembic import context

from app.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Gebruik 'loket db upgrade'; de migraties hebben een verbinding nodig")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
