"""The workstation config file: one TOML file per PC, written by the installer, edited by IT.

`load_settings(path)` returns frozen dataclasses or raises `ConfigError` naming the key and
the line, in Dutch, because the person reading it is an IT admin at the city hall.
tomllib only reports lines for syntax errors, so `KeyLines` finds the line of a key itself.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import os
import re
import sys
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from app.config_kcc import BrpSettings as BrpSettings  # re-exported
from app.config_kcc import ForwardTarget as ForwardTarget
from app.config_kcc import KccSettings as KccSettings
from app.config_kcc import check_brp, check_kcc, prepare_kcc_tables
from app.config_kiosk import KioskProductSetting as KioskProductSetting  # re-exported
from app.config_kiosk import KioskSettings as KioskSettings
from app.config_kiosk import array_item_line, check_kiosk, prepare_kiosk_tables
from app.config_payment import PaymentTerminalKind as PaymentTerminalKind  # re-exported
from app.config_payment import PaymentTerminalSettings as PaymentTerminalSettings
from app.config_payment import check_terminal, refuse_inline_secrets
from app.config_toml import KeyLines, syntax_error
from app.core.errors import ConfigError

log = logging.getLogger(__name__)

Mode = Literal["kiosk", "balie", "host", "display", "manage"]
MODES: tuple[str, ...] = get_args(Mode)
PrinterKind = Literal["fake", "network", "usb", "serial", "file", "win32raw"]
CardReaderKind = Literal["fake", "pcsc"]
_TERMINAL = ("devices", "payment_terminal")


@dataclass(frozen=True)
class PrinterSettings:
    """A receipt/ticket printer (ESC/POS). Which fields matter depends on `kind`."""

    kind: PrinterKind
    host: str = ""  # network
    port: int = 9100  # network (raw TCP, "JetDirect")
    vendor_id: int = 0  # usb, e.g. 0x04b8
    product_id: int = 0  # usb
    device: str = ""  # serial: COM3 or /dev/ttyUSB0
    baudrate: int = 9600  # serial
    path: str = ""  # file: bytes go to this file (tests, diagnosis)
    printer_name: str = ""  # win32raw: the Windows printer's name
    width_mm: int = 80  # 58 or 80: characters per line and image width
    profile: str = ""  # python-escpos printer profile, e.g. "TM-T88V": exact dots per line, QR support
    native_qr: bool = True  # false: the QR goes as a raster image (printers without GS ( k)
    municipality: str = ""  # name at the top of every print
    address: str = ""  # receipts: one line, e.g. "Markt 1, 1234 AB Voorbeeldstad"
    logo: str = ""  # a PNG, printed at the top
    status_url: str = ""  # the ticket QR: an URL with {token}, e.g. https://gemeente.nl/wacht/{token}


@dataclass(frozen=True)
class CardReaderSettings:
    """ID-card reader over PC/SC; `reader` is a part of the reader's name when several are attached."""

    kind: CardReaderKind
    reader: str = ""


@dataclass(frozen=True)
class DeviceSettings:
    """Devices attached to this PC; a device that is not configured is not there (None)."""

    ticket_printer: PrinterSettings | None = None
    receipt_printer: PrinterSettings | None = None
    card_reader: CardReaderSettings | None = None
    payment_terminal: PaymentTerminalSettings | None = None


@dataclass(frozen=True)
class WorkstationTable:
    mode: Mode
    location: str
    desk: str = ""
    language: str = "nl"


@dataclass(frozen=True)
class DatabaseTable:
    url: str


@dataclass(frozen=True)
class _FileLayout:
    """The file as written: one dataclass per [table]."""

    workstation: WorkstationTable
    database: DatabaseTable
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    brp: BrpSettings | None = None
    kcc: KccSettings = field(default_factory=KccSettings)
    kiosk: KioskSettings = field(default_factory=KioskSettings)


@dataclass(frozen=True)
class WorkstationSettings:
    """Everything one PC needs to start its mode. Built only by `load_settings`."""

    mode: Mode
    location: str
    desk: str | None
    database_url: str
    language: str
    devices: DeviceSettings
    path: Path | None = None
    brp: BrpSettings | None = None  # a balie's BRP; None: lookups say no BRP is connected
    kcc: KccSettings = field(default_factory=KccSettings)
    kiosk: KioskSettings = field(default_factory=KioskSettings)  # what the kiosk sells


def default_config_path() -> Path:
    """Where the installer puts the file: %PROGRAMDATA%\\Loket\\loket.toml or /etc/loket/loket.toml."""
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "Loket" / "loket.toml"
    return Path("/etc/loket/loket.toml")


def load_settings(path: Path | str, *, mode: str | None = None) -> WorkstationSettings:
    """Read and check the workstation file. `mode` (from the command line) overrides the file's mode."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("configuratiebestand niet gevonden", path=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("het bestand is niet in UTF-8 opgeslagen", path=str(path)) from None
    except OSError as error:
        raise ConfigError(f"het bestand kan niet worden gelezen ({error.strerror})", path=str(path)) from None
    return parse_settings(text, path=path, mode=mode)


def parse_settings(text: str, *, path: Path | None = None, mode: str | None = None) -> WorkstationSettings:
    where = str(path) if path else "<tekst>"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line, key = syntax_error(text, str(error))
        raise ConfigError(f"geen geldige TOML: {message}", path=where, key=key, line=line) from None
    lines = KeyLines(text)
    if mode is not None:
        if mode not in MODES:
            raise ConfigError(f"onbekende modus '{mode}'; kies uit: {', '.join(MODES)}", path=where)
        raw.setdefault("workstation", {})
        if isinstance(raw["workstation"], dict):
            raw["workstation"]["mode"] = mode
    refuse_inline_secrets(raw, lambda message, name: _Context(where, lines, text).error(message, (*_TERMINAL, name)))
    prepare_kcc_tables(raw, _Context(where, lines, text).error)
    prepare_kiosk_tables(raw, _Context(where, lines, text).error)
    layout = _build(_FileLayout, raw, (), _Context(where, lines, text))
    settings = WorkstationSettings(
        mode=layout.workstation.mode,
        location=layout.workstation.location,
        desk=layout.workstation.desk or None,
        database_url=layout.database.url,
        language=layout.workstation.language,
        devices=layout.devices,
        path=path,
        brp=layout.brp,
        kcc=layout.kcc,
        kiosk=layout.kiosk,
    )
    _check(settings, _Context(where, lines, text))
    log.debug("settings loaded from %s: mode=%s location=%s", where, settings.mode, settings.location)
    return settings


# --- checks beyond types -------------------------------------------------------------------


def _check(settings: WorkstationSettings, ctx: _Context) -> None:
    if not settings.location.strip():
        raise ctx.error("de locatie mag niet leeg zijn", ("workstation", "location"))
    if not re.fullmatch(r"[a-z]{2}", settings.language):
        raise ctx.error(
            f"taal moet een taalcode van twee letters zijn (zoals \"nl\"), niet '{settings.language}'",
            ("workstation", "language"),
        )
    url = settings.database_url
    if not url.startswith(("sqlite:///", "postgresql://", "postgresql+psycopg://")):
        raise ctx.error("database-URL moet beginnen met sqlite:/// of postgresql+psycopg://", ("database", "url"))
    devices = settings.devices
    for name in ("ticket_printer", "receipt_printer"):
        printer = getattr(devices, name)
        if printer is not None:
            _check_printer(printer, ("devices", name), ctx)
    if devices.payment_terminal is not None:
        check_terminal(devices.payment_terminal, lambda message, name: ctx.error(message, (*_TERMINAL, name)))
    if settings.brp is not None:
        check_brp(settings.brp, ctx.error)
    check_kcc(settings.kcc, ctx.error)
    check_kiosk(settings.kiosk, ctx.error)


def _check_printer(printer: PrinterSettings, key: tuple[str, ...], ctx: _Context) -> None:
    needed = {
        "network": "host",
        "usb": "vendor_id",
        "serial": "device",
        "file": "path",
        "win32raw": "printer_name",
    }.get(printer.kind)
    if needed and not getattr(printer, needed):
        raise ctx.error(f"printer van soort '{printer.kind}' heeft '{needed}' nodig", (*key, needed))
    if printer.kind == "usb" and not printer.product_id:
        raise ctx.error("printer van soort 'usb' heeft 'product_id' nodig", (*key, "product_id"))
    if printer.kind == "network":
        _check_port(printer.port, (*key, "port"), ctx)
    if printer.width_mm not in (58, 80):
        raise ctx.error(f"papierbreedte moet 58 of 80 mm zijn, niet {printer.width_mm}", (*key, "width_mm"))
    if printer.status_url and "{token}" not in printer.status_url:
        raise ctx.error("status_url moet {token} bevatten (de plek van het volgnummer-token)", (*key, "status_url"))


def _check_port(port: int, key: tuple[str, ...], ctx: _Context) -> None:
    if port == 0:
        raise ctx.error(f"'{key[-1]}' ontbreekt (het poortnummer van het apparaat)", key)
    if not 1 <= port <= 65535:
        raise ctx.error(f"poortnummer moet tussen 1 en 65535 liggen, niet {port}", key)


# --- generic typed reading -----------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    path: str
    lines: KeyLines
    text: str = ""

    def error(self, message: str, key: tuple[str, ...]) -> ConfigError:
        # A list item's key ends in "[n]": its line is in the n-th [[table]], else the list's line.
        where = tuple(re.sub(r"\[\d+\]$", "", part) for part in key)
        line = array_item_line(self.text, key) or self.lines.find(where)
        return ConfigError(message, path=self.path, key=".".join(key), line=line)


_TYPE_NAMES = {str: "tekst", int: "een geheel getal", float: "een getal", bool: "true of false"}


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (ja/nee)"
    if isinstance(value, dict):
        return "een tabel"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, str):
        return f'tekst "{value}"'
    if isinstance(value, int | float):
        return f"het getal {value}"
    return f"een {type(value).__name__}-waarde ({value})"


def _build(cls: type[Any], raw: object, key: tuple[str, ...], ctx: _Context) -> Any:
    if not isinstance(raw, dict):
        raise ctx.error(f"moet een tabel [{'.'.join(key)}] zijn, maar is {_describe(raw)}", key)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name in raw:
        if name not in fields:
            close = difflib.get_close_matches(name, fields, n=1)
            hint = f"bedoelt u '{close[0]}'?" if close else f"toegestaan zijn: {', '.join(fields)}"
            raise ctx.error(f"onbekende instelling '{name}'; {hint}", (*key, name))
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in raw:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                dotted = ".".join((*key, name))
                if dataclasses.is_dataclass(hints[name]):
                    raise ctx.error(f"de tabel [{dotted}] ontbreekt", (*key, name))
                raise ctx.error(f"verplichte instelling '{dotted}' ontbreekt", (*key, name))
            continue
        values[name] = _convert(hints[name], raw[name], (*key, name), ctx)
    return cls(**values)


def _convert(hint: Any, value: object, key: tuple[str, ...], ctx: _Context) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        # Only "X | None" occurs here; TOML has no null, so a present value is always X.
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return _convert(inner, value, key, ctx)
    if origin is Literal:
        choices = get_args(hint)
        if value not in choices:
            what = "modus" if key[-1] == "mode" else "waarde"
            shown = f"'{value}'" if isinstance(value, str) else _describe(value)
            raise ctx.error(f"onbekende {what} {shown}; kies uit: {', '.join(map(str, choices))}", key)
        return value
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _build(hint, value, key, ctx)
    if origin is tuple:  # tuple[X, ...]: a TOML list of X
        if not isinstance(value, list):
            raise ctx.error(f"'{key[-1]}' moet een lijst zijn, maar is {_describe(value)}", key)
        inner = get_args(hint)[0]
        return tuple(
            _convert(inner, item, (*key[:-1], f"{key[-1]}[{n}]"), ctx) for n, item in enumerate(value, start=1)
        )
    ok = isinstance(value, hint) and not (hint is int and isinstance(value, bool))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise ctx.error(f"'{key[-1]}' moet {_TYPE_NAMES.get(hint, hint)} zijn, maar is {_describe(value)}", key)
    return value
