"""`loket db upgrade` and `loket db roles`: the database of a hall, for IT. Split from app.cli.

`db upgrade` brings the schema to the newest version and loads the knowledge base from the seed
files (again after each update: a redacteur's edits stay). `db roles` gives every mode its own
least-privileged PostgreSQL role (app.store.db_roles), so a kiosk in the hall cannot read persons
or contacts. Both need a database role that may create tables (and roles): the hall's owner role.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import load_settings
from app.core.errors import ConfigError, DatabaseUnavailable, LoketError

if TYPE_CHECKING:
    from app.store.database import Database

log = logging.getLogger(__name__)

EXIT_OK = 0
ConfigPath = Callable[[argparse.Namespace], Path]

# What each mode is for, in the words of `loket db roles`.
MODE_TEXT = {
    "kiosk": "zuil in de hal",
    "display": "wachtkamerscherm",
    "balie": "balie",
    "host": "gastvrouw/-heer",
    "manage": "teamleider en beheer",
}


TABLES_MISSING = "de tabellen van Loket ontbreken of zijn verouderd; voer eerst 'loket db upgrade' uit"


class DatabaseRefused(LoketError):
    """The database answered but refused: tables missing, or this role may not do it."""

    code = "cli.database_refused"


@contextmanager
def database_errors(no_right: str) -> Iterator[None]:
    """A database failure as one clear line; `no_right` says what this role may not do."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    try:
        yield
    except DBAPIError as error:
        kind, text = type(error.orig).__name__, str(error.orig)
        log.warning("database refused the command: %s", kind)  # the text may hold a user's input
        if kind == "UndefinedTable" or "no such table" in text:
            raise DatabaseRefused(TABLES_MISSING) from None
        if kind == "InsufficientPrivilege":
            raise DatabaseRefused(no_right) from None
        if isinstance(error, OperationalError) or error.connection_invalidated:
            raise DatabaseUnavailable("De database is niet bereikbaar", detail=text[:200]) from None
        raise


def hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # the URL is checked elsewhere; here it is only shown
        return url.split("@")[-1]


def database_url(args: argparse.Namespace, config_path: ConfigPath) -> str:
    """--url, else the database of the workstation file (--config or the default place)."""
    url = getattr(args, "url", None)
    return str(url) if url else load_settings(config_path(args)).database_url


def cmd_db_upgrade(args: argparse.Namespace, config_path: ConfigPath) -> int:
    url = database_url(args, config_path)
    from app.store.database import Database
    from app.store.knowledge_seed import seed_knowledge

    database = Database.open(url)
    try:
        database.upgrade()
        print(f"Database bijgewerkt: {hide_password(url)}")
        report = seed_knowledge(database)
        print(f"Kennisbank: {report.products} producten bijgewerkt uit de bronbestanden", end="")
        print(f", {report.kept_edited} door een redacteur bewerkt en zo gelaten" if report.kept_edited else "")
        if args.demo_data:
            _seed_demo(database)
    finally:
        database.dispose()
    return EXIT_OK


def _seed_demo(database: Database) -> None:
    from app.store.seed import seed_demo
    from app.store.staff_seed import DEMO_STAFF, seed_demo_staff

    if database.is_empty():
        seed_demo(database)
        print("Voorbeeldvestiging 'Stadhuis' met diensten en balies toegevoegd.")
    else:
        print("De database bevat al gegevens; geen voorbeeldvestiging toegevoegd.")
    from app.store.staff_repository import SqlStaffDirectory

    # Public demo passwords never go into a hall that already has its own accounts.
    own = [a for a in SqlStaffDirectory(database.writer).list_accounts() if a.username not in DEMO_STAFF]
    if own:
        print("Deze database heeft al eigen accounts; geen demo-accounts toegevoegd.")
        return
    seed_demo_staff(database)
    print(f"Demo-accounts ({', '.join(DEMO_STAFF)}) staan klaar.")
    print("Let op: hun wachtwoorden staan in de README en zijn alleen voor een proef, nooit voor een echte hal.")


def cmd_db_roles(args: argparse.Namespace, config_path: ConfigPath) -> int:
    url = database_url(args, config_path)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise ConfigError("ongeldige database-URL", key="database.url") from None
    if backend != "postgresql":
        raise ConfigError(
            "databaserollen per modus bestaan alleen op PostgreSQL; een SQLite-database op één pc heeft ze niet nodig",
            key="database.url",
        )
    from app.store.db_roles import MODE_GRANTS, create_mode_roles, group_role, login_role

    password_for = _password_files(Path(args.password_dir)) if args.password_dir else None
    with database_errors(
        "deze databaserol mag geen rollen maken; gebruik een rol met CREATEROLE die eigenaar van de tabellen is, "
        "zoals de rol waarmee 'loket db upgrade' draaide"
    ):
        granted = create_mode_roles(url, password_for)
    if not any(granted.values()):
        print("Er zijn nog geen tabellen; voer eerst 'loket db upgrade' uit.")
    every = sorted({t for tables in granted.values() for t in tables})
    for mode, tables in granted.items():
        print(f"{mode} ({MODE_TEXT[mode]}) → {login_role(mode)} (rechten via {group_role(mode)})")
        by_rights: dict[str, list[str]] = {}
        for table in tables:
            by_rights.setdefault(_rights_text(MODE_GRANTS[mode][table]), []).append(table)
        for rights, names in sorted(by_rights.items()):
            print(f"  {rights}: {', '.join(names)}")
        if none := [t for t in every if t not in tables]:
            print(f"  geen toegang: {', '.join(none)}")
    print("Alle andere tabellen: geen toegang. Geef elke pc de database-URL met de rol van zijn modus.")
    if args.password_dir:
        print(f"De wachtwoorden staan in {args.password_dir} (één bestand per rol, alleen voor de eigenaar leesbaar).")
    else:
        print("Zonder --password-dir hebben de rollen geen wachtwoord (alleen bruikbaar met peer/trust op de server).")
    return EXIT_OK


_RIGHT_WORDS = {"SELECT": "lezen", "INSERT": "toevoegen", "UPDATE": "wijzigen", "DELETE": "verwijderen"}


def _rights_text(privileges: str) -> str:
    """'SELECT, UPDATE (a, b)' -> 'lezen, wijzigen (alleen a, b)': what IT reads per table."""
    words = []
    for part in re.findall(r"[A-Z]+(?: \([^)]*\))?", privileges):
        word, _, columns = part.partition(" ")
        words.append(_RIGHT_WORDS.get(word, word.lower()) + (f" (alleen {columns.strip('()')})" if columns else ""))
    return ", ".join(words)


def _password_files(directory: Path) -> Callable[[str], str]:
    """Each login role's password from DIR/<role>.txt; a missing file gets a new random password."""

    def password_for(role: str) -> str:
        path = directory / f"{role}.txt"
        try:
            if path.exists():
                password = path.read_text(encoding="utf-8").strip()
                if not password:
                    raise ConfigError(f"het wachtwoordbestand {path} is leeg")
                return password
            directory.mkdir(parents=True, exist_ok=True)
            password = secrets.token_urlsafe(24)
            # Created readable for the owner only; never printed.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(password + "\n")
            print(f"Nieuw wachtwoord voor {role} in {path}")
            return password
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"het wachtwoordbestand {path} kan niet worden gelezen of gemaakt ({error})") from None

    return password_for


def add_db_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    config_help: str,
    config_path: ConfigPath,
) -> None:
    db = sub.add_parser("db", help="database-onderhoud")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="OPDRACHT")
    upgrade = db_sub.add_parser("upgrade", parents=[common], help="maak of werk de database bij (eenmalig per hal)")
    add_database_options(upgrade, config_help)
    upgrade.add_argument(
        "--demo-data",
        action="store_true",
        help="vul een lege database met de voorbeeldvestiging 'Stadhuis' en de demo-accounts (alleen voor een proef)",
    )
    upgrade.set_defaults(handler=lambda args: cmd_db_upgrade(args, config_path))
    roles = db_sub.add_parser(
        "roles", parents=[common], help="een PostgreSQL-rol per modus, met alleen de nodige rechten"
    )
    add_database_options(roles, config_help)
    roles.add_argument(
        "--password-dir",
        metavar="MAP",
        help="wachtwoorden per rol in MAP/<rol>.txt (een ontbrekend bestand krijgt een nieuw wachtwoord)",
    )
    roles.set_defaults(handler=lambda args: cmd_db_roles(args, config_path))


def add_database_options(parser: argparse.ArgumentParser, config_help: str) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--config", metavar="BESTAND", help=config_help)
    source.add_argument("--url", help="database-URL, bijvoorbeeld postgresql+psycopg://loket_beheer@db01/loket")
