"""HTTPS transport of the nexo simulator: TLS per connection, one request per connection, and the
ways a misbehaving terminal answers (not at all, or with a broken signature)."""

from __future__ import annotations

import base64
import http.client
import json
import logging
import socket
import ssl
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from app.hardware.payment.nexo_crypto import MAX_MESSAGE_BYTES, NexoCredentials, encrypt_message
from app.hardware.payment.nexo_messages import Json

log = logging.getLogger(__name__)


class BadRequest(Exception):
    """Answer HTTP 400: the request could not be decrypted or read."""


class DropConnection(Exception):
    """Close the connection without an answer (approve-then-drop)."""


class GarbledAnswer(Exception):
    """Send this answer with a broken HMAC (approve-garbled)."""

    def __init__(self, answer: Json) -> None:
        super().__init__("garbled")
        self.answer = answer


def garbled(answer: Json, credentials: NexoCredentials) -> bytes:
    """The answer, encrypted, but with one bit of its HMAC flipped."""
    protected = encrypt_message(answer, credentials)
    trailer = protected["SaleToPOIResponse"]["SecurityTrailer"]
    mac = bytearray(base64.b64decode(trailer["Hmac"]))
    mac[0] ^= 0x01
    trailer["Hmac"] = base64.b64encode(bytes(mac)).decode("ascii")
    return json.dumps(protected).encode()


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handle: Callable[[bytes], bytes],
        garble: Callable[[Json], bytes],
        context: ssl.SSLContext,
    ) -> None:
        self.respond = handle
        self.garble = garble
        self.context = context
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs on the request's own thread, so a stalled client blocks nobody.
        try:
            wrapped = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver would print a traceback on stderr. A till that hangs up before the answer
        # (time-out, Afbreken, a closed demo) is ordinary for a terminal: a debug line is enough.
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            log.debug("nexo simulator: client left early (%s)", type(error).__name__, exc_info=True)
        else:
            log.exception("nexo simulator: request failed")


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.close_connection = True
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if self.path != "/nexo" or not 0 < length <= MAX_MESSAGE_BYTES:
            self._send(400, b"")
            return
        raw = self.rfile.read(length)
        try:
            answer = self.server.respond(raw)
        except BadRequest:
            self._send(400, b"")
            return
        except DropConnection:
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        except GarbledAnswer as garble:
            self._send(200, self.server.garble(garble.answer))
            return
        self._send(200, answer)

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("nexo simulator http: " + format, *args)


def post_notification(url: str, body: bytes) -> None:
    """POST one display notification to the till's display URL; failures do not matter."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=5)
    try:
        connection.request("POST", parts.path or "/", body, {"Content-Type": "application/json"})
        connection.getresponse().read()
    except (OSError, http.client.HTTPException) as error:
        log.info("nexo simulator: display notification not delivered (%s)", type(error).__name__)
    finally:
        connection.close()
