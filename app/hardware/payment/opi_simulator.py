"""An OPI (CCV) PIN terminal on loopback, for the demo, IT checks and the tests.

It listens on 127.0.0.1 for channel 0 and, for every payment, connects back to the ECR's device
port (channel 1) with display and receipt output, waiting for each DeviceResponse. The amount's
cents pick a scenario (see scenarios.py): x,91 declined, x,92 the citizen stops, x,93 hangs until
an AbortRequest, x,94 approved but the connection drops before the answer, x,95 busy, x,96 slow,
x,97 approved with a garbled answer, x,98 approved for less than asked; anything else is approved.
It keeps a transaction log, so RepeatLastMessage (status recovery) finds what happened, and totals
for reconciliation; with a state file (opi_sim_log.py) both survive a restart of the simulator.

    python -m app.hardware.payment.opi_simulator --port 4100 --device-port 4102 --state-file F
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import socket
import socketserver
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import LoketError
from app.core.payment.errors import PaymentError
from app.hardware.payment import opi_messages as m
from app.hardware.payment.opi_channel import FrameReader, send_frame
from app.hardware.payment.opi_sim_device import DeviceOutputSender
from app.hardware.payment.opi_sim_log import LoggedTransaction, OpiTransactionLog
from app.hardware.payment.scenarios import Scenario, partial_cents, scenario_for

log = logging.getLogger(__name__)
GARBLED = b'<CardServiceResponse RequestType="CardPayment" OverallResult="Succ\xff\xfe<<'
TERMINAL_ID = "SIM00001"


@dataclass
class _InProgress:
    request_id: str
    aborted: threading.Event


class OpiSimulator:
    """Start with `start()`, stop with `stop()`; `port` is chosen by the OS unless given."""

    def __init__(
        self, *, port: int = 0, device_port: int = 4102, slow_delay: float = 3.0, state_file: Path | None = None
    ) -> None:
        self.device_port = device_port  # where the ECR listens for channel 1
        self.slow_delay = slow_delay
        self._changed = threading.Condition()
        self._log = OpiTransactionLog(state_file)
        self._in_progress: _InProgress | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.simulator = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    def start(self) -> OpiSimulator:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="opi-sim", daemon=True)
        self._thread.start()
        log.info("OPI-simulator luistert op 127.0.0.1:%d", self.port)
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._changed:
            if self._in_progress is not None:
                self._in_progress.aborted.set()
            connections = list(self._connections)
        self._server.shutdown()
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> OpiSimulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- for tests and the demo --------------------------------------------------------------

    def transactions(self) -> tuple[LoggedTransaction, ...]:
        with self._changed:
            return tuple(self._log.transactions)

    def wait_in_progress(self, timeout: float = 5.0) -> bool:
        """True once a payment is under way (waits on a condition, no polling)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_progress is not None, timeout)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._in_progress is None, timeout)

    def wait_logged(self, count: int, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._log.transactions) >= count, timeout)

    # --- channel 0 ---------------------------------------------------------------------------

    def handle(self, request: m.OpiMessage, peer: str) -> bytes | None:
        """The answer frame's payload, or None to drop the connection without one."""
        if isinstance(request, m.ServiceRequest):
            return m.encode(self._reconcile(request))
        if not isinstance(request, m.CardServiceRequest):
            return None
        if request.request_type == m.ABORT_REQUEST:
            return m.encode(self._abort(request))
        if request.request_type == m.REPEAT_LAST_MESSAGE:
            return self._repeat_last(request, peer)
        return self._pay(request, peer)

    def _pay(self, request: m.CardServiceRequest, peer: str) -> bytes | None:
        cents = request.amount_cents or 0
        scenario = scenario_for(cents)
        with self._changed:
            busy = self._in_progress is not None or scenario is Scenario.BUSY
            if not busy:
                self._in_progress = _InProgress(request.request_id, threading.Event())
                self._log.begin(request.request_id, request.workstation_id, cents)
                self._changed.notify_all()
            current = self._in_progress
        if current is None or busy:
            return m.encode(_response(request, "Busy"))
        out = DeviceOutputSender(peer, self.device_port, request)
        try:
            return self._run(request, scenario, current, out)
        finally:
            out.close()
            with self._changed:
                self._in_progress = None
                self._changed.notify_all()

    def _run(
        self, request: m.CardServiceRequest, scenario: Scenario, current: _InProgress, out: DeviceOutputSender
    ) -> bytes | None:
        cents = request.amount_cents or 0
        out.display("Presenteer kaart", f"EUR {cents // 100},{cents % 100:02d}")
        if scenario is Scenario.HANG_UNTIL_ABORTED:
            current.aborted.wait()
        elif scenario is Scenario.SLOW:
            current.aborted.wait(self.slow_delay)
        if current.aborted.is_set() or scenario is Scenario.CITIZEN_CANCELS:
            return self._finish(request, "Aborted", out, "Afgebroken", text="Transactie afgebroken")
        if scenario is Scenario.DECLINE:
            return self._finish(request, "Failure", out, "Geweigerd", text="Kaart geweigerd")
        out.display("Voer pincode in")
        authorised = partial_cents(cents) if scenario is Scenario.PARTIAL else cents
        answer = self._finish(request, "Success", out, "Betaling akkoord", authorised=authorised)
        if scenario is Scenario.APPROVE_THEN_DROP:
            return None
        if scenario is Scenario.APPROVE_GARBLED:
            return GARBLED
        return answer

    def _finish(
        self,
        request: m.CardServiceRequest,
        result: str,
        out: DeviceOutputSender,
        shown: str,
        text: str | None = None,
        authorised: int | None = None,
    ) -> bytes:
        # An OPI terminal that authorises less still says Success, with the smaller TotalAmount.
        cents = authorised if authorised is not None else request.amount_cents or 0
        with self._changed:
            stan = self._log.next_stan()
        approved = result == "Success"
        response = _response(
            request,
            result,
            terminal_id=TERMINAL_ID,
            stan=stan,
            amount_cents=cents if approved else None,
            currency="EUR" if approved else None,
            masked_pan="****0017" if approved else None,
            card_circuit="MAESTRO" if approved else None,
            approval_code=f"A{stan}" if approved else None,
            error_text=text,
        )
        receipt = _receipt(cents, shown, stan)
        out.display(shown)
        out.print_receipt(receipt)
        with self._changed:
            entry = LoggedTransaction(request.request_id, request.workstation_id, result, cents, response, receipt)
            self._log.append(entry, "MAESTRO" if approved else None)
            self._changed.notify_all()
        return m.encode(response)

    def _abort(self, request: m.CardServiceRequest) -> m.CardServiceResponse:
        with self._changed:
            current = self._in_progress
        if current is None:
            return _response(request, "Failure", error_text="Geen transactie om af te breken")
        current.aborted.set()
        return _response(request, "Success")

    def _repeat_last(self, request: m.CardServiceRequest, peer: str) -> bytes:
        with self._changed:
            busy = self._in_progress is not None
            last = self._log.last()
        if busy:
            return m.encode(_response(request, "Busy"))
        if last is None:
            return m.encode(_response(request, "Failure", error_text="Geen vorige transactie"))
        out = DeviceOutputSender(peer, self.device_port, request)
        out.print_receipt(last.receipt)  # a copy, as a terminal prints on "repeat"
        out.close()
        return m.encode(last.response)

    def _reconcile(self, request: m.ServiceRequest) -> m.ServiceResponse:
        with self._changed:
            if self._in_progress is not None:
                return m.ServiceResponse(request.request_type, request.request_id, request.workstation_id, "Busy")
            totals = tuple(
                m.CircuitTotal(card_circuit=circuit, count=count, cents=cents, currency="EUR")
                for circuit, (count, cents) in sorted(self._log.totals.items())
            )
            batch = str(self._log.batch)
            if request.request_type == m.RECONCILIATION_WITH_CLOSURE:
                self._log.close_batch()
        return m.ServiceResponse(
            request_type=request.request_type,
            request_id=request.request_id,
            workstation_id=request.workstation_id,
            overall_result="Success",
            terminal_batch=batch,
            totals=totals,
        )


def _response(request: m.CardServiceRequest, result: str, **fields: object) -> m.CardServiceResponse:
    return m.CardServiceResponse(
        request_type=request.request_type,
        request_id=request.request_id,
        workstation_id=request.workstation_id,
        overall_result=result,
        **fields,  # type: ignore[arg-type]
    )


def _receipt(cents: int, shown: str, stan: str) -> tuple[str, ...]:
    return (
        "LOKET SIMULATOR",
        f"Terminal {TERMINAL_ID}  Volgnr {stan}",
        "Kaart: ****0017 MAESTRO",
        f"Bedrag: EUR {cents // 100},{cents % 100:02d}",
        shown.upper(),
    )


class _Server(socketserver.ThreadingTCPServer):
    # Not daemon threads: server_close() joins them, so nothing runs after stop().
    allow_reuse_address = True
    simulator: OpiSimulator


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sim: OpiSimulator = self.server.simulator  # type: ignore[attr-defined]
        sock: socket.socket = self.request
        with sim._changed:
            sim._connections.add(sock)
        reader = FrameReader(sock)
        try:
            while not sim._stopping.is_set():
                try:
                    request = m.decode(reader.read(None))
                except (OSError, PaymentError):
                    return  # closed, or garbage: a real terminal drops such a connection
                answer = sim.handle(request, self.client_address[0])
                if answer is None:
                    return
                send_frame(sock, answer)
        except OSError:
            return
        finally:
            with sim._changed:
                sim._connections.discard(sock)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.hardware.payment.opi_simulator", description=__doc__)
    parser.add_argument("--port", type=int, default=4100)
    parser.add_argument("--device-port", type=int, default=4102, help="poort van de kassa voor kanaal 1")
    parser.add_argument("--slow-delay", type=float, default=3.0, help="seconden voor het scenario 'traag' (x,96)")
    parser.add_argument("--state-file", type=Path, default=None, help="transactielog dat een herstart overleeft")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        sim = OpiSimulator(
            port=args.port, device_port=args.device_port, slow_delay=args.slow_delay, state_file=args.state_file
        )
    except LoketError as error:
        sys.stderr.write(f"{error.message}\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"Poort {args.port} is niet beschikbaar: {error.strerror}\n")
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with sim:
        # One line when it listens, for scripts and tests that start it as a process.
        sys.stdout.write(json.dumps({"port": sim.port, "device_port": sim.device_port}) + "\n")
        sys.stdout.flush()
        log.info("Ctrl-C stopt de simulator")
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
