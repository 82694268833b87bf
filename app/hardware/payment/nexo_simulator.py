"""A nexo PIN terminal on 127.0.0.1: Adyen Terminal API (local) over HTTPS with message encryption.

Behaviour follows the amount's cents (scenarios.py, x,91-x,98). Its transaction log lives in a
state file, so a status query finds what happened even after Loket (or the simulator) restarted.

In-process: `NexoSimulator(...).start()`, then `.port` and `.fingerprint`. Separate process:
`python -m app.hardware.payment.nexo_simulator --port N --state-file F` prints one JSON line with
port and fingerprint when it is ready.
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app.core.errors import LoketError
from app.core.payment.errors import PaymentError
from app.hardware.payment import nexo_sim_responses as out
from app.hardware.payment.nexo_crypto import (
    NexoCredentials,
    decrypt_message,
    derive_keys,
    encrypt_message,
)
from app.hardware.payment.nexo_display import display_notification
from app.hardware.payment.nexo_messages import (
    REQUEST,
    Category,
    ErrorCondition,
    Header,
    Json,
    Result,
    json_to_cents,
    obj,
    objects,
    split_message,
    text,
)
from app.hardware.payment.nexo_sim_http import (
    BadRequest,
    DropConnection,
    GarbledAnswer,
    SimulatorServer,
    garbled,
    post_notification,
)
from app.hardware.payment.nexo_sim_log import TransactionLog
from app.hardware.payment.scenarios import Scenario, partial_cents, scenario_for
from app.hardware.payment.tls import server_context

log = logging.getLogger(__name__)

# Demo credentials: the simulator and `loket demo` share them; a real terminal has its own.
DEMO_KEY_IDENTIFIER = "LoketDemoKey"
DEMO_KEY_VERSION = 1
DEMO_PASSPHRASE = "loket-demo-nexo-passphrase"
DEMO_POI_ID = "V400m-SIM000001"


def demo_credentials() -> NexoCredentials:
    return NexoCredentials(DEMO_KEY_IDENTIFIER, DEMO_KEY_VERSION, derive_keys(DEMO_PASSPHRASE))


class _Pending:
    def __init__(self) -> None:
        self.aborted = threading.Event()


class NexoSimulator:
    def __init__(
        self,
        credentials: NexoCredentials | None = None,
        *,
        poi_id: str = DEMO_POI_ID,
        port: int = 0,
        state_file: Path | None = None,
        slow_delay: float = 2.0,
        hang_limit: float = 120.0,
        display_url: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.credentials = credentials or demo_credentials()
        self.poi_id = poi_id
        self.slow_delay = slow_delay
        self.hang_limit = hang_limit  # a real terminal gives up after its own time-out too
        self.display_url = display_url  # the till's display-notification endpoint (Adyen "display URL")
        self._clock = clock
        self._requested_port = port
        self._log = TransactionLog(state_file, poi_id)
        self._lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._stopping = threading.Event()
        self._server: SimulatorServer | None = None
        self._thread: threading.Thread | None = None
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self.displayed: list[str] = []  # what the terminal showed, oldest first (for tests and the demo)
        self.requests_seen: list[str] = []  # categories of decrypted requests, in order
        self._changed = threading.Condition(self._lock)
        self._finish_interrupted()

    # --- lifecycle -------------------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        assert self._log.identity is not None
        return self._log.identity.fingerprint

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("simulator not started")
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._tempdir = tempfile.TemporaryDirectory(prefix="nexo-sim-")
        assert self._log.identity is not None
        context = server_context(self._log.identity, self._tempdir.name)
        self._server = SimulatorServer(("127.0.0.1", self._requested_port), self.handle, self._garble, context)
        # A short poll interval so stop() returns quickly.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="nexo-simulator", daemon=True
        )
        self._thread.start()
        log.info("nexo simulator %s on 127.0.0.1:%d", self.poi_id, self.port)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            for pending in self._pending.values():
                pending.aborted.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._tempdir is not None:
            self._tempdir.cleanup()
        self._server = None

    def __enter__(self) -> NexoSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- test hooks ------------------------------------------------------------------------------

    def wait_until_in_progress(self, service_id: str, timeout: float = 10.0) -> bool:
        """True once a payment with this ServiceID is waiting on the terminal (for abort tests)."""
        suffix = "/" + service_id
        with self._changed:
            return self._changed.wait_for(lambda: any(k.endswith(suffix) for k in self._pending), timeout)

    def wait_until_finished(self, sale_id: str, service_id: str, timeout: float = 10.0) -> bool:
        """True once the terminal's log holds the final outcome of this payment."""

        def finished() -> bool:
            entry = self._log.get(sale_id, service_id)
            return entry is not None and entry.response is not None

        with self._changed:
            return self._changed.wait_for(finished, timeout)

    def totals(self) -> tuple[int, int, int]:
        return self._log.totals()

    # --- request handling ------------------------------------------------------------------------

    def handle(self, raw: bytes) -> bytes:
        """Answer one HTTP body. Raises DropConnection to close without answering."""
        try:
            message = decrypt_message(raw, self.credentials)
            kind, header, body = split_message(message)
        except PaymentError as error:
            log.warning("nexo simulator: request refused (%s)", error.code)
            raise BadRequest from error
        if kind != REQUEST or header.poi_id != self.poi_id:
            raise BadRequest
        with self._lock:
            self.requests_seen.append(header.category)
        handlers: dict[str, Callable[[Header, Json], Json | None]] = {
            Category.PAYMENT: self._payment,
            Category.ABORT: self._abort,
            Category.TRANSACTION_STATUS: self._status,
            Category.RECONCILIATION: self._reconciliation,
            Category.GET_TOTALS: self._get_totals,
            Category.DISPLAY: self._display,
        }
        handler = handlers.get(header.category)
        if handler is None:
            raise BadRequest
        try:
            answer = handler(header, body)
        except PaymentError as error:
            log.warning("nexo simulator: %s request malformed (%s)", header.category, error.code)
            raise BadRequest from error
        if answer is None:
            return b""
        return self._encrypt(answer)

    def _garble(self, answer: Json) -> bytes:
        return garbled(answer, self.credentials)

    def _encrypt(self, answer: Json) -> bytes:
        return json.dumps(encrypt_message(answer, self.credentials)).encode()

    def _payment(self, header: Header, body: Json) -> Json:
        request = obj(body, "PaymentRequest")
        sale_transaction = obj(obj(request, "SaleData"), "SaleTransactionID")
        amounts = obj(obj(request, "PaymentTransaction"), "AmountsReq")
        text(amounts, "Currency", 3)
        cents = json_to_cents(amounts.get("RequestedAmount"), "RequestedAmount")
        scenario = scenario_for(cents)
        authorised = partial_cents(cents) if scenario is Scenario.PARTIAL else cents  # the log counts this
        poi_transaction = f"SIM{secrets.token_hex(6).upper()}"
        key = TransactionLog.key(header.sale_id, header.service_id)
        pending = _Pending()
        with self._changed:
            # One payment at a time, decided atomically: a second till gets Busy, not a double start.
            if scenario is Scenario.BUSY or self._pending:
                return out.envelope(header, "PaymentResponse", out.busy_payment(sale_transaction))
            if not self._log.start(header.sale_id, header.service_id, authorised):
                failure = out.failed_payment(sale_transaction, ErrorCondition.NOT_ALLOWED, "ServiceID used", "")
                return out.envelope(header, "PaymentResponse", failure)
            self._pending[key] = pending
            self._changed.notify_all()
        transaction_id = str(sale_transaction.get("TransactionID", ""))[:64]

        def notify(event: str) -> None:
            self._notify(header.sale_id, event, transaction_id)

        notify("TENDER_CREATED")
        self._show("Presenteer of steek uw kaart")
        try:
            approved = self._play(scenario, pending, notify)
        finally:
            with self._lock:
                self._pending.pop(key, None)
        if approved:
            code = f"{secrets.randbelow(10**6):06d}"
            partial = authorised != cents
            result = out.approved_payment(
                sale_transaction, authorised, poi_transaction, code, self._clock(), partial=partial
            )
            self._show("Betaling geaccepteerd")
        else:
            condition, reason = self._failure_for(scenario, pending)
            result = out.failed_payment(sale_transaction, condition, reason, poi_transaction)
            self._show("Betaling afgebroken" if condition is not ErrorCondition.REFUSAL else "Geweigerd")
        notify("TENDER_FINAL")
        answer = out.envelope(header, "PaymentResponse", result)
        response_header = answer["SaleToPOIResponse"]["MessageHeader"]
        with self._changed:
            self._log.finish(header.sale_id, header.service_id, approved, response_header, result)
            self._changed.notify_all()
        if approved and scenario is Scenario.APPROVE_THEN_DROP:
            raise DropConnection
        if approved and scenario is Scenario.APPROVE_GARBLED:
            raise GarbledAnswer(answer)
        return answer

    def _play(self, scenario: Scenario, pending: _Pending, notify: Callable[[str], None]) -> bool:
        """Wait as the scenario says; True when the payment ends approved."""
        if scenario is Scenario.HANG_UNTIL_ABORTED:
            pending.aborted.wait(self.hang_limit)
            return False
        if scenario is Scenario.CITIZEN_CANCELS:
            return False
        notify("CARD_PRESENTED")
        if scenario is Scenario.DECLINE:
            return False
        notify("WAIT_FOR_PIN")
        self._show("Voer uw pincode in")
        if scenario is Scenario.SLOW and pending.aborted.wait(self.slow_delay):
            return False
        notify("PIN_ENTERED")
        return not pending.aborted.is_set()

    def _failure_for(self, scenario: Scenario, pending: _Pending) -> tuple[ErrorCondition, str]:
        if scenario is Scenario.DECLINE:
            return ErrorCondition.REFUSAL, "Not enough balance"
        if scenario is Scenario.CITIZEN_CANCELS:
            return ErrorCondition.CANCEL, "Cancelled by shopper"
        if pending.aborted.is_set():
            return ErrorCondition.ABORTED, "Transaction cancelled by merchant"
        return ErrorCondition.ABORTED, "Terminal timeout"

    def _abort(self, header: Header, body: Json) -> None:
        reference = obj(obj(body, "AbortRequest"), "MessageReference")
        target = TransactionLog.key(text(reference, "SaleID", 64), text(reference, "ServiceID", 10))
        with self._lock:
            pending = self._pending.get(target)
        if pending is not None:
            pending.aborted.set()
        return None

    def _status(self, header: Header, body: Json) -> Json:
        reference = obj(obj(body, "TransactionStatusRequest"), "MessageReference")
        service_id = text(reference, "ServiceID", 10)
        entry = self._log.get(text(reference, "SaleID", 64), service_id)
        if entry is None:
            result = out.status_failure(ErrorCondition.NOT_FOUND, "Transaction not found")
        elif entry.response is None or entry.header is None:
            result = out.status_failure(ErrorCondition.IN_PROGRESS, "Transaction in progress")
        else:
            result = out.status_found(service_id, entry.sale_id, entry.header, entry.response)
        return out.envelope(header, "TransactionStatusResponse", result)

    def _reconciliation(self, header: Header, body: Json) -> Json:
        kind = text(obj(body, "ReconciliationRequest"), "ReconciliationType", 32)
        if kind != "SaleReconciliation":
            failure = out.status_failure(ErrorCondition.NOT_ALLOWED, "Only SaleReconciliation")
            return out.envelope(header, "ReconciliationResponse", failure)
        period, count, cents = self._log.close_period()
        return out.envelope(header, "ReconciliationResponse", out.totals_body(period, count, cents, True))

    def _get_totals(self, header: Header, body: Json) -> Json:
        obj(body, "GetTotalsRequest")
        period, count, cents = self._log.totals()
        return out.envelope(header, "GetTotalsResponse", out.totals_body(period, count, cents, False))

    def _display(self, header: Header, body: Json) -> Json:
        for output in objects(obj(body, "DisplayRequest"), "DisplayOutput", 16):
            for item in objects(obj(output, "OutputContent"), "OutputText", 32):
                self._show(text(item, "Text", 200))
        return out.envelope(header, "DisplayResponse", {"Response": out.response(Result.SUCCESS)})

    def _notify(self, sale_id: str, event: str, transaction_id: str) -> None:
        """A display notification to the till's display URL, if one is set; failures do not matter."""
        url = self.display_url
        if not url:
            return
        header = Header.request(Category.DISPLAY, secrets.token_hex(5), sale_id, self.poi_id)
        message = display_notification(header, event, transaction_id, self._clock())
        post_notification(url, json.dumps(encrypt_message(message, self.credentials)).encode())

    def _show(self, line: str) -> None:
        with self._lock:
            self.displayed.append(line)

    def _finish_interrupted(self) -> None:
        """A payment cut off by a restart of the terminal did not happen: it ends aborted."""
        for entry in self._log.unfinished():
            header = Header.request(Category.PAYMENT, entry.service_id, entry.sale_id, self.poi_id).response()
            result = out.failed_payment({}, ErrorCondition.ABORTED, "Terminal restarted", "")
            self._log.finish(entry.sale_id, entry.service_id, False, header.to_json(), result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nexo PIN-terminal simulator (Adyen Terminal API, lokaal)")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--state-file", type=Path, default=None)
    parser.add_argument("--poi-id", default=DEMO_POI_ID)
    parser.add_argument("--slow-delay", type=float, default=2.0, help="seconden wachten bij bedragen op ,96")
    parser.add_argument("--hang-limit", type=float, default=120.0, help="seconden dat ,93 wacht op een abort")
    parser.add_argument("--display-url", default=None, help="display notifications naar de kassa")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    try:
        simulator = NexoSimulator(
            poi_id=args.poi_id,
            port=args.port,
            state_file=args.state_file,
            slow_delay=args.slow_delay,
            hang_limit=args.hang_limit,
            display_url=args.display_url,
        )
    except LoketError as error:
        sys.stderr.write(f"{error.message}\n")
        return 2
    try:
        simulator.start()
    except OSError as error:
        sys.stderr.write(f"Poort {args.port} is niet beschikbaar: {error.strerror}\n")
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sys.stdout.write(
        json.dumps({"port": simulator.port, "fingerprint": simulator.fingerprint, "poi_id": simulator.poi_id}) + "\n"
    )
    sys.stdout.flush()
    stop.wait()
    simulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
