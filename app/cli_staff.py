"""`loket staff add|list|password|unlock`: staff accounts for IT, before the manage mode exists.

The command line acts as a system actor with the beheerder role (STAFF_MANAGE), so the core's
rules apply exactly as on a screen: password policy, user-name form, at least one role. Whoever
can run this against the database already holds a database password that may write the accounts
(the hall's owner role or loket_manage); a desk's role may not, and gets a clear refusal.
Passwords are asked twice without echo, or read from a file (`--password-file`) for scripted
installs; they are never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli_db import TABLES_MISSING, ConfigPath, DatabaseRefused, add_database_options, database_errors, database_url
from app.core.auth import AccountNotFound, AuthError, normalize_username
from app.core.clock import SystemClock
from app.core.errors import ConfigError
from app.core.staff import Actor, Permission, Role, require

if TYPE_CHECKING:
    from app.core.auth import SignInService
    from app.store.staff_repository import SqlStaffDirectory

log = logging.getLogger(__name__)

EXIT_OK = 0
#: who acts when IT runs `loket staff ...`: a system process with the administrator's role
CLI_ACTOR = Actor(
    staff_id=None, username="loket-cli", display_name="Loket opdrachtregel", roles=frozenset({Role.BEHEERDER})
)


@contextmanager
def _accounts(args: argparse.Namespace, config_path: ConfigPath) -> Iterator[tuple[SignInService, SqlStaffDirectory]]:
    from sqlalchemy import inspect

    from app.core.auth import SignInService
    from app.store.database import Database
    from app.store.staff_repository import SqlStaffDirectory

    database = Database.open(database_url(args, config_path))
    # e.g. a desk's database role (loket_balie) may not add accounts or change roles.
    no_right = "deze databaserol mag geen accounts beheren; gebruik --url met de rol van de eigenaar of loket_manage"
    try:
        with database_errors(no_right):
            # The store reports a missing table as "unreachable"; IT needs to hear "upgrade first".
            if not inspect(database.reader).has_table("staff_accounts"):
                raise DatabaseRefused(TABLES_MISSING)
            directory = SqlStaffDirectory(database.writer, database.reader)
            yield SignInService(directory, SystemClock()), directory
    finally:
        database.dispose()


def read_password(args: argparse.Namespace, ask: Callable[[str], str] | None = None) -> str:
    """From --password-file (first line), else asked twice without echo."""
    if args.password_file:
        path = Path(args.password_file)
        try:
            mode = path.stat().st_mode
            password = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
        except (OSError, UnicodeDecodeError, IndexError):
            raise ConfigError(f"het wachtwoordbestand {path} kan niet worden gelezen") from None
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            print(f"Let op: {path} is ook voor anderen leesbaar; verwijder het na gebruik.")
        if not password:
            raise ConfigError(f"het wachtwoordbestand {path} is leeg")
        return password
    ask = ask or getpass.getpass  # looked up now: a test types through the real prompt's place
    first = ask("Nieuw wachtwoord: ")
    if ask("Nog een keer: ") != first:
        raise AuthError("De twee wachtwoorden zijn niet gelijk; er is niets veranderd.")
    return first


def cmd_staff_add(args: argparse.Namespace, config_path: ConfigPath) -> int:
    username = normalize_username(args.username)  # before asking a password for a name that cannot be
    password = read_password(args)
    with _accounts(args, config_path) as (service, _):
        account = service.add_account(CLI_ACTOR, username, args.name, [Role(r) for r in args.role], password)
    roles = ", ".join(sorted(r.value for r in account.roles))
    print(f"Account {account.username} ({account.display_name}) gemaakt met rol {roles}.")
    log.info("staff account %s added by the command line", account.id)
    return EXIT_OK


def cmd_staff_list(args: argparse.Namespace, config_path: ConfigPath) -> int:
    with _accounts(args, config_path) as (service, _):
        accounts = service.accounts(CLI_ACTOR)
    if not accounts:
        print("Er zijn nog geen accounts; maak er een met 'loket staff add'.")
        return EXIT_OK
    now = SystemClock().now()
    width = max(len(a.username) for a in accounts)
    name_width = max(len(a.display_name) for a in accounts)
    for account in accounts:
        if not account.active:
            state = "uitgeschakeld"
        elif account.is_locked(now):
            assert account.locked_until is not None
            state = f"geblokkeerd tot {account.locked_until.astimezone():%H:%M}"
        else:
            state = "actief"
        roles = ", ".join(sorted(r.value for r in account.roles)) or "geen rol"
        print(f"{account.username:<{width}}  {account.display_name:<{name_width}}  {state:<19}  {roles}")
    return EXIT_OK


def cmd_staff_password(args: argparse.Namespace, config_path: ConfigPath) -> int:
    username = normalize_username(args.username)
    with _accounts(args, config_path) as (service, directory):
        if directory.by_username(username) is None:
            raise AccountNotFound("Dit account bestaat niet.")
        service.reset_password(CLI_ACTOR, username, read_password(args))
    print(f"Nieuw wachtwoord voor {username} opgeslagen; een blokkade is opgeheven.")
    log.info("password reset by the command line")
    return EXIT_OK


def cmd_staff_unlock(args: argparse.Namespace, config_path: ConfigPath) -> int:
    require(CLI_ACTOR, Permission.STAFF_MANAGE)
    username = normalize_username(args.username)
    with _accounts(args, config_path) as (_, directory):
        account = directory.by_username(username)
        if account is None or account.id is None:
            raise AccountNotFound("Dit account bestaat niet.")
        now = SystemClock().now()
        if not account.is_locked(now) and account.failed_attempts == 0:
            print(f"{username} is niet geblokkeerd.")
            return EXIT_OK
        # A lock that ends now, with the failure count back at zero: the port's own way to lift it.
        directory.lock(account.id, now)
    print(f"{username} kan weer aanmelden (mislukte pogingen op nul gezet).")
    log.info("account %d unlocked by the command line", account.id)
    return EXIT_OK


def add_staff_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    config_help: str,
    config_path: ConfigPath,
) -> None:
    staff = sub.add_parser("staff", help="accounts van medewerkers beheren")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True, metavar="OPDRACHT")
    password_file_help = "lees het wachtwoord uit de eerste regel van dit bestand (anders wordt het gevraagd)"

    add = staff_sub.add_parser("add", parents=[common], help="een account maken")
    add.add_argument("username", metavar="GEBRUIKERSNAAM")
    add.add_argument("--name", required=True, metavar="NAAM", help='naam van de medewerker, bijv. "Anna de Vries"')
    add.add_argument("--role", required=True, action="append", choices=[r.value for r in Role], help="rol (mag vaker)")
    add.add_argument("--password-file", metavar="BESTAND", help=password_file_help)
    add_database_options(add, config_help)
    add.set_defaults(handler=lambda args: cmd_staff_add(args, config_path))

    listing = staff_sub.add_parser("list", parents=[common], help="alle accounts met rol en status")
    add_database_options(listing, config_help)
    listing.set_defaults(handler=lambda args: cmd_staff_list(args, config_path))

    password = staff_sub.add_parser("password", parents=[common], help="een nieuw wachtwoord zetten (heft blokkade op)")
    password.add_argument("username", metavar="GEBRUIKERSNAAM")
    password.add_argument("--password-file", metavar="BESTAND", help=password_file_help)
    add_database_options(password, config_help)
    password.set_defaults(handler=lambda args: cmd_staff_password(args, config_path))

    unlock = staff_sub.add_parser("unlock", parents=[common], help="een geblokkeerd account weer toelaten")
    unlock.add_argument("username", metavar="GEBRUIKERSNAAM")
    add_database_options(unlock, config_help)
    unlock.set_defaults(handler=lambda args: cmd_staff_unlock(args, config_path))
