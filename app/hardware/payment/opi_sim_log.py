"""The OPI simulator's memory: its transaction log, totals and counters, optionally in a JSON state
file that survives a restart of the simulator (as a real terminal's journal survives a power cut).

RepeatLastMessage answers from this log, so status recovery after a crash of Loket or of the
simulator finds what really happened. A payment that was still running when the simulator went
down is written as in progress first; the next start ends it "Aborted" (the terminal restarted,
nothing was charged). Written atomically (temp file + rename) on every change. Not thread-safe on
its own: the simulator calls it under its lock.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.core.payment.errors import PaymentError
from app.hardware.payment import opi_messages as m

log = logging.getLogger(__name__)


class OpiSimulatorStateInvalid(PaymentError):
    code = "payment.simulator_state_invalid"


@dataclass(frozen=True)
class LoggedTransaction:
    request_id: str
    workstation_id: str
    overall_result: str
    amount_cents: int
    response: m.CardServiceResponse
    receipt: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "receipt": list(self.receipt)}

    @staticmethod
    def from_json(raw: dict[str, Any]) -> LoggedTransaction:
        response = m.CardServiceResponse(**raw["response"])
        fields = {key: raw[key] for key in ("request_id", "workstation_id", "overall_result", "amount_cents")}
        return LoggedTransaction(**fields, response=response, receipt=tuple(str(line) for line in raw["receipt"]))


@dataclass(frozen=True)
class Interrupted:
    """A payment the terminal had started when it went down."""

    request_id: str
    workstation_id: str
    amount_cents: int


class OpiTransactionLog:
    def __init__(self, state_file: Path | None = None) -> None:
        self._file = state_file
        self.transactions: list[LoggedTransaction] = []
        self.totals: dict[str, tuple[int, int]] = {}  # card circuit → (count, cents) since closure
        self.batch = 1
        self.stan = 0
        self.in_progress: Interrupted | None = None
        if state_file is not None and state_file.exists():
            self._load(state_file)
        if self.in_progress is not None:
            self._end_interrupted(self.in_progress)
        self._save()  # at once: an unwritable place shows at start, and the file is there to read

    def last(self) -> LoggedTransaction | None:
        return self.transactions[-1] if self.transactions else None

    def next_stan(self) -> str:
        self.stan += 1
        self._save()
        return f"{self.stan:06d}"

    def begin(self, request_id: str, workstation_id: str, amount_cents: int) -> None:
        self.in_progress = Interrupted(request_id, workstation_id, amount_cents)
        self._save()

    def append(self, entry: LoggedTransaction, circuit: str | None) -> None:
        """Log a finished transaction; `circuit` counts it in the totals (approved payments)."""
        if circuit is not None:
            count, total = self.totals.get(circuit, (0, 0))
            self.totals[circuit] = (count + 1, total + entry.amount_cents)
        self.transactions.append(entry)
        self.in_progress = None
        self._save()

    def close_batch(self) -> None:
        self.totals.clear()
        self.batch += 1
        self._save()

    # --- inside -----------------------------------------------------------------------------------

    def _end_interrupted(self, cut: Interrupted) -> None:
        response = m.CardServiceResponse(
            request_type=m.CARD_PAYMENT,
            request_id=cut.request_id,
            workstation_id=cut.workstation_id,
            overall_result="Aborted",
            error_text="Terminal herstart",
        )
        log.info("OPI simulator: payment %s was cut off by a restart; logged as aborted", cut.request_id)
        self.append(LoggedTransaction(cut.request_id, cut.workstation_id, "Aborted", 0, response, ()), None)

    def _save(self) -> None:
        if self._file is None:
            return
        state = {
            "batch": self.batch,
            "stan": self.stan,
            "totals": {circuit: list(pair) for circuit, pair in self.totals.items()},
            "in_progress": asdict(self.in_progress) if self.in_progress else None,
            "transactions": [entry.as_json() for entry in self.transactions],
        }
        fd, temporary = tempfile.mkstemp(dir=self._file.parent, prefix=".opi-sim-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._file)

    def _load(self, path: Path) -> None:
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            self.batch = int(state["batch"])
            self.stan = int(state["stan"])
            self.totals = {str(c): (int(pair[0]), int(pair[1])) for c, pair in state["totals"].items()}
            cut = state["in_progress"]
            self.in_progress = Interrupted(**cut) if cut else None
            self.transactions = [LoggedTransaction.from_json(raw) for raw in state["transactions"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
            raise OpiSimulatorStateInvalid(
                f"Het statusbestand van de simulator is onleesbaar: {path}", path=str(path)
            ) from error
        log.info("OPI simulator: %d transactions loaded from the state file", len(self.transactions))
