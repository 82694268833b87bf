"""Running database and device work off the UI thread.

Screens hand a callable to a TaskRunner together with what to do with its result or its
error; both callbacks run on the UI thread. Production uses one worker thread so that a
desk's operations happen in the order they were pressed (like Anki's single DB worker);
tests use SyncTaskRunner, which runs everything at once on the calling thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from app.core.errors import LoketError

log = logging.getLogger(__name__)

T = TypeVar("T")
ErrorHandler = Callable[[LoketError], None]


class UnexpectedError(LoketError):
    """A bug or an unforeseen failure: logged with its traceback, shown as a calm sentence."""

    code = "loket.unexpected"


class TaskRunner(Protocol):
    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: ErrorHandler | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class _Outcome:
    on_done: Callable[[Any], None] | None
    on_error: ErrorHandler | None
    value: Any = None
    error: LoketError | None = None


def _execute(work: Callable[[], Any]) -> tuple[Any, LoketError | None]:
    try:
        return work(), None
    except LoketError as error:
        return None, error
    except Exception:
        log.exception("taak faalde onverwacht")
        return None, UnexpectedError("Er ging iets mis. Probeer het opnieuw of vraag een collega om hulp.")


def _deliver(outcome: _Outcome) -> None:
    try:
        if outcome.error is not None:
            if outcome.on_error is not None:
                outcome.on_error(outcome.error)
            else:
                log.warning("taak faalde zonder foutafhandeling: %s (%s)", outcome.error.message, outcome.error.code)
        elif outcome.on_done is not None:
            outcome.on_done(outcome.value)
    except RuntimeError as error:
        if "already deleted" not in str(error):
            log.exception("afhandeling van taakresultaat faalde")
        # else: the screen was closed while its work ran; nobody is left to tell.
    except Exception:  # a broken callback must not take the window down
        log.exception("afhandeling van taakresultaat faalde")


class _Job(QRunnable):
    def __init__(self, runner: ThreadPoolTaskRunner, work: Callable[[], Any], outcome: _Outcome) -> None:
        super().__init__()
        self._runner = runner
        self._work = work
        self._outcome = outcome

    def run(self) -> None:
        value, error = _execute(self._work)
        done = _Outcome(self._outcome.on_done, self._outcome.on_error, value, error)
        self._runner._finished.emit(done)


class ThreadPoolTaskRunner(QObject):
    """Runs work on a private QThreadPool with one worker; results return on the UI thread."""

    #: True while work is queued or running, False when all is done (for a progress hint)
    busy_changed = Signal(bool)

    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None, *, workers: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(workers)
        self._pending = 0
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        return self._pending

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: ErrorHandler | None = None,
    ) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(self, work, _Outcome(on_done, on_error)))

    @Slot(object)
    def _on_finished(self, outcome: _Outcome) -> None:
        self._pending -= 1
        _deliver(outcome)
        if self._pending == 0:
            self.busy_changed.emit(False)

    def wait_for_done(self, msecs: int = 5000) -> bool:
        """Block until the worker is idle (shutdown only); results still arrive via the event loop."""
        return bool(self._pool.waitForDone(msecs))


class SyncTaskRunner:
    """Runs work immediately on the calling thread: deterministic tests without waiting."""

    def __init__(self) -> None:
        self.runs = 0

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: ErrorHandler | None = None,
    ) -> None:
        self.runs += 1
        value, error = _execute(work)
        _deliver(_Outcome(on_done, on_error, value, error))
