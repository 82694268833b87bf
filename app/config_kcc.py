"""The `[brp]` and `[kcc]` tables of the workstation file, and their checks.

Apart from app.config so that module stays small; app.config re-exports the settings classes.
The BRP's API key never lives in the TOML file (IT copies that file to every PC): it is in its own
file, named by `api_key_file`, that only Loket's service account can read — like the nexo passphrase.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from app.core.errors import ConfigError
from app.core.kcc.contact import MAX_KANAAL, ChannelList, ChannelUnknown

#: builds the error for a message and a key path (without the table name), with its line
ErrorAt = Callable[[str, tuple[str, ...]], ConfigError]

ForwardKind = Literal["afdeling", "groep", "medewerker"]
MAX_TARGET_NAME = 200  # interne_taken.afdeling is VARCHAR(200)
MAX_NORM_DAYS = 365
_BRP_SECRET_KEYS = ("api_key", "apikey", "key", "x_api_key", "password", "wachtwoord", "sleutel")


@dataclass(frozen=True)
class BrpSettings:
    """The Haal Centraal BRP Personen API this desk looks citizens up in."""

    url: str  # base URL, e.g. https://brp.gemeente.local/haalcentraal/api/brp (Loket adds /personen)
    api_key_file: str = ""  # a file holding only the API key (header X-API-KEY); empty: no key
    timeout_seconds: float = 10.0  # one request; longer and the desk says the BRP does not answer
    ca_file: str = ""  # PEM with the CA that signed the BRP server's certificate; empty: the system's


@dataclass(frozen=True)
class ForwardTarget:
    """Where a desk may forward a question: a department, a group or a named colleague."""

    soort: ForwardKind
    naam: str


@dataclass(frozen=True)
class KccSettings:
    """The KCC desk: extra contact channels and the back-office targets for forwarded questions."""

    extra_channels: tuple[str, ...] = ()  # besides balie, digitale balie, telefoon, e-mail, post, website
    forward_targets: tuple[ForwardTarget, ...] = ()  # empty: the demo's departments
    default_norm_days: int = 10  # service norm in working days for a question without a product

    @property
    def target_pairs(self) -> tuple[tuple[str, str], ...]:
        """(soort, naam) pairs, the form app.bootstrap_kcc.forward_targets takes."""
        return tuple((target.soort, target.naam) for target in self.forward_targets)


def prepare_kcc_tables(raw: dict[str, Any], error_at: ErrorAt) -> None:
    """Before the typed reading: refuse an inline API key (so the admin hears why, not 'unknown
    key') and turn "soort:naam" strings in kcc.forward_targets into tables."""
    brp = raw.get("brp")
    if isinstance(brp, dict):
        for name in _BRP_SECRET_KEYS:
            if name in brp:
                raise error_at(
                    "de API-sleutel van de BRP hoort niet in dit bestand; zet hem in een apart bestand dat "
                    "alleen het serviceaccount van Loket kan lezen en noem dat bestand bij 'api_key_file'",
                    ("brp", name),
                )
    kcc = raw.get("kcc")
    targets = kcc.get("forward_targets") if isinstance(kcc, dict) else None
    if isinstance(kcc, dict) and isinstance(targets, list):
        kcc["forward_targets"] = [_target_table(item, n, error_at) for n, item in enumerate(targets, start=1)]


def _target_table(item: object, number: int, error_at: ErrorAt) -> object:
    if isinstance(item, dict):
        return item
    if not isinstance(item, str):
        raise error_at(
            f'doorzetbestemming {number} moet tekst als "afdeling:Vergunningen" zijn of een tabel met soort en naam',
            ("kcc", "forward_targets"),
        )
    soort, colon, naam = item.partition(":")
    if not colon:
        raise error_at(
            f'doorzetbestemming {number} ("{item}") moet de vorm "soort:naam" hebben, '
            'bijvoorbeeld "afdeling:Vergunningen"',
            ("kcc", "forward_targets"),
        )
    return {"soort": soort.strip(), "naam": naam.strip()}


def check_brp(brp: BrpSettings, error_at: ErrorAt) -> None:
    parts = urlsplit(brp.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise error_at(
            "'url' moet een webadres zijn dat met https:// begint, bijvoorbeeld https://brp.gemeente.local/api/brp",
            ("brp", "url"),
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        # Person data (BSN, address) crosses the network only encrypted.
        raise error_at("de BRP moet via https:// (http:// mag alleen op deze pc zelf)", ("brp", "url"))
    if brp.ca_file and parts.scheme != "https":
        raise error_at("'ca_file' geldt alleen voor een https://-adres", ("brp", "ca_file"))
    if not brp.timeout_seconds > 0:
        raise error_at("'timeout_seconds' moet groter dan 0 zijn", ("brp", "timeout_seconds"))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_kcc(kcc: KccSettings, error_at: ErrorAt) -> None:
    for channel in kcc.extra_channels:
        try:
            ChannelList([channel])
        except ChannelUnknown:
            raise error_at(
                f"een kanaal heeft een naam van 1 tot {MAX_KANAAL} tekens, niet '{channel[:60]}'",
                ("kcc", "extra_channels"),
            ) from None
    seen: set[tuple[str, str]] = set()
    for number, target in enumerate(kcc.forward_targets, start=1):
        naam = " ".join(target.naam.split())
        if not naam or len(naam) > MAX_TARGET_NAME:
            raise error_at(
                f"doorzetbestemming {number} heeft een naam van 1 tot {MAX_TARGET_NAME} tekens nodig",
                ("kcc", "forward_targets"),
            )
        if (target.soort, naam.casefold()) in seen:
            raise error_at(
                f"doorzetbestemming {number} ({target.soort} {naam}) staat er twee keer in", ("kcc", "forward_targets")
            )
        seen.add((target.soort, naam.casefold()))
    if not 1 <= kcc.default_norm_days <= MAX_NORM_DAYS:
        raise error_at(
            f"'default_norm_days' moet tussen 1 en {MAX_NORM_DAYS} werkdagen liggen, niet {kcc.default_norm_days}",
            ("kcc", "default_norm_days"),
        )
