"""A till that hangs up before the simulator answers (time-out, Afbreken, a closed demo) is
ordinary for a terminal: the simulator notes it in its debug log and prints nothing on stderr."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import struct
import threading
from datetime import UTC, datetime

import pytest

from app.hardware.payment.nexo_crypto import encrypt_message
from app.hardware.payment.nexo_messages import Category, Header, payment_request
from app.hardware.payment.nexo_simulator import DEMO_POI_ID, NexoSimulator, demo_credentials
from app.hardware.payment.scenarios import Scenario, amount_for

WAIT = 30.0


class _Caught(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.left = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if "left early" in record.getMessage():
            self.left.set()


def test_a_client_that_hangs_up_leaves_no_traceback_on_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    caught = _Caught()
    logger = logging.getLogger("app.hardware.payment.nexo_sim_http")
    old_level = logger.level
    logger.addHandler(caught)
    logger.setLevel(logging.DEBUG)
    simulator = NexoSimulator(hang_limit=WAIT)
    simulator.start()
    try:
        header = Header.request(Category.PAYMENT, "Gone000001", "LOKET-1", DEMO_POI_ID)
        message = payment_request(header, "leges-1", datetime.now(UTC), "EUR", amount_for(Scenario.HANG_UNTIL_ABORTED))
        body = json.dumps(encrypt_message(message, demo_credentials())).encode()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the pin is not what this test is about
        client = context.wrap_socket(socket.create_connection(("127.0.0.1", simulator.port), timeout=WAIT))
        client.sendall(b"POST /nexo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        assert simulator.wait_until_in_progress("Gone000001", WAIT)
        # Hang up hard (RST), the way a killed till does; the answer then has nowhere to go.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    finally:
        simulator.stop()  # ends the hanging payment: the simulator now writes its answer
    try:
        assert caught.left.wait(WAIT), "the simulator did not notice the client leaving"
    finally:
        logger.removeHandler(caught)
        logger.setLevel(old_level)
    left = [record for record in caught.records if "left early" in record.getMessage()]
    assert left[0].levelno == logging.DEBUG
    _out, err = capfd.readouterr()
    assert "Traceback" not in err
    assert err == ""
