"""The `[devices.payment_terminal]` table of the workstation file, and its checks.

Apart from app.config so that module stays small; app.config re-exports the settings class.
Secrets never live in the TOML file, which IT copies to every PC of the hall: the nexo
passphrase is in its own file (`passphrase_file`) that only Loket's service account can read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from app.core.errors import ConfigError

# "simulator": Loket starts its own nexo simulator on 127.0.0.1 (demo, training);
# "fake": an in-memory terminal for tests; "none": no terminal at this PC.
PaymentTerminalKind = Literal["nexo", "opi", "simulator", "fake", "none"]

#: builds the error for a message and a key inside [devices.payment_terminal], with its line
ErrorAt = Callable[[str, str], ConfigError]


@dataclass(frozen=True)
class PaymentTerminalSettings:
    """PIN terminal: nexo (Adyen local Terminal API) or OPI (CCV)."""

    kind: PaymentTerminalKind
    host: str = ""
    port: int = 0  # nexo: the terminal's HTTPS port (8443); opi: the terminal's request port (4100)
    poi_id: str = ""  # the terminal's id as the payment provider gives it, e.g. "V400m-123456789"
    sale_id: str = ""  # this till's id in the terminal's messages; empty: "Loket"
    # nexo: the shared key (Adyen Customer Area: Terminal API encryption key)
    key_identifier: str = ""
    key_version: int = 0
    passphrase_file: str = ""
    certificate_fingerprint: str = ""  # SHA-256 of the terminal's certificate, hex
    display_port: int = 0  # where the terminal posts its display texts (its display URL); 0: none
    # opi: who we are to the terminal, and where it sends display and receipt requests to us
    workstation_id: str = ""
    device_port: int = 4102
    connect_timeout_seconds: float = 5.0
    timeout_seconds: int = 120  # how long a payment may take before we stop waiting for the answer
    status_timeout_seconds: int = 30  # one status query (recovering an unknown outcome)

    @property
    def fingerprint(self) -> str:
        return fingerprint_hex(self.certificate_fingerprint)


_FINGERPRINT = re.compile(r"[0-9a-f]{64}")
_NEXO_NEEDS = ("poi_id", "key_identifier", "passphrase_file", "certificate_fingerprint")
_SECRET_KEYS = ("passphrase", "password", "key_passphrase", "wachtwoord")


def fingerprint_hex(text: str) -> str:
    """'AB:CD:…' or 'abcd…' → 'abcd…': the forms openssl and browsers show, normalised."""
    return text.replace(":", "").replace(" ", "").lower()


def refuse_inline_secrets(raw: dict[str, Any], error_at: ErrorAt) -> None:
    """Before the typed reading, so the admin hears why instead of 'unknown key'."""
    devices = raw.get("devices")
    terminal = devices.get("payment_terminal") if isinstance(devices, dict) else None
    if not isinstance(terminal, dict):
        return
    for name in _SECRET_KEYS:
        if name in terminal:
            raise error_at(
                "het wachtwoord van de pinautomaat hoort niet in dit bestand; zet het in een apart bestand "
                "dat alleen het serviceaccount van Loket kan lezen en noem dat bestand bij 'passphrase_file'",
                name,
            )


def check_terminal(terminal: PaymentTerminalSettings, error_at: ErrorAt) -> None:
    if terminal.kind not in ("nexo", "opi"):
        return  # simulator, fake and none need nothing from the file
    if not terminal.host:
        raise error_at(f"pinautomaat van soort '{terminal.kind}' heeft een host nodig", "host")
    _check_port(terminal.port, "port", error_at)
    for name in ("connect_timeout_seconds", "timeout_seconds", "status_timeout_seconds"):
        if getattr(terminal, name) <= 0:
            raise error_at(f"'{name}' moet groter dan 0 zijn", name)
    if terminal.kind == "opi":
        if not terminal.workstation_id:
            raise error_at("pinautomaat van soort 'opi' heeft 'workstation_id' nodig", "workstation_id")
        _check_port(terminal.device_port, "device_port", error_at)
        return
    for name in _NEXO_NEEDS:
        if not getattr(terminal, name):
            raise error_at(f"pinautomaat van soort 'nexo' heeft '{name}' nodig", name)
    if terminal.display_port:
        _check_port(terminal.display_port, "display_port", error_at)
    if terminal.key_version < 1:
        raise error_at("'key_version' moet 1 of hoger zijn (de versie van de sleutel)", "key_version")
    if not _FINGERPRINT.fullmatch(terminal.fingerprint):
        raise error_at(
            "'certificate_fingerprint' moet de SHA-256 van het certificaat van de pinautomaat zijn: "
            "64 hexadecimale tekens (dubbele punten mogen)",
            "certificate_fingerprint",
        )


def _check_port(port: int, name: str, error_at: ErrorAt) -> None:
    if port == 0:
        raise error_at(f"'{name}' ontbreekt (het poortnummer van het apparaat)", name)
    if not 1 <= port <= 65535:
        raise error_at(f"poortnummer moet tussen 1 en 65535 liggen, niet {port}", name)
