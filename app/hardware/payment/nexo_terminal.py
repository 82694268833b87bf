"""A PIN terminal that speaks nexo as Adyen's Terminal API does on the local network.

Each request is one HTTPS POST of the encrypted SaleToPOIRequest to https://<host>:8443/nexo; the
answer is the encrypted SaleToPOIResponse. The terminal's certificate is pinned (SHA-256). What
happens before the request is on the wire can only be TerminalUnreachable (nothing charged); once
it is sent, every missing, unreadable or unverifiable answer is OutcomeUnknown, to be settled by a
TransactionStatus request. Every call opens its own connection, so `abort` works from another
thread while `pay` blocks.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import ssl
import threading
from dataclasses import dataclass

from app.core.clock import Clock, SystemClock
from app.core.payment.errors import PaymentError
from app.core.payment.ports import (
    DisplayCallback,
    OutcomeUnknown,
    PaymentRequest,
    StatusReply,
    TerminalBusy,
    TerminalResult,
    TerminalTotals,
    TerminalUnreachable,
)
from app.core.payment.state import check_service_id
from app.hardware.payment import nexo_messages as msg
from app.hardware.payment.nexo_crypto import MAX_MESSAGE_BYTES, NexoCredentials, decrypt_message, encrypt_message
from app.hardware.payment.nexo_display import DisplayListener
from app.hardware.payment.nexo_parse import payment_result, response_body, status_reply, totals
from app.hardware.payment.tls import check_pin, normalise_fingerprint, pinned_client_context

log = logging.getLogger(__name__)


class TerminalClosed(PaymentError):
    code = "payment.terminal_closed"


@dataclass(frozen=True)
class NexoSettings:
    host: str
    poi_id: str  # the terminal's POIID, e.g. "V400m-324688179"
    sale_id: str  # this workstation's SaleID, e.g. "LOKET-BALIE-3"
    credentials: NexoCredentials
    fingerprint: str  # SHA-256 of the terminal's certificate, hex (colons allowed)
    port: int = 8443
    path: str = "/nexo"
    connect_timeout: float = 5.0
    payment_timeout: float = 150.0  # longer than the terminal's own 120 s, so it answers first
    request_timeout: float = 30.0  # status, abort, totals, display


class NexoTerminal:
    """PaymentTerminal over nexo/HTTPS. open() checks the settings; no I/O on attribute access."""

    def __init__(
        self, settings: NexoSettings, clock: Clock | None = None, display: DisplayListener | None = None
    ) -> None:
        self._settings = settings
        self._display = display
        self._clock = clock or SystemClock()
        self._fingerprint = ""
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()
        self._connections: set[http.client.HTTPSConnection] = set()

    @property
    def poi_id(self) -> str:
        return self._settings.poi_id

    def open(self) -> None:
        self._fingerprint = normalise_fingerprint(self._settings.fingerprint)
        self._context = pinned_client_context()

    def close(self) -> None:
        """Closes open connections too: a `pay` still waiting then ends in OutcomeUnknown."""
        with self._lock:
            self._context = None
            connections = list(self._connections)
        for connection in connections:
            _interrupt(connection)

    def pay(self, request: PaymentRequest, on_display: DisplayCallback) -> TerminalResult:
        check_service_id(request.service_id)
        header = self._header(msg.Category.PAYMENT, request.service_id)
        message = msg.payment_request(
            header,
            request.transaction_reference,
            self._clock.now(),
            request.currency,
            request.amount_cents,
            request.operator_id,
        )
        log.info("nexo payment %s to %s", request.service_id, self.poi_id)
        if self._display is not None:
            self._display.route(self.poi_id, on_display)
        try:
            answer = self._exchange(message, self._settings.payment_timeout)
        finally:
            if self._display is not None:
                self._display.route(self.poi_id, None)
        try:
            _, body = response_body(answer, msg.Category.PAYMENT, request.service_id, self.poi_id)
            result = payment_result(body, request.service_id)
        except TerminalBusy:
            raise
        except PaymentError as error:
            log.warning("nexo payment %s: answer not usable (%s)", request.service_id, error.code)
            raise OutcomeUnknown(
                "Het antwoord van de betaalautomaat is onleesbaar.", service_id=request.service_id
            ) from error
        log.info("nexo payment %s: %s", request.service_id, result.outcome.value)
        return result

    def abort(self, payment_service_id: str, abort_service_id: str) -> None:
        check_service_id(abort_service_id)
        header = self._header(msg.Category.ABORT, abort_service_id)
        message = msg.abort_request(header, payment_service_id)
        # nexo has no AbortResponse: the payment itself answers Aborted (or Approved, if too late).
        self._post(message, self._settings.request_timeout)
        log.info("nexo abort of %s sent", payment_service_id)

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        check_service_id(status_service_id)
        header = self._header(msg.Category.TRANSACTION_STATUS, status_service_id)
        message = msg.transaction_status_request(header, payment_service_id)
        answer = self._exchange(message, self._settings.request_timeout)
        try:
            _, body = response_body(answer, msg.Category.TRANSACTION_STATUS, status_service_id, self.poi_id)
            reply = status_reply(body, payment_service_id)
        except PaymentError as error:
            raise OutcomeUnknown("Het statusantwoord is onleesbaar.", service_id=status_service_id) from error
        log.info("nexo status of %s: %s", payment_service_id, reply.result.value)
        return reply

    def reconcile(self, service_id: str, close_period: bool) -> TerminalTotals:
        check_service_id(service_id)
        category = msg.Category.RECONCILIATION if close_period else msg.Category.GET_TOTALS
        message = msg.totals_request(self._header(category, service_id), close_period)
        answer = self._exchange(message, self._settings.request_timeout)
        _, body = response_body(answer, category, service_id, self.poi_id)
        return totals(body)

    def show_text(self, service_id: str, lines: tuple[str, ...]) -> None:
        """Put text on the terminal's customer display (e.g. "Welkom bij de gemeente")."""
        check_service_id(service_id)
        self._post(msg.display_request(self._header(msg.Category.DISPLAY, service_id), lines), 10.0)

    # --- transport --------------------------------------------------------------------------------

    def _header(self, category: msg.Category, service_id: str) -> msg.Header:
        return msg.Header.request(category, service_id, self._settings.sale_id, self.poi_id)

    def _exchange(self, message: msg.Json, timeout: float) -> object:
        """Send, then return the decrypted, verified answer; OutcomeUnknown when there is none."""
        data = self._post(message, timeout)
        if not data:
            raise OutcomeUnknown("De betaalautomaat gaf een leeg antwoord.")
        try:
            return decrypt_message(data, self._settings.credentials)
        except PaymentError as error:
            log.warning("nexo answer from %s rejected: %s", self.poi_id, error.code)
            raise OutcomeUnknown("Het antwoord van de betaalautomaat is niet te vertrouwen.") from error

    def _post(self, message: msg.Json, timeout: float) -> bytes:
        body = json.dumps(encrypt_message(message, self._settings.credentials), separators=(",", ":")).encode()
        connection = self._connect()
        # The socket time-out bounds each read; the timer bounds the whole answer (a terminal that
        # trickles one byte at a time must not keep the desk waiting forever).
        deadline = threading.Timer(timeout, _interrupt, (connection,))
        deadline.daemon = True
        try:
            deadline.start()
            try:
                assert connection.sock is not None
                connection.sock.settimeout(timeout)
                connection.request("POST", self._settings.path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                data = response.read(MAX_MESSAGE_BYTES + 1)
            except (OSError, http.client.HTTPException) as error:
                log.warning("nexo request to %s sent, no answer: %s", self.poi_id, type(error).__name__)
                raise OutcomeUnknown("Geen antwoord van de betaalautomaat na het versturen.") from error
            if response.status != 200 or len(data) > MAX_MESSAGE_BYTES:
                log.warning("nexo request to %s: HTTP %s", self.poi_id, response.status)
                raise OutcomeUnknown("De betaalautomaat gaf een onbruikbaar antwoord.", http_status=response.status)
            return data
        finally:
            deadline.cancel()
            self._forget(connection)

    def _connect(self) -> http.client.HTTPSConnection:
        """A connection with a checked pin, or TerminalUnreachable: nothing has been sent yet."""
        with self._lock:
            context = self._context
        if context is None:
            raise TerminalClosed("De verbinding met de betaalautomaat is niet geopend.")
        settings = self._settings
        connection = http.client.HTTPSConnection(
            settings.host, settings.port, timeout=settings.connect_timeout, context=context
        )
        try:
            connection.connect()
            assert isinstance(connection.sock, ssl.SSLSocket)
            check_pin(connection.sock, self._fingerprint)
            # Never let http.client reconnect by itself: that connection would skip the pin check.
            connection.auto_open = 0
        except PaymentError:
            connection.close()
            raise
        except (TimeoutError, OSError) as error:
            connection.close()
            log.warning("nexo terminal %s unreachable: %s", self.poi_id, type(error).__name__)
            raise TerminalUnreachable("De betaalautomaat is niet bereikbaar.") from error
        with self._lock:
            self._connections.add(connection)
        return connection

    def _forget(self, connection: http.client.HTTPSConnection) -> None:
        with self._lock:
            self._connections.discard(connection)
        connection.close()


def _interrupt(connection: http.client.HTTPSConnection) -> None:
    """Wake a thread blocked on this connection (close alone may leave its read hanging)."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    connection.close()
