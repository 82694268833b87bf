"""The OPI driver against a hostile or broken terminal on real sockets (127.0.0.1): every bad answer
is an unknown outcome or another typed payment error, never a crash; channel 1 answers every
DeviceRequest and survives garbage; the simulator also runs as its own process."""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.payment.errors import PaymentError
from app.core.payment.ports import OutcomeUnknown, PaymentRequest, TerminalBusy
from app.core.payment.state import Outcome, StatusResult
from app.hardware.payment import opi_messages as m
from app.hardware.payment.opi_channel import FrameReader, send_frame
from app.hardware.payment.opi_device import MAX_CONNECTIONS, OpiDevicePortUnavailable
from app.hardware.payment.opi_framing import encode_frame
from app.hardware.payment.opi_simulator import OpiSimulator
from app.hardware.payment.opi_terminal import OpiLoggedOut, OpiSettings, OpiTerminal
from app.hardware.payment.scenarios import Scenario, amount_for

WAIT = 10.0
ROOT = Path(__file__).resolve().parents[2]


class ScriptedTerminal:
    """A 'terminal' that reads one request per connection and answers with the bytes it is given."""

    def __init__(self) -> None:
        self.answer = b""
        self.before_answer: list[m.DeviceRequest] = []  # sent on channel 1 before the answer
        self.device_port = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with sock:
                with contextlib.suppress(OSError, PaymentError):
                    FrameReader(sock).read(WAIT)
                    self._send_output()
                    sock.sendall(self.answer)

    def _send_output(self) -> None:
        if not self.before_answer:
            return
        with socket.create_connection(("127.0.0.1", self.device_port), timeout=WAIT) as device:
            reader = FrameReader(device)
            for request in self.before_answer:
                send_frame(device, m.encode(request))
                reader.read(WAIT)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(WAIT)


Scripted = tuple[ScriptedTerminal, OpiTerminal]


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    fake = ScriptedTerminal()
    settings_ = OpiSettings("127.0.0.1", fake.port, device_address="127.0.0.1", device_port=0, response_timeout=WAIT)
    term = OpiTerminal(settings_)
    term.open()
    yield fake, term
    term.close()
    fake.close()


def _card_answer(**attrs: str) -> bytes:
    fields = {"RequestType": "CardPayment", "RequestID": "PAY1", "WorkstationID": "1", "OverallResult": "Success"}
    fields.update(attrs)
    text = " ".join(f'{k}="{v}"' for k, v in fields.items())
    return encode_frame(f"<CardServiceResponse {text}/>".encode())


HOSTILE_ANSWERS = {
    "billion laughs": encode_frame(
        b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><CardServiceResponse>&b;</CardServiceResponse>'
    ),
    "external entity": encode_frame(
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CardServiceResponse RequestID="&e;"/>'
    ),
    "answer to another payment": _card_answer(RequestID="OTHER"),
    "answer to another request type": _card_answer(RequestType="AbortRequest"),
    "approved without an amount": _card_answer(),
    "partial failure": _card_answer(OverallResult="PartialFailure"),
    "timed out": _card_answer(OverallResult="TimedOut"),
    "unknown result": _card_answer(OverallResult="Maybe"),
    "length of two gigabytes": struct.pack(">I", 2**31) + b"<",
    "truncated frame": encode_frame(b"<CardServiceResponse RequestID='PAY1'/>")[:20],
    "not a frame": b"HTTP/1.1 400 Bad Request\r\n\r\n",
    "nothing": b"",
    "a service response": encode_frame(m.encode(m.ServiceResponse("CardPayment", "PAY1", "1", "Success"))),
}


@pytest.mark.parametrize("answer", HOSTILE_ANSWERS.values(), ids=HOSTILE_ANSWERS.keys())
def test_every_bad_answer_is_an_unknown_outcome(scripted: tuple[ScriptedTerminal, OpiTerminal], answer: bytes) -> None:
    fake, term = scripted
    fake.answer = answer
    with pytest.raises(OutcomeUnknown) as caught:
        term.pay(PaymentRequest("PAY1", "a", 1000), lambda _t: None)
    assert caught.value.code == "payment.outcome_unknown"


def test_busy_and_logged_out_charge_nothing(scripted: tuple[ScriptedTerminal, OpiTerminal]) -> None:
    fake, term = scripted
    fake.answer = _card_answer(OverallResult="DeviceUnavailable")
    with pytest.raises(TerminalBusy):
        term.pay(PaymentRequest("PAY1", "a", 1000), lambda _t: None)
    fake.answer = _card_answer(OverallResult="LoggedOut")
    with pytest.raises(OpiLoggedOut):
        term.pay(PaymentRequest("PAY1", "a", 1000), lambda _t: None)


def test_a_status_answer_that_settles_nothing_goes_to_a_person(scripted: tuple[ScriptedTerminal, OpiTerminal]) -> None:
    fake, term = scripted
    fake.answer = _card_answer(RequestID="PAY1", OverallResult="TimedOut")
    assert term.transaction_status("PAY1", "STS1").result is StatusResult.UNDECIDABLE
    fake.answer = _card_answer(RequestID="ELSE", WorkstationID="7")  # another till's payment
    assert term.transaction_status("PAY1", "STS2").result is StatusResult.UNDECIDABLE


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=st.binary(max_size=300))
def test_random_bytes_from_the_terminal_give_typed_errors_only(
    scripted: tuple[ScriptedTerminal, OpiTerminal], answer: bytes
) -> None:
    fake, term = scripted
    fake.answer = encode_frame(answer) if answer else answer
    with contextlib.suppress(PaymentError):
        term.pay(PaymentRequest("PAY1", "a", 1000), lambda _t: None)


# --- channel 1 ---------------------------------------------------------------------------------


@pytest.fixture
def sim_and_terminal() -> Iterator[tuple[OpiSimulator, OpiTerminal]]:
    sim = OpiSimulator(slow_delay=0.3).start()
    term = OpiTerminal(OpiSettings("127.0.0.1", sim.port, device_address="127.0.0.1", device_port=0))
    term.open()
    sim.device_port = term.device_port
    yield sim, term
    term.close()
    sim.stop()


def _device_exchange(port: int, request: m.DeviceRequest) -> m.OpiMessage:
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        send_frame(sock, m.encode(request))
        return m.decode(FrameReader(sock).read(WAIT))


def test_every_device_request_gets_a_device_response(sim_and_terminal: tuple[OpiSimulator, OpiTerminal]) -> None:
    _, term = sim_and_terminal
    output = m.DeviceRequest("Output", "X9", "1", "4", (m.DeviceOutput("CashierDisplay", ("Even geduld",)),))
    answer = _device_exchange(term.device_port, output)
    assert isinstance(answer, m.DeviceResponse)
    assert (answer.request_id, answer.sequence_id, answer.overall_result) == ("X9", "4", "Success")
    assert answer.targets == ("CashierDisplay",)
    keyboard = m.DeviceRequest("Input", "X9", "1", "5", (m.DeviceOutput("CashierKeyboard"),))
    refused = _device_exchange(term.device_port, keyboard)
    assert isinstance(refused, m.DeviceResponse) and refused.overall_result == "NotSupported"


SimAndTerminal = tuple[OpiSimulator, OpiTerminal]


def test_output_with_the_terminals_own_numbering_reaches_the_payment_under_way(scripted: Scripted) -> None:
    fake, term = scripted
    fake.answer = _card_answer(RequestID="PAY1", OverallResult="Failure")
    fake.before_answer = [
        m.DeviceRequest("Output", "T-77", "1", "1", (m.DeviceOutput("CustomerDisplay", ("Kaart geweigerd",)),)),
        m.DeviceRequest("Output", "T-77", "1", "2", (m.DeviceOutput("PrinterReceipt", ("GEWEIGERD",)),)),
    ]
    fake.device_port = term.device_port
    shown: list[str] = []
    result = term.pay(PaymentRequest("PAY1", "a", 1000), shown.append)
    assert result.outcome is Outcome.DECLINED
    assert shown == ["Kaart geweigerd"]
    assert result.cardholder_receipt == ("GEWEIGERD",)


def test_garbage_on_channel_1_does_not_stop_the_next_payment(sim_and_terminal: SimAndTerminal) -> None:
    _, term = sim_and_terminal
    for garbage in (b"\x00\x00\x00\x05hello", encode_frame(b"<!DOCTYPE x><DeviceRequest/>"), b"\xff" * 9):
        with socket.create_connection(("127.0.0.1", term.device_port), timeout=WAIT) as sock:
            sock.sendall(garbage)
            sock.shutdown(socket.SHUT_WR)
            assert sock.recv(100) == b""  # dropped, not answered
    shown: list[str] = []
    assert term.pay(PaymentRequest("PAYX", "a", 4200), shown.append).outcome is Outcome.APPROVED
    assert shown[-1] == "Betaling akkoord"


def test_channel_1_takes_a_few_connections_not_a_flood(sim_and_terminal: SimAndTerminal) -> None:
    _, term = sim_and_terminal
    address = ("127.0.0.1", term.device_port)
    held = [socket.create_connection(address, timeout=WAIT) for _ in range(MAX_CONNECTIONS)]
    try:
        with socket.create_connection(address, timeout=WAIT) as extra:
            assert extra.recv(100) == b""  # closed at once
        output = m.DeviceRequest("Output", "X1", "1", "1", (m.DeviceOutput("Printer", ("regel",)),))
        send_frame(held[0], m.encode(output))
        answer = m.decode(FrameReader(held[0]).read(WAIT))
        assert isinstance(answer, m.DeviceResponse) and answer.overall_result == "Success"
    finally:
        for sock in held:
            sock.close()


def test_garbage_on_channel_0_does_not_stop_the_simulator(sim_and_terminal: tuple[OpiSimulator, OpiTerminal]) -> None:
    sim, term = sim_and_terminal
    with socket.create_connection(("127.0.0.1", sim.port), timeout=WAIT) as sock:
        sock.sendall(encode_frame(b"<CardServiceRequest RequestType='Format' RequestID='1'/>"))
        assert sock.recv(100) == b""
    assert term.pay(PaymentRequest("PAYY", "a", 4200), lambda _t: None).outcome is Outcome.APPROVED


def test_reconciliation_during_a_payment_is_busy(sim_and_terminal: tuple[OpiSimulator, OpiTerminal]) -> None:
    sim, term = sim_and_terminal
    box: dict[str, object] = {}
    request = PaymentRequest("PAYZ", "a", amount_for(Scenario.HANG_UNTIL_ABORTED))
    thread = threading.Thread(target=lambda: box.setdefault("r", term.pay(request, lambda _t: None)))
    thread.start()
    assert sim.wait_in_progress(WAIT)
    with pytest.raises(TerminalBusy):
        term.reconcile("REC1", close_period=True)
    term.abort("PAYZ", "ABTZ")
    thread.join(WAIT)
    assert getattr(box["r"], "outcome", None) is Outcome.ABORTED


def test_device_port_in_use_is_a_typed_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        term = OpiTerminal(OpiSettings("127.0.0.1", 4100, device_address="127.0.0.1", device_port=port))
        with pytest.raises(OpiDevicePortUnavailable) as caught:
            term.open()
    assert caught.value.code == "payment.opi.device_port_unavailable"


def test_simulator_runs_as_its_own_process() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    term = OpiTerminal(OpiSettings("127.0.0.1", port, device_address="127.0.0.1", device_port=0))
    term.open()
    command = [sys.executable, "-m", "app.hardware.payment.opi_simulator", "--port", str(port)]
    command += ["--device-port", str(term.device_port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        for line in process.stderr:  # wait for the line that says it listens
            if "luistert op" in line:
                break
        shown: list[str] = []
        result = term.pay(PaymentRequest("CLI1", "a", 1), shown.append)
        assert (result.outcome, result.amount_cents) == (Outcome.APPROVED, 1)
        assert shown[0] == "Presenteer kaart\nEUR 0,01"
    finally:
        term.close()
        process.terminate()
        process.wait(WAIT)
