"""Typed errors with stable codes. The UI translates codes into text; nobody sees a traceback."""

from __future__ import annotations


class LoketError(Exception):
    """Base of every error Loket expects. `code` is stable and used for translations."""

    code = "loket.error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class NotFound(LoketError):
    code = "loket.not_found"


class InvalidTransition(LoketError):
    """A ticket operation that its current state does not allow (e.g. finish a waiting ticket)."""

    code = "queue.invalid_transition"


class ServiceClosed(LoketError):
    code = "queue.service_closed"


class DeskClosed(LoketError):
    code = "queue.desk_closed"


class DeskBusy(LoketError):
    """The desk still has a visitor; finish, hold or transfer first."""

    code = "queue.desk_busy"


class NothingWaiting(LoketError):
    code = "queue.nothing_waiting"


class DatabaseUnavailable(LoketError):
    code = "store.unavailable"


class UnsafeDatabaseLocation(LoketError):
    code = "store.unsafe_location"


class ConfigError(LoketError):
    """A workstation config file is wrong; message names the key and the line."""

    code = "config.invalid"

    def __init__(self, message: str, *, path: str = "", key: str = "", line: int | None = None) -> None:
        where = f"{path}" + (f", regel {line}" if line else "")
        text = f"{where}: {message}" if where else message
        if key:
            text += f" (sleutel '{key}')"
        super().__init__(text, path=path, key=key, line=line)
        self.path = path
        self.key = key
        self.line = line


class PrinterError(LoketError):
    code = "printer.error"
