"""Shared fixtures. Kept small: each test tier has its own conftest for the rest."""

from __future__ import annotations

import os

import pytest

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/loket_test"


def _unavailable(reason: str) -> None:
    # In CI nothing that matters is skipped: a missing server is a broken pipeline.
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def pg_url() -> str:
    """SQLAlchemy URL of the test PostgreSQL database (LOKET_TEST_PG_URL), checked to answer."""
    url = os.environ.get("LOKET_TEST_PG_URL", DEFAULT_PG_URL)
    try:
        import psycopg
        from sqlalchemy.engine import make_url
    except ImportError as error:  # pragma: no cover - dev dependencies are always installed
        _unavailable(str(error))
        raise
    # psycopg wants a libpq URL, without SQLAlchemy's "+psycopg" driver suffix.
    libpq_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(libpq_url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        _unavailable(f"{url}: {error}")
    return url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests marked `postgres` get the server check even when they don't ask for pg_url by name.
    for item in items:
        if item.get_closest_marker("postgres") and "pg_url" not in getattr(item, "fixturenames", ()):
            item.fixturenames.append("pg_url")  # type: ignore[attr-defined]
