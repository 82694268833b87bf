"""Demo staff accounts, one per role, with demo passwords. Only for `loket demo` and trials:
a real hall creates its accounts through the manage mode or `loket staff add`."""

from __future__ import annotations

import logging

from app.core.auth import StaffAccount, UsernameTaken, hash_password
from app.core.staff import Role
from app.store.database import Database
from app.store.staff_repository import SqlStaffDirectory

log = logging.getLogger(__name__)

# username: (display name, roles, password). The passwords are public on purpose: demo only.
DEMO_STAFF: dict[str, tuple[str, frozenset[Role], str]] = {
    "balie1": ("Anna de Vries", frozenset({Role.BALIEMEDEWERKER}), "demo-balie1-wachtwoord"),
    "balie2": ("Mohamed El Amrani", frozenset({Role.BALIEMEDEWERKER}), "demo-balie2-wachtwoord"),
    "gastheer": ("Sanne Jansen", frozenset({Role.GASTHEER}), "demo-gastheer-wachtwoord"),
    "redacteur": ("Pieter Bakker", frozenset({Role.REDACTEUR}), "demo-redacteur-wachtwoord"),
    "teamleider": ("Fatma Yilmaz", frozenset({Role.TEAMLEIDER}), "demo-teamleider-wachtwoord"),
    "beheerder": ("Kees Visser", frozenset({Role.BEHEERDER}), "demo-beheerder-wachtwoord"),
}


def seed_demo_staff(database: Database) -> dict[str, str]:
    """Create the demo accounts that do not exist yet; return username -> demo password."""
    directory = SqlStaffDirectory(database.writer, database.reader)
    created = 0
    for username, (display_name, roles, password) in DEMO_STAFF.items():
        if directory.by_username(username) is not None:
            continue
        try:
            directory.add(
                StaffAccount(
                    id=None,
                    username=username,
                    display_name=display_name,
                    roles=roles,
                    password_hash=hash_password(password),
                )
            )
            created += 1
        except UsernameTaken:
            pass  # another PC of the demo seeded it at the same moment
    log.info("demo staff: %d accounts created", created)
    return {username: password for username, (_, _, password) in DEMO_STAFF.items()}
