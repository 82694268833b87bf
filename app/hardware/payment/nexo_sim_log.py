"""The nexo simulator's own transaction log, kept in a JSON state file across restarts.

A real terminal remembers what it did even when the cash register crashed; status queries must
find it. The file also keeps the simulator's certificate, so its pinned fingerprint survives a
restart. Written atomically (temp file + rename) on every change.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.payment.errors import PaymentError
from app.hardware.payment.tls import SelfSigned, generate_self_signed

log = logging.getLogger(__name__)

IN_PROGRESS = "in_progress"
FINAL = "final"


@dataclass(frozen=True)
class Entry:
    sale_id: str
    service_id: str
    state: str  # in_progress | final
    amount_cents: int
    approved: bool = False
    header: dict[str, Any] | None = None  # the response's MessageHeader, for RepeatedMessageResponse
    response: dict[str, Any] | None = None  # the PaymentResponse body
    period: int = 1  # the reconciliation period it counts in

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class SimulatorStateInvalid(PaymentError):
    code = "payment.simulator_state_invalid"


class TransactionLog:
    def __init__(self, state_file: Path | None, common_name: str) -> None:
        self._file = state_file
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self.period = 1
        self.identity: SelfSigned | None = None
        if state_file is not None and state_file.exists():
            self._load(state_file)
        if self.identity is None:
            self.identity = generate_self_signed(common_name)
            self._save()

    @staticmethod
    def key(sale_id: str, service_id: str) -> str:
        return f"{sale_id}/{service_id}"

    def get(self, sale_id: str, service_id: str) -> Entry | None:
        with self._lock:
            return self._entries.get(self.key(sale_id, service_id))

    def start(self, sale_id: str, service_id: str, amount_cents: int) -> bool:
        """Record a payment as started; False when this ServiceID was used before."""
        with self._lock:
            key = self.key(sale_id, service_id)
            if key in self._entries:
                return False
            self._entries[key] = Entry(sale_id, service_id, IN_PROGRESS, amount_cents, period=self.period)
            self._save_locked()
            return True

    def finish(
        self, sale_id: str, service_id: str, approved: bool, header: dict[str, Any], body: dict[str, Any]
    ) -> None:
        with self._lock:
            key = self.key(sale_id, service_id)
            old = self._entries[key]
            self._entries[key] = Entry(
                sale_id, service_id, FINAL, old.amount_cents, approved, header, body, period=self.period
            )
            self._save_locked()

    def unfinished(self) -> list[Entry]:
        with self._lock:
            return [e for e in self._entries.values() if e.state == IN_PROGRESS]

    def totals(self) -> tuple[int, int, int]:
        """(period, approved count, approved cents) of the open period."""
        with self._lock:
            open_ = [e for e in self._entries.values() if e.approved and e.period == self.period]
            return self.period, len(open_), sum(e.amount_cents for e in open_)

    def close_period(self) -> tuple[int, int, int]:
        with self._lock:
            open_ = [e for e in self._entries.values() if e.approved and e.period == self.period]
            closed = (self.period, len(open_), sum(e.amount_cents for e in open_))
            self.period += 1
            self._save_locked()
            return closed

    def _save(self) -> None:
        with self._lock:
            self._save_locked()

    def _save_locked(self) -> None:
        if self._file is None:
            return
        assert self.identity is not None
        state = {
            "identity": {
                "cert_pem": self.identity.cert_pem.decode("ascii"),
                "key_pem": self.identity.key_pem.decode("ascii"),
            },
            "period": self.period,
            "transactions": [entry.as_json() for entry in self._entries.values()],
        }
        directory = self._file.parent
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".nexo-sim-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._file)

    def _load(self, path: Path) -> None:
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            identity = state["identity"]
            self.identity = SelfSigned(identity["cert_pem"].encode("ascii"), identity["key_pem"].encode("ascii"))
            self.period = int(state["period"])
            for raw in state["transactions"]:
                entry = Entry(**raw)
                self._entries[self.key(entry.sale_id, entry.service_id)] = entry
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise SimulatorStateInvalid(
                f"Het statusbestand van de simulator is onleesbaar: {path}", path=str(path)
            ) from error
        log.info("nexo simulator: %d transactions loaded from the state file", len(self._entries))
