"""Display notifications: the terminal tells the till how the citizen is getting on ("pincode ingevoerd").

As with Adyen's display notifications, the terminal POSTs a DisplayRequest (MessageClass Device)
to a URL on the workstation during a payment; its PredefinedContent.ReferenceID carries the event
(`...&event=PIN_ENTERED`). We only accept notifications encrypted and HMAC-signed with the
terminal's key: an unsigned "Betaling gelukt" from someone on the network must never reach a
cashier's screen. The texts are informative only; the payment's outcome comes from the answer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

from app.core.payment.errors import MessageInvalid, PaymentError
from app.hardware.payment.nexo_crypto import MAX_MESSAGE_BYTES, NexoCredentials, decrypt_message
from app.hardware.payment.nexo_messages import (
    REQUEST,
    Category,
    Header,
    Json,
    iso_time,
    obj,
    objects,
    split_message,
    text,
)

log = logging.getLogger(__name__)

# Adyen's display-notification events, in B1 Dutch for the cashier.
EVENT_TEXTS = {
    "TENDER_CREATED": "Betaling gestart op de betaalautomaat",
    "CARD_INSERTED": "Kaart ingestoken",
    "CARD_PRESENTED": "Kaart gelezen",
    "CARD_SWIPED": "Kaart gehaald",
    "WAIT_FOR_APP_SELECTION": "De klant kiest een betaalmiddel",
    "APPLICATION_SELECTED": "Betaalmiddel gekozen",
    "WAIT_FOR_PIN": "De klant toetst de pincode in",
    "PIN_ENTERED": "Pincode ingevoerd",
    "PRINT_RECEIPT": "Bon wordt geprint",
    "RECEIPT_PRINTED": "Bon geprint",
    "CARD_REMOVED": "Kaart verwijderd",
    "TENDER_FINAL": "Betaling afgerond op de betaalautomaat",
}
DisplayHandler = Callable[[str], None]


def display_notification(header: Header, event: str, transaction_id: str, moment: datetime) -> Json:
    """The notification as a terminal sends it (simulator side)."""
    reference = urlencode({"TransactionID": transaction_id, "TimeStamp": iso_time(moment), "event": event})
    return {
        REQUEST: {
            "MessageHeader": header.to_json(),
            "DisplayRequest": {
                "DisplayOutput": [
                    {
                        "Device": "CashierDisplay",
                        "InfoQualifier": "Status",
                        "ResponseRequiredFlag": False,
                        "MinimumDisplayTime": 0,
                        "OutputContent": {"OutputFormat": "Text", "PredefinedContent": {"ReferenceID": reference}},
                    }
                ]
            },
        }
    }


def parse_display_notification(message: object) -> tuple[str, list[str]]:
    """(POIID, events) of a decrypted display notification."""
    kind, header, body = split_message(message)
    if kind != REQUEST or header.category != Category.DISPLAY:
        raise MessageInvalid("Dit is geen displaybericht van de betaalautomaat.")
    events: list[str] = []
    for output in objects(obj(body, "DisplayRequest"), "DisplayOutput", 16):
        content = obj(output, "OutputContent")
        predefined = content.get("PredefinedContent")
        if isinstance(predefined, dict):
            reference = text(predefined, "ReferenceID", 1024)
            event = parse_qs(reference, max_num_fields=16).get("event", [""])[0]
            if event:
                events.append(event)
    return header.poi_id, events


class DisplayListener:
    """The workstation's display-notification URL; NexoTerminal routes events to the running payment."""

    def __init__(self, credentials: NexoCredentials, host: str = "127.0.0.1", port: int = 0) -> None:
        self._credentials = credentials
        self._address = (host, port)
        self._lock = threading.Lock()
        self._handlers: dict[str, DisplayHandler] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("display listener not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/display"

    def start(self) -> None:
        self._server = _Server(self._address, _Handler, self)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def route(self, poi_id: str, handler: DisplayHandler | None) -> None:
        """Send this terminal's display texts to `handler` (None: drop them)."""
        with self._lock:
            if handler is None:
                self._handlers.pop(poi_id, None)
            else:
                self._handlers[poi_id] = handler

    def deliver(self, raw: bytes) -> None:
        message = decrypt_message(raw, self._credentials)
        poi_id, events = parse_display_notification(message)
        with self._lock:
            handler = self._handlers.get(poi_id)
        for event in events:
            line = EVENT_TEXTS.get(event)
            if handler is not None and line is not None:
                try:
                    handler(line)
                except Exception:  # a broken screen callback must not break the terminal's channel
                    log.exception("display callback failed")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: Any, listener: DisplayListener) -> None:
        self.listener = listener
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if self.path != "/display" or not 0 < length <= MAX_MESSAGE_BYTES:
            self._answer(400, b"")
            return
        try:
            self.server.listener.deliver(self.rfile.read(length))
        except PaymentError as error:
            log.warning("display notification refused: %s", error.code)
            self._answer(400, b"")
            return
        self._answer(200, b"ok")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("display listener: " + format, *args)
