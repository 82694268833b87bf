"""A Loket process for the payment crash test: pays one order, or recovers after a crash.

    python -m tests.store.payment_crash_worker pay PROTOCOL URL PORT EXTRA POI SALE ORDER CENTS PAUSE
    python -m tests.store.payment_crash_worker recover PROTOCOL URL PORT EXTRA POI SALE

PROTOCOL is nexo (EXTRA: the simulator's certificate fingerprint; SALE: the SaleID) or opi
(EXTRA: this workstation's device port for channel 1; SALE: the WorkstationID).
It runs the real PaymentService with the SQL journal against that simulator. At the chosen
point it writes "AT <point> <ServiceID>" on stdout and waits for a line on stdin that never
comes: the test kills it there with SIGKILL. Points:
  before_send      journalled SENT, nothing sent yet
  in_terminal      the payment request is on its way; the terminal holds it (announced, not paused)
  answered         the terminal answered; the answer is not journalled yet
  status           a status query is journalled, not yet sent
  status_answered  the status answer is in, not yet journalled
A run that reaches its end writes "DONE <json>" with the state of each order it handled.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import TypeVar

from app.core.clock import SystemClock
from app.core.payment.ports import (
    DisplayCallback,
    PaymentRequest,
    PaymentTerminal,
    StatusReply,
    TerminalResult,
    TerminalTotals,
)
from app.core.payment.service import PaymentService
from app.core.staff import Actor, Role
from app.hardware.payment.nexo_simulator import demo_credentials
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal
from app.hardware.payment.opi_terminal import OpiSettings, OpiTerminal
from app.store.database import Database
from app.store.payment_repository import SqlPaymentJournal

CLERK = Actor(staff_id=1, username="crashtest", display_name="Crash test", roles=frozenset({Role.BALIEMEDEWERKER}))
T = TypeVar("T")


def announce(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def halt(point: str, service_id: str) -> None:
    """Say where we are and wait to be killed (the test never answers)."""
    announce(f"AT {point} {service_id}")
    sys.stdin.readline()
    raise SystemExit("the crash test should have killed this process")


class PausingTerminal:
    """The real nexo or OPI driver, with a place to stop at each point of a payment."""

    def __init__(self, inner: PaymentTerminal, pause: str) -> None:
        self._inner = inner
        self._pause = pause

    @property
    def poi_id(self) -> str:
        return self._inner.poi_id

    def open(self) -> None:
        self._inner.open()

    def close(self) -> None:
        self._inner.close()

    def _around(self, before: str, after: str, service_id: str, call: Callable[[], T]) -> T:
        if self._pause == before:
            halt(before, service_id)
        result = call()
        if self._pause == after:
            halt(after, service_id)
        return result

    def pay(self, request: PaymentRequest, on_display: DisplayCallback) -> TerminalResult:
        if self._pause == "in_terminal":
            announce(f"AT in_terminal {request.service_id}")
        return self._around("before_send", "answered", request.service_id, lambda: self._inner.pay(request, on_display))

    def abort(self, payment_service_id: str, abort_service_id: str) -> None:
        self._inner.abort(payment_service_id, abort_service_id)

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        return self._around(
            "status",
            "status_answered",
            payment_service_id,
            lambda: self._inner.transaction_status(payment_service_id, status_service_id),
        )

    def reconcile(self, service_id: str, close_period: bool) -> TerminalTotals:
        return self._inner.reconcile(service_id, close_period)


def terminal(protocol: str, port: str, extra: str, poi_id: str, sale_id: str, pause: str) -> PaymentTerminal:
    inner: PaymentTerminal
    if protocol == "opi":
        inner = OpiTerminal(
            OpiSettings(
                terminal_host="127.0.0.1",
                terminal_port=int(port),
                device_address="127.0.0.1",
                device_port=int(extra),
                workstation_id=sale_id,
                poi_id=poi_id,
                response_timeout=60.0,
                short_timeout=10.0,
            )
        )
    else:
        settings = NexoSettings(
            host="127.0.0.1",
            port=int(port),
            poi_id=poi_id,
            sale_id=sale_id,
            credentials=demo_credentials(),
            fingerprint=extra,
            connect_timeout=5.0,
            payment_timeout=60.0,
            request_timeout=10.0,
        )
        inner = NexoTerminal(settings)
    inner.open()
    return PausingTerminal(inner, pause)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    mode, protocol, url, port, extra, poi_id, sale_id, *rest = argv
    database = Database.open(url)
    journal = SqlPaymentJournal(database)
    pause = rest[2] if mode == "pay" else "none"
    device = terminal(protocol, port, extra, poi_id, sale_id, pause)
    # Between status queries of a still-running payment: short, so the test finishes quickly.
    service = PaymentService(device, journal, SystemClock(), workstation=sale_id, status_retry_seconds=0.2)
    if mode == "pay":
        order_id, cents = rest[0], int(rest[1])
        service.create_order(CLERK, cents, "Crashtest", order_id=order_id)
        order = service.pay(order_id, lambda _update: None)
        handled = [order]
    else:
        handled = service.recover_open()
    states = {o.order_id: o.current.state.value for o in handled if o.current is not None}
    announce("DONE " + json.dumps(states))
    device.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
