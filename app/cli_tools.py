"""Two commands split from app.cli to keep it small; output is Dutch, like every command.

`loket devices payment [--test]`: is the PIN terminal there, and does € 0,01 go through? Exit
code 0 when the terminal answers (and, with --test, the payment was approved); 1 when it does
not answer or the test payment did not succeed; config mistakes are 2, like every command.

`loket export klantcontacten --from --to [--out]`: the contacts of a period as JSON.

`loket kennisbank seed|search`: load the knowledge base from the seed files, and search it as a
desk does, so IT can see that search works on their database (and whether pg_trgm is there).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli_db import add_database_options, database_errors, database_url
from app.config import load_settings
from app.core.errors import ConfigError, LoketError
from app.core.payment.errors import PaymentError

if TYPE_CHECKING:
    from app.core.kcc.knowledge import SearchHit
    from app.store.database import Database

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1


class ToolUnavailable(LoketError):
    code = "cli.unavailable"


def cmd_devices_payment(args: argparse.Namespace, config_path: Path) -> int:
    settings = load_settings(config_path)
    terminal_settings = settings.devices.payment_terminal
    if terminal_settings is None or terminal_settings.kind == "none":
        raise ConfigError("er is geen [devices.payment_terminal] ingesteld", path=str(settings.path or ""))
    from app.hardware.payment.diagnostics import check_lines, check_terminal, pay_test_amount, payment_lines
    from app.hardware.payment.factory import open_payment_terminal

    where = f"{terminal_settings.host}:{terminal_settings.port}" if terminal_settings.host else "op deze pc"
    print(f"pinautomaat: {terminal_settings.kind}, {terminal_settings.poi_id or '-'} ({where})")
    terminal = open_payment_terminal(terminal_settings)
    try:
        check = check_terminal(terminal)
        print("\n".join(check_lines(check)))
        if not check.answered:
            return EXIT_FAILED
        if not args.test:
            return EXIT_OK
        print("testbetaling van € 0,01 gestart; volg de aanwijzingen op de pinautomaat")
        try:
            payment = pay_test_amount(terminal, _show_display)
        except PaymentError as error:
            print(f"uitkomst: niet gestart, er is niets afgeschreven ({error.message})")
            return EXIT_FAILED
        print("\n".join(payment_lines(payment)))
        return EXIT_OK if payment.approved else EXIT_FAILED
    finally:
        terminal.close()
        sys.stdout.flush()


def _show_display(text: str) -> None:
    print(f"  automaat: {' / '.join(text.splitlines())}", flush=True)


def cmd_export_contacts(args: argparse.Namespace, config_path: Path) -> int:
    """Klantcontacten of a period as JSON (VNG Klantinteracties), for the team lead or an audit."""
    first, last = _day(args.start, "--from"), _day(args.end, "--to")
    if last < first:
        raise ConfigError("--to ligt voor --from; geef eerst de begindatum, dan de einddatum")
    try:
        from app.store.contact_export import export_klantcontacten
    except ModuleNotFoundError as error:
        raise ToolUnavailable("het exporteren van klantcontacten is nog niet beschikbaar") from error
    from app.store.database import Database

    database = Database.open(load_settings(config_path).database_url)
    try:
        exported = export_klantcontacten(database, first, last)
    finally:
        database.dispose()
    text = json.dumps(exported, ensure_ascii=False, indent=2, default=str)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"Klantcontacten van {first:%d-%m-%Y} tot en met {last:%d-%m-%Y} geschreven naar {args.out}")
    else:
        print(text)
    return EXIT_OK


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option} moet een datum zijn als 2026-11-23 (jaar-maand-dag), niet '{text}'") from None


_NO_KNOWLEDGE_RIGHT = "deze databaserol mag de kennisbank niet vullen; gebruik --url met de rol van de eigenaar"


def cmd_kennisbank_seed(args: argparse.Namespace, config_path: ConfigPath) -> int:
    from app.store.database import Database
    from app.store.knowledge_seed import seed_knowledge

    database = Database.open(database_url(args, config_path))
    try:
        with database_errors(_NO_KNOWLEDGE_RIGHT):
            report = seed_knowledge(database)
    finally:
        database.dispose()
    print(f"Kennisbank: {report.products} producten geschreven, waarvan {report.curated} met eigen tekst")
    print(f"  {report.fees} legesbedragen; {report.kept_edited} door een redacteur bewerkte producten zo gelaten")
    return EXIT_OK


def cmd_kennisbank_search(args: argparse.Namespace, config_path: ConfigPath) -> int:
    from app.store.database import Database

    database = Database.open(database_url(args, config_path))
    try:
        with database_errors(_NO_KNOWLEDGE_RIGHT):
            hits = _search(database, args.query, args.limit)
    finally:
        database.dispose()
    if hits is None:
        print("De kennisbank is leeg; vul hem met 'loket kennisbank seed'.")
        return EXIT_FAILED
    if not hits:
        print("Niets gevonden.")
        return EXIT_FAILED
    for number, hit in enumerate(hits, start=1):
        print(f"{number:>2}. {hit.naam}  ({hit.uri})")
    return EXIT_OK


def _search(database: Database, query: str, limit: int) -> list[SearchHit] | None:
    """The hits as a desk would get them; None when the kennisbank is empty."""
    from sqlalchemy import text

    from app.cli_staff import CLI_ACTOR
    from app.core.clock import SystemClock
    from app.core.kcc.knowledge import KnowledgeService
    from app.store.knowledge_repository import SqlKnowledgeStore

    store = SqlKnowledgeStore(database.writer, database.reader)
    if database.backend == "postgresql":
        with database.reader.connect() as conn:
            trigram = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first()
        print(
            "Zoeken: PostgreSQL met pg_trgm (vindt ook tikfouten)"
            if trigram
            else "Zoeken: PostgreSQL zonder pg_trgm: tikfouten worden minder goed gevonden "
            "(vraag de databasebeheerder om CREATE EXTENSION pg_trgm en voer 'loket db upgrade' opnieuw uit)"
        )
    if store.count() == 0:
        return None
    return KnowledgeService(store, SystemClock()).search(CLI_ACTOR, query, limit)


ConfigPath = Callable[[argparse.Namespace], Path]


def add_tool_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    devices_sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    config_help: str,
    config_path: ConfigPath,
) -> None:
    payment = devices_sub.add_parser(
        "payment", parents=[common], help="antwoordt de pinautomaat? met --test een betaling van € 0,01"
    )
    payment.add_argument("--config", metavar="BESTAND", help=config_help)
    payment.add_argument("--test", action="store_true", help="doe een echte testbetaling van € 0,01")
    payment.set_defaults(handler=lambda args: cmd_devices_payment(args, config_path(args)))

    export = sub.add_parser("export", help="gegevens exporteren")
    export_sub = export.add_subparsers(dest="export_command", required=True, metavar="WAT")
    contacts = export_sub.add_parser("klantcontacten", parents=[common], help="klantcontacten van een periode (JSON)")
    contacts.add_argument("--from", dest="start", required=True, metavar="JJJJ-MM-DD", help="eerste dag")
    contacts.add_argument("--to", dest="end", required=True, metavar="JJJJ-MM-DD", help="laatste dag (telt mee)")
    contacts.add_argument("--out", metavar="BESTAND", help="schrijf naar dit bestand (anders op het scherm)")
    contacts.add_argument("--config", metavar="BESTAND", help=config_help)
    contacts.set_defaults(handler=lambda args: cmd_export_contacts(args, config_path(args)))

    kennisbank = sub.add_parser("kennisbank", help="de kennisbank vullen en doorzoeken")
    kennisbank_sub = kennisbank.add_subparsers(dest="kennisbank_command", required=True, metavar="OPDRACHT")
    seed = kennisbank_sub.add_parser("seed", parents=[common], help="laad de producten en leges uit de bronbestanden")
    add_database_options(seed, config_help)
    seed.set_defaults(handler=lambda args: cmd_kennisbank_seed(args, config_path))
    search = kennisbank_sub.add_parser("search", parents=[common], help="zoek zoals een balie zoekt")
    search.add_argument("query", metavar="ZOEKTEKST")
    search.add_argument("--limit", type=int, default=10, metavar="N", help="hoeveel resultaten (standaard 10)")
    add_database_options(search, config_help)
    search.set_defaults(handler=lambda args: cmd_kennisbank_search(args, config_path))
