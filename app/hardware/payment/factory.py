"""Builds the PIN terminal a workstation's config asks for, and the demo's simulated one.

The nexo passphrase is read here, from its own file, and only kept as derived keys. On POSIX
the file must not be readable by group or others (Windows: the installer sets the ACL); a
passphrase anyone can read would let anyone on the network talk to the terminal as our till.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from app.config import PaymentTerminalSettings
from app.core.errors import ConfigError
from app.core.payment.ports import (
    DisplayCallback,
    PaymentRequest,
    PaymentTerminal,
    StatusReply,
    TerminalResult,
    TerminalTotals,
)
from app.hardware.payment.nexo_crypto import NexoCredentials, derive_keys
from app.hardware.payment.nexo_display import DisplayListener
from app.hardware.payment.nexo_simulator import NexoSimulator
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal
from app.hardware.payment.opi_terminal import OpiSettings, OpiTerminal

log = logging.getLogger(__name__)

DEFAULT_SALE_ID = "Loket"
DEMO_POI_ID = "V400m-DEMO00001"
DEMO_KEY_IDENTIFIER = "LoketDemoKey"
DEMO_SALE_ID = "LoketDemo"
#: the simulator's transaction log (and its certificate) inside the demo's data folder
SIMULATOR_STATE = "nexo-simulator.json"


class NoPaymentTerminal(ConfigError):
    code = "payment.not_configured"


class PassphraseFileError(ConfigError):
    code = "payment.passphrase_file"


def read_passphrase(path: Path | str) -> str:
    """The passphrase from its file (one line), refusing a file others may read."""
    path = Path(path)
    try:
        info = path.stat()
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PassphraseFileError("het wachtwoordbestand van de pinautomaat bestaat niet", path=str(path)) from None
    except PermissionError:
        raise PassphraseFileError(
            "Loket mag het wachtwoordbestand van de pinautomaat niet lezen; geef het serviceaccount leesrecht",
            path=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PassphraseFileError(f"wachtwoordbestand niet leesbaar ({error})", path=str(path)) from None
    if sys.platform != "win32" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PassphraseFileError(
            "het wachtwoordbestand van de pinautomaat is ook voor anderen leesbaar; maak het alleen leesbaar "
            f"voor het serviceaccount (chmod 600 {path})",
            path=str(path),
        )
    passphrase = text.strip()
    if not passphrase or "\n" in passphrase:
        raise PassphraseFileError(
            "het wachtwoordbestand moet precies één regel met het wachtwoord bevatten", path=str(path)
        )
    return passphrase


def nexo_settings(settings: PaymentTerminalSettings, passphrase: str) -> NexoSettings:
    credentials = NexoCredentials(settings.key_identifier, settings.key_version, derive_keys(passphrase))
    return NexoSettings(
        host=settings.host,
        port=settings.port,
        poi_id=settings.poi_id,
        sale_id=settings.sale_id or DEFAULT_SALE_ID,
        credentials=credentials,
        fingerprint=settings.fingerprint,
        connect_timeout=settings.connect_timeout_seconds,
        # A little longer than the terminal's own time-out, so the terminal answers first.
        payment_timeout=float(settings.timeout_seconds + 30),
        request_timeout=float(settings.status_timeout_seconds),
    )


def opi_settings(settings: PaymentTerminalSettings) -> OpiSettings:
    return OpiSettings(
        terminal_host=settings.host,
        terminal_port=settings.port,
        # Channel 1 listens where the terminal can reach us; a terminal on loopback needs no more.
        device_address="127.0.0.1" if settings.host in ("127.0.0.1", "localhost") else "0.0.0.0",
        device_port=settings.device_port,
        workstation_id=settings.workstation_id,
        application_sender=settings.sale_id or DEFAULT_SALE_ID,
        connect_timeout=settings.connect_timeout_seconds,
        response_timeout=float(settings.timeout_seconds + 60),
        short_timeout=float(settings.status_timeout_seconds),
        poi_id=settings.poi_id or None,
    )


def _nexo_terminal(settings: PaymentTerminalSettings) -> PaymentTerminal:
    nexo = nexo_settings(settings, read_passphrase(settings.passphrase_file))
    if not settings.display_port:
        return NexoTerminal(nexo)
    # The terminal posts its display texts here (its "display URL"); only signed ones are accepted.
    listener = DisplayListener(nexo.credentials, "0.0.0.0", settings.display_port)
    try:
        listener.start()
    except OSError as error:
        raise ConfigError(
            f"poort {settings.display_port} voor de teksten van de pinautomaat is niet vrij ({error.strerror})",
            key="devices.payment_terminal.display_port",
        ) from None
    return OwningTerminal(NexoTerminal(nexo, display=listener), [listener])


def open_payment_terminal(settings: PaymentTerminalSettings | None, data_dir: Path | None = None) -> PaymentTerminal:
    """The configured terminal, opened (no payment, no network traffic yet for nexo).

    kind "none" (or no table) raises NoPaymentTerminal: the caller shows the screens without
    card payment. kind "simulator" starts a nexo simulator on 127.0.0.1 that stops with the
    terminal's close(); with `data_dir` its transaction log survives a restart."""
    if settings is None or settings.kind == "none":
        raise NoPaymentTerminal("er is geen pinautomaat ingesteld ([devices.payment_terminal])")
    terminal: PaymentTerminal
    if settings.kind == "nexo":
        terminal = _nexo_terminal(settings)
    elif settings.kind == "opi":
        terminal = OpiTerminal(opi_settings(settings))
    elif settings.kind == "simulator":
        simulator, simulated = start_demo_terminal(data_dir)
        return OwningTerminal(simulated, [simulator])
    else:
        from app.hardware.payment.fake import FakeTerminal

        terminal = FakeTerminal()
    terminal.open()
    log.info("payment terminal %s (%s) opened", terminal.poi_id, settings.kind)
    return terminal


class Stoppable(Protocol):
    def stop(self) -> None: ...


class OwningTerminal:
    """A terminal together with what only it uses (display listener, simulator); close() stops those too."""

    def __init__(self, terminal: PaymentTerminal, owned: Sequence[Stoppable]) -> None:
        self._terminal = terminal
        self._owned = tuple(owned)

    @property
    def poi_id(self) -> str:
        return self._terminal.poi_id

    def open(self) -> None:
        self._terminal.open()

    def close(self) -> None:
        self._terminal.close()
        for part in self._owned:
            part.stop()

    def pay(self, request: PaymentRequest, on_display: DisplayCallback) -> TerminalResult:
        return self._terminal.pay(request, on_display)

    def abort(self, payment_service_id: str, abort_service_id: str) -> None:
        self._terminal.abort(payment_service_id, abort_service_id)

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        return self._terminal.transaction_status(payment_service_id, status_service_id)

    def reconcile(self, service_id: str, close_period: bool) -> TerminalTotals:
        return self._terminal.reconcile(service_id, close_period)


def start_demo_terminal(data_dir: Path | None) -> tuple[NexoSimulator, PaymentTerminal]:
    """A nexo simulator on 127.0.0.1 (ephemeral port, throwaway key) and a terminal pinned to its
    certificate, opened, with the terminal's display texts coming back over a display listener on
    127.0.0.1. The caller closes the terminal (which stops the listener), then stops the simulator.

    The simulator keeps its transaction log in `data_dir` (private to the user), so payments left
    open by a crash of the demo are found again by the status query after a restart."""
    passphrase = throwaway_passphrase()
    credentials = NexoCredentials(DEMO_KEY_IDENTIFIER, 1, derive_keys(passphrase))
    listener = DisplayListener(credentials, "127.0.0.1", 0)
    listener.start()
    state_file = _private_dir(data_dir) / SIMULATOR_STATE if data_dir is not None else None
    simulator = NexoSimulator(credentials, poi_id=DEMO_POI_ID, state_file=state_file, display_url=listener.url)
    simulator.start()
    settings = NexoSettings(
        host="127.0.0.1",
        port=simulator.port,
        poi_id=DEMO_POI_ID,
        sale_id=DEMO_SALE_ID,
        credentials=credentials,
        fingerprint=simulator.fingerprint,
    )
    terminal = OwningTerminal(NexoTerminal(settings, display=listener), [listener])
    terminal.open()
    log.info("demo payment terminal: nexo simulator on 127.0.0.1:%d", simulator.port)
    return simulator, terminal


def throwaway_passphrase() -> str:
    return secrets.token_urlsafe(24)


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        path.chmod(0o700)
    return path
