"""Staff accounts in the database: SQL behind the core's StaffDirectory port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.core.auth import AccountNotFound, StaffAccount, UsernameTaken
from app.core.errors import DatabaseUnavailable
from app.core.staff import Role
from app.store.schema import to_db, utc
from app.store.staff_tables import staff_accounts, staff_roles


@contextmanager
def translate_errors() -> Iterator[None]:
    """Connection trouble becomes the core's DatabaseUnavailable; the UI knows what to say."""
    try:
        yield
    except OperationalError as error:
        raise DatabaseUnavailable("De database is niet bereikbaar", detail=str(error.orig)[:200]) from error
    except DBAPIError as error:
        if error.connection_invalidated:
            raise DatabaseUnavailable("De verbinding met de database is verbroken") from error
        raise


def _account(row: Any, roles: frozenset[Role]) -> StaffAccount:
    return StaffAccount(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        roles=roles,
        password_hash=row.password_hash,
        active=row.active,
        failed_attempts=row.failed_attempts,
        locked_until=utc(row.locked_until),
    )


def _roles(conn: Connection, staff_id: int) -> frozenset[Role]:
    rows = conn.execute(select(staff_roles.c.role).where(staff_roles.c.staff_id == staff_id))
    # A role name this version does not know (written by a newer one) grants nothing.
    return frozenset(Role(r.role) for r in rows if r.role in Role._value2member_map_)


def _write_roles(conn: Connection, staff_id: int, roles: frozenset[Role]) -> None:
    conn.execute(delete(staff_roles).where(staff_roles.c.staff_id == staff_id))
    if roles:
        conn.execute(insert(staff_roles), [{"staff_id": staff_id, "role": r.value} for r in sorted(roles)])


class SqlStaffDirectory:
    """Implements app.core.auth.StaffDirectory on SQLite and PostgreSQL."""

    def __init__(self, writer: Engine, reader: Engine | None = None) -> None:
        self._writer = writer
        self._reader = reader or writer

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with translate_errors(), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with translate_errors(), self._reader.begin() as conn:
            yield conn

    def by_username(self, username: str) -> StaffAccount | None:
        with self._read() as conn:
            row = conn.execute(select(staff_accounts).where(staff_accounts.c.username == username)).first()
            return None if row is None else _account(row, _roles(conn, row.id))

    def add(self, account: StaffAccount) -> StaffAccount:
        try:
            with self._write() as conn:
                new_id = conn.execute(
                    insert(staff_accounts)
                    .values(
                        username=account.username,
                        display_name=account.display_name,
                        password_hash=account.password_hash,
                        active=account.active,
                        failed_attempts=0,
                        locked_until=None,
                    )
                    .returning(staff_accounts.c.id)
                ).scalar_one()
                _write_roles(conn, new_id, account.roles)
        except IntegrityError:
            raise UsernameTaken("Deze gebruikersnaam bestaat al.") from None
        return StaffAccount(
            id=new_id,
            username=account.username,
            display_name=account.display_name,
            roles=account.roles,
            password_hash=account.password_hash,
            active=account.active,
        )

    def save(self, account: StaffAccount) -> None:
        with self._write() as conn:
            changed = conn.execute(
                update(staff_accounts)
                .where(staff_accounts.c.id == account.id)
                .values(
                    display_name=account.display_name,
                    password_hash=account.password_hash,
                    active=account.active,
                )
            ).rowcount
            if changed != 1 or account.id is None:
                raise AccountNotFound("Dit account bestaat niet.")
            _write_roles(conn, account.id, account.roles)

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        with self._write() as conn:
            changed = conn.execute(
                update(staff_accounts).where(staff_accounts.c.id == account_id).values(password_hash=password_hash)
            ).rowcount
        if changed != 1:
            raise AccountNotFound("Dit account bestaat niet.")

    def record_failure(self, account_id: int) -> int:
        with self._write() as conn:
            # One statement: two desks failing at once both count.
            conn.execute(
                update(staff_accounts)
                .where(staff_accounts.c.id == account_id)
                .values(failed_attempts=staff_accounts.c.failed_attempts + 1)
            )
            count = conn.execute(
                select(staff_accounts.c.failed_attempts).where(staff_accounts.c.id == account_id)
            ).scalar_one_or_none()
        if count is None:
            raise AccountNotFound("Dit account bestaat niet.")
        return int(count)

    def lock(self, account_id: int, until: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                update(staff_accounts)
                .where(staff_accounts.c.id == account_id)
                .values(failed_attempts=0, locked_until=to_db(until))
            )

    def record_success(self, account_id: int, at: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                update(staff_accounts)
                .where(staff_accounts.c.id == account_id)
                .values(failed_attempts=0, locked_until=None, last_sign_in_at=to_db(at))
            )

    def list_accounts(self) -> list[StaffAccount]:
        with self._read() as conn:
            rows = conn.execute(select(staff_accounts).order_by(staff_accounts.c.username)).all()
            return [_account(row, _roles(conn, row.id)) for row in rows]
