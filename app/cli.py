"""`loket <command>`: start a mode, run the demo, upgrade the database, simulate a day.

Messages for the user are Dutch and go to stderr/stdout; details go to the log file.
Expected errors (LoketError) exit with 2 and their message, anything else with 1 and a pointer
to the log file: nobody at a city hall PC should see a traceback.
Qt and the database are imported inside the commands, so `loket db upgrade` never loads Qt.
"""

from __future__ import annotations

import argparse
import glob
import logging
import logging.handlers
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from app import __version__
from app.cli_db import add_db_parsers, hide_password
from app.cli_staff import add_staff_parsers
from app.cli_tools import add_tool_parsers
from app.config import MODES, WorkstationSettings, default_config_path, load_settings
from app.core.errors import ConfigError, LoketError
from app.core.logging_filter import RedactBsnFilter

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(threadName)s %(name)s: %(message)s"


class CommandUnavailable(LoketError):
    """A command this installation cannot run (not built yet, or a system library is missing)."""

    code = "cli.unavailable"


# --- logging -----------------------------------------------------------------------------------


def default_log_file() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Loket" / "logs" / "loket.log"
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "loket" / "loket.log"


def setup_logging(log_file: Path | None, *, level: int = logging.INFO, console: bool = False) -> Path | None:
    """Root logging for one process: a rotating file, optionally the console; every handler redacts BSNs.

    Returns the log file in use (None if no file could be opened). Calling it again replaces
    the handlers it installed before, so tests and repeated `main()` calls don't pile them up.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_loket", False)]:
        root.removeHandler(handler)
        handler.close()
    redact = RedactBsnFilter()
    handlers: list[logging.Handler] = []
    used: Path | None = None
    candidates = [log_file or default_log_file(), Path(tempfile.gettempdir()) / "loket.log"]
    for candidate in candidates:
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            file_handler = logging.handlers.RotatingFileHandler(
                candidate, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
            )
        except OSError:
            continue  # e.g. a locked-down profile; try the next place rather than not starting
        file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handlers.append(file_handler)
        used = candidate
        break
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handlers.append(stream)
    for handler in handlers:
        handler.addFilter(redact)
        handler._loket = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    return used


# --- commands ----------------------------------------------------------------------------------


def _import_bootstrap() -> ModuleType:
    """The UI's composition root, imported only by the commands that open windows."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        # Without this check Qt aborts the process with a core dump and an English message.
        raise CommandUnavailable(
            "geen beeldscherm gevonden (DISPLAY en WAYLAND_DISPLAY zijn leeg); start Loket in een bureaubladsessie"
        )
    try:
        from app import bootstrap
    except ImportError as error:
        raise _missing_library(error) from error
    return bootstrap


def _missing_library(error: ImportError) -> LoketError:
    # Typically Qt without its system libraries (libEGL, libxkbcommon, ...) on a bare Linux PC.
    log.error("cannot load the user interface: %s", error)
    return CommandUnavailable(
        f"de schermen kunnen niet worden geladen: {error}. "
        "Op Linux ontbreekt meestal een systeembibliotheek; `./run demo` installeert die."
    )


def cmd_demo(args: argparse.Namespace) -> int:
    bootstrap = _import_bootstrap()
    return int(bootstrap.run_demo(data_dir=args.data_dir))


def cmd_mode(args: argparse.Namespace) -> int:
    settings = load_settings(_config_path(args), mode=args.command)
    log.info("starting %s at %s, desk %s", settings.mode, settings.location, settings.desk or "-")
    bootstrap = _import_bootstrap()
    # Modes without screens yet (host, manage) are refused by run_mode with a ConfigError.
    return int(
        bootstrap.run_mode(
            settings.mode,
            database_url=settings.database_url,
            location=settings.location,
            desk=settings.desk,
            settings=settings,
        )
    )


def cmd_check(args: argparse.Namespace) -> int:
    """Check one file (and show what it sets up) or many (one line each), e.g. all 30 PCs of a hall."""
    paths = _expand(args.files) or [_config_path(args)]
    if len(paths) == 1:
        _show_settings(load_settings(paths[0], mode=args.mode))
        return EXIT_OK
    failed = 0
    for path in paths:
        try:
            settings = load_settings(path, mode=args.mode)
        except ConfigError as error:
            failed += 1
            print(f"Fout: {error}", file=sys.stderr)
            continue
        print(f"{path}: in orde ({settings.mode}, {settings.location}, {settings.desk or '-'})")
    print(f"{len(paths) - failed} van {len(paths)} bestanden in orde")
    return EXIT_USER_ERROR if failed else EXIT_OK


def _expand(names: list[str]) -> list[Path]:
    """Wildcards expanded here, because Windows' cmd and PowerShell leave `*.toml` to the program."""
    paths: list[Path] = []
    for name in names:
        matches = sorted(glob.glob(name)) if any(char in name for char in "*?[") else []
        paths.extend(Path(match) for match in matches or [name])
    return paths


def _show_settings(settings: WorkstationSettings) -> None:
    devices = settings.devices
    attached = {
        "bonprinter": devices.receipt_printer.kind if devices.receipt_printer else None,
        "volgnummerprinter": devices.ticket_printer.kind if devices.ticket_printer else None,
        "kaartlezer": devices.card_reader.kind if devices.card_reader else None,
        "pinautomaat": devices.payment_terminal.kind if devices.payment_terminal else None,
    }
    print(f"{settings.path}: in orde")
    print(f"  modus:     {settings.mode}")
    print(f"  locatie:   {settings.location}")
    print(f"  balie:     {settings.desk or '-'}")
    print(f"  taal:      {settings.language}")
    print(f"  database:  {hide_password(settings.database_url)}")
    for name, kind in attached.items():
        print(f"  {name + ':':<18} {kind or 'geen'}")
    _show_kcc(settings)


def _show_kcc(settings: WorkstationSettings) -> None:
    brp, kcc = settings.brp, settings.kcc
    print(f"  {'BRP:':<18} {brp.url if brp else 'geen (opzoeken zegt: geen koppeling)'}")
    if brp and brp.api_key_file and not os.access(brp.api_key_file, os.R_OK):
        print(f"  let op: het bestand met de API-sleutel ({brp.api_key_file}) is voor deze gebruiker niet leesbaar")
    if kcc.extra_channels:
        print(f"  {'extra kanalen:':<18} {', '.join(kcc.extra_channels)}")
    targets = ", ".join(f"{soort} {naam}" for soort, naam in kcc.target_pairs) or "de voorbeeldafdelingen van de demo"
    print(f"  {'doorzetten naar:':<18} {targets}")


def cmd_simulate(argv: list[str]) -> int:
    try:
        from app.simulation.run import main as simulate_main
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("app.simulation"):
            raise CommandUnavailable("de simulatie is nog niet beschikbaar") from error
        raise
    result: int | None = simulate_main(argv)
    return int(result or 0)


def cmd_devices_printer(args: argparse.Namespace) -> int:
    """IT staff: read the status of the configured printer and, with --test, print a test page."""
    settings = load_settings(_config_path(args))
    key = f"{args.which}_printer"
    printer_settings = getattr(settings.devices, key)
    if printer_settings is None:
        raise ConfigError(f"er is geen [devices.{key}] ingesteld", path=str(settings.path or ""))
    if printer_settings.kind == "fake":
        print(f"{key}: nepprinter, er is niets om te testen")
        return EXIT_OK
    from app.hardware.printer.escpos_printer import EscposPrinter, branding_for

    printer = EscposPrinter(printer_settings, branding_for(printer_settings, settings.location))
    try:
        status = printer.status()
        print(f"{key} ({printer_settings.kind}): {status.describe()}")
        problem = status.problem()
        if problem is not None:
            raise problem
        if args.test:
            printer.print_test_page()
            print("testpagina geprint")
    finally:
        printer.close()
    return EXIT_OK


def cmd_devices_idcard(args: argparse.Namespace) -> int:
    """IT staff: read DG1 with each step's status word and time; nothing personal beyond what was typed."""
    from app.hardware.idcard.diagnostics import check_reader, mrz_key, report_lines

    key = mrz_key(" ".join(args.mrz))
    card_reader = None if args.reader is not None else load_settings(_config_path(args)).devices.card_reader
    if args.reader is None and card_reader is None:
        raise ConfigError("er is geen [devices.card_reader] ingesteld; of geef --reader")
    if card_reader is not None and card_reader.kind == "fake":
        print("kaartlezer: nepkaartlezer, er is niets om te testen")
        return EXIT_OK
    print(f"Leg het document op de lezer (wacht {args.wait:g} s)...")
    result = check_reader(args.reader if card_reader is None else card_reader.reader, key, wait_seconds=args.wait)
    print("\n".join(report_lines(result)))
    if result.error is not None:
        raise result.error
    return EXIT_OK


def cmd_version(_args: argparse.Namespace) -> int:
    print(f"loket {__version__}")
    return EXIT_OK


def _config_path(args: argparse.Namespace) -> Path:
    return Path(args.config) if args.config else default_config_path()


# --- parsing and running -----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log-file", type=Path, help="logbestand (standaard per gebruiker)")
    common.add_argument("-v", "--verbose", action="store_true", help="meer details, ook op het scherm")

    config_help = f"werkplekinstellingen (standaard {default_config_path()})"
    parser = argparse.ArgumentParser(
        prog="loket", description="Loket: wachtrij, balie, kiosk en wachtkamerscherm van de gemeente."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="OPDRACHT")

    demo = sub.add_parser("demo", parents=[common], help="alles op één pc, met voorbeeldgegevens")
    demo.add_argument(
        "--data-dir", type=Path, help="map voor de demodatabase (standaard de gegevensmap van de gebruiker)"
    )
    demo.set_defaults(handler=cmd_demo)

    for mode in MODES:
        mode_parser = sub.add_parser(mode, parents=[common], help=f"start deze pc als {mode}")
        mode_parser.add_argument("--config", metavar="BESTAND", help=config_help)
        mode_parser.set_defaults(handler=cmd_mode)

    check = sub.add_parser("check", parents=[common], help="controleer een instellingenbestand zonder te starten")
    check.add_argument("files", nargs="*", metavar="BESTAND", help="één of meer instellingenbestanden")
    check.add_argument("--config", metavar="BESTAND", help=config_help)
    check.add_argument("--mode", choices=MODES, help="controleer als deze modus")
    check.set_defaults(handler=cmd_check)

    add_db_parsers(sub, common, config_help, _config_path)  # db upgrade, db roles

    devices = sub.add_parser("devices", help="apparaten van deze pc controleren")
    devices_sub = devices.add_subparsers(dest="device", required=True, metavar="APPARAAT")
    printer = devices_sub.add_parser("printer", parents=[common], help="status van de printer, en een testpagina")
    printer.add_argument("--config", metavar="BESTAND", help=config_help)
    printer.add_argument("--which", choices=["ticket", "receipt"], default="ticket", help="volgnummer- of bonprinter")
    printer.add_argument("--test", action="store_true", help="print een testpagina")
    printer.set_defaults(handler=cmd_devices_printer)
    idcard = devices_sub.add_parser(
        "idcard", parents=[common], help="lees een identiteitsbewijs: elke stap met statuswoord en tijd"
    )
    mrz_help = "het hele MRZ (regels met spaties ertussen) of documentnummer+geboortedatum+vervaldatum (24 tekens)"
    idcard.add_argument("--mrz", required=True, action="append", metavar="MRZ", help=mrz_help)
    idcard.add_argument("--config", metavar="BESTAND", help=config_help)
    idcard.add_argument("--reader", metavar="NAAM", help="deel van de naam van de lezer (anders uit de instellingen)")
    idcard.add_argument("--wait", type=float, default=10.0, metavar="SECONDEN", help="wachttijd voor een kaart")
    idcard.set_defaults(handler=cmd_devices_idcard)
    add_tool_parsers(sub, devices_sub, common, config_help, _config_path)  # devices payment, export, kennisbank
    add_staff_parsers(sub, common, config_help, _config_path)

    sub.add_parser("simulate", help="simuleer een dag in de hal (opties: loket simulate --help)")

    version = sub.add_parser("version", parents=[common], help="toon de versie")
    version.set_defaults(handler=cmd_version)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["simulate"]:
        # The simulation parses its own options; everything after `simulate` is passed on.
        return _run("simulate", lambda: cmd_simulate(arguments[1:]), log_file=None, verbose=False)
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_:
        # argparse has printed usage (exit 2) or help (exit 0); return instead of exiting.
        return int(exit_.code) if isinstance(exit_.code, int) else EXIT_USER_ERROR
    name = args.command if args.command != "db" else f"db {args.db_command}"
    return _run(name, lambda: int(args.handler(args)), log_file=args.log_file, verbose=args.verbose)


def _run(name: str, command: Callable[[], int], *, log_file: Path | None, verbose: bool) -> int:
    used_log = setup_logging(
        log_file or _env_path("LOKET_LOG_FILE"), level=logging.DEBUG if verbose else logging.INFO, console=verbose
    )
    log.info("loket %s %s (python %s, pid %d)", __version__, name, sys.version.split()[0], os.getpid())
    try:
        return command()
    except LoketError as error:
        log.warning("loket %s stopped: %s (%s)", name, error, error.code)
        print(f"Fout: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        log.info("loket %s interrupted", name)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into e.g. `head`, which stopped reading: not an error of Loket.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception:
        log.exception("unexpected error in loket %s", name)
        where = f" De details staan in het logbestand: {used_log}" if used_log else ""
        print(f"Er ging iets mis dat Loket niet verwachtte; het programma is gestopt.{where}", file=sys.stderr)
        return EXIT_UNEXPECTED


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


if __name__ == "__main__":
    sys.exit(main())
