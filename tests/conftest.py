"""Shared fixtures. Kept small: each test tier has its own conftest for the rest."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Every tier may create the QApplication (the hardware tests check that card events reach the UI
# thread): without a screen Qt would abort the whole run, so tests always draw offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/loket_test"


def _unavailable(reason: str) -> None:
    # In CI nothing that matters is skipped: a missing server is a broken pipeline.
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


# Two test runs on one machine (two engineers, or CI next to a developer) share loket_test;
# store tests drop and recreate its schema, so one run holds this lock for its whole session.
SESSION_LOCK_KEY = 0x4C4F4B4554  # "LOKET"
SESSION_LOCK_WAIT = "240s"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
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
        conn = psycopg.connect(libpq_url, connect_timeout=3, autocommit=True)
    except psycopg.Error as error:
        _unavailable(f"{url}: {error}")
        raise
    try:
        conn.execute(f"SET lock_timeout = '{SESSION_LOCK_WAIT}'")
        conn.execute("SELECT pg_advisory_lock(%s)", (SESSION_LOCK_KEY,))
    except psycopg.errors.LockNotAvailable:
        conn.close()
        pytest.fail(f"another test run has held {url} for over {SESSION_LOCK_WAIT}", pytrace=False)
    try:
        yield url
    finally:
        conn.close()  # releases the session lock


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests marked `postgres` get the server check even when they don't ask for pg_url by name.
    for item in items:
        if item.get_closest_marker("postgres") and "pg_url" not in getattr(item, "fixturenames", ()):
            item.fixturenames.append("pg_url")  # type: ignore[attr-defined]
