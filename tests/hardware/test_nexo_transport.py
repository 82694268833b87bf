"""NexoTerminal against a hostile "terminal" on 127.0.0.1 (real TLS): after the request went out,
every bad answer is OutcomeUnknown, never a result; before it went out, TerminalUnreachable."""

from __future__ import annotations

import json
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.payment.ports import OutcomeUnknown, PaymentRequest, TerminalUnreachable
from app.hardware.payment import nexo_sim_responses as out
from app.hardware.payment.nexo_crypto import MAX_MESSAGE_BYTES, encrypt_message
from app.hardware.payment.nexo_messages import Category, Header
from app.hardware.payment.nexo_simulator import demo_credentials
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal
from app.hardware.payment.tls import generate_self_signed, server_context

POI_ID = "V400m-HOSTILE"
IDENTITY = generate_self_signed(POI_ID)
TRICKLE = b"<trickle>"
Reply = Callable[[bytes], bytes | None]  # request bytes → raw HTTP answer (None: close silently)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: _HostileServer = self.server  # type: ignore[assignment]
        try:
            connection = server.context.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with connection:
            request = _read_request(connection)
            server.received.append(request)
            answer = server.reply(request)
            if answer == TRICKLE:
                _trickle(connection, server.stopped)
            elif answer is not None:
                connection.sendall(answer)


class _HostileServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, context: ssl.SSLContext, reply: Reply) -> None:
        self.context = context
        self.reply = reply
        self.received: list[bytes] = []
        self.stopped = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)


def _trickle(connection: ssl.SSLSocket, stopped: threading.Event) -> None:
    """A valid status line, then one header byte every 50 ms: each read finishes in time, the whole never."""
    try:
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stopped.wait(0.05):
            connection.sendall(b"X")
    except OSError:
        return


def _read_request(connection: ssl.SSLSocket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0
    )
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return body


def http(status: int, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Callable[[Reply], NexoTerminal]]:
    servers: list[_HostileServer] = []
    terminals: list[NexoTerminal] = []
    context = server_context(IDENTITY, str(tmp_path))

    def make(reply: Reply) -> NexoTerminal:
        server = _HostileServer(context, reply)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        settings = NexoSettings(
            host="127.0.0.1",
            port=server.server_address[1],
            poi_id=POI_ID,
            sale_id="LOKET",
            credentials=demo_credentials(),
            fingerprint=IDENTITY.fingerprint,
            connect_timeout=2.0,
            payment_timeout=5.0,
        )
        terminal = NexoTerminal(settings)
        terminal.open()
        terminals.append(terminal)
        return terminal

    yield make
    for terminal in terminals:
        terminal.close()
    for server in servers:
        server.stopped.set()
        server.shutdown()
        server.server_close()


def pay(terminal: NexoTerminal, service_id: str = "Hostile001") -> None:
    terminal.pay(PaymentRequest(service_id, "leges-1", 7787), lambda _text: None)


def approved_for(service_id: str) -> bytes:
    header = Header.request(Category.PAYMENT, service_id, "LOKET", POI_ID)
    body = out.approved_payment({}, 7787, "POI1", "123456", datetime(2026, 11, 23, tzinfo=UTC))
    return json.dumps(encrypt_message(out.envelope(header, "PaymentResponse", body), demo_credentials())).encode()


@pytest.mark.parametrize(
    "answer",
    [
        http(500, b""),
        http(200, b""),
        http(200, b"this is not json"),
        http(200, b'{"SaleToPOIResponse": {"MessageHeader": {}}}'),
        http(200, b"[" * 50_000),
        http(200, b" " * (MAX_MESSAGE_BYTES + 1)),
        http(401, approved_for("Hostile001")),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{truncated",
        b"garbage that is no HTTP at all\r\n\r\n",
        None,
    ],
    ids=["500", "empty", "not-json", "no-trailer", "deep", "oversized", "401", "truncated", "no-http", "closed"],
)
def test_bad_answers_after_sending_are_unknown(hostile: Callable[[Reply], NexoTerminal], answer: bytes | None) -> None:
    terminal = hostile(lambda _request: answer)
    with pytest.raises(OutcomeUnknown):
        pay(terminal)


def test_genuine_answer_to_another_payment_is_unknown(hostile: Callable[[Reply], NexoTerminal]) -> None:
    terminal = hostile(lambda _request: http(200, approved_for("SomeOther1")))
    with pytest.raises(OutcomeUnknown):
        pay(terminal, "Hostile001")


def test_genuine_answer_is_accepted(hostile: Callable[[Reply], NexoTerminal]) -> None:
    terminal = hostile(lambda _request: http(200, approved_for("Hostile001")))
    pay(terminal, "Hostile001")


def test_request_on_the_wire_is_encrypted(hostile: Callable[[Reply], NexoTerminal]) -> None:
    server_side: list[bytes] = []

    def capture(request: bytes) -> bytes:
        server_side.append(request)
        return http(200, approved_for("Hostile001"))

    pay(hostile(capture), "Hostile001")
    assert b"NexoBlob" in server_side[0]
    assert b"77.87" not in server_side[0] and b"leges-1" not in server_side[0]


def test_no_tls_handshake_is_unreachable() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts TCP, never speaks TLS
        settings = NexoSettings(
            host="127.0.0.1",
            port=listener.getsockname()[1],
            poi_id=POI_ID,
            sale_id="LOKET",
            credentials=demo_credentials(),
            fingerprint=IDENTITY.fingerprint,
            connect_timeout=0.3,
        )
        terminal = NexoTerminal(settings)
        terminal.open()
        with pytest.raises(TerminalUnreachable):
            pay(terminal)


def test_a_trickling_answer_ends_at_the_deadline(tmp_path: Path) -> None:
    context = server_context(IDENTITY, str(tmp_path))
    server = _HostileServer(context, lambda _request: TRICKLE)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    settings = NexoSettings(
        host="127.0.0.1",
        port=server.server_address[1],
        poi_id=POI_ID,
        sale_id="LOKET",
        credentials=demo_credentials(),
        fingerprint=IDENTITY.fingerprint,
        payment_timeout=0.5,  # each byte comes within this, the whole answer never does
    )
    terminal = NexoTerminal(settings)
    terminal.open()
    try:
        with pytest.raises(OutcomeUnknown):
            pay(terminal)
    finally:
        server.stopped.set()
        server.shutdown()
        server.server_close()
