"""Display notifications: the simulator tells the till's listener (real HTTP on 127.0.0.1) how the
citizen is getting on; the texts reach the running payment's callback, unsigned ones never do."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.payment.ports import PaymentRequest
from app.core.payment.state import Outcome
from app.hardware.payment.nexo_crypto import NexoCredentials, derive_keys, encrypt_message
from app.hardware.payment.nexo_display import DisplayListener, display_notification
from app.hardware.payment.nexo_messages import Category, Header
from app.hardware.payment.nexo_simulator import NexoSimulator, demo_credentials
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal
from app.hardware.payment.scenarios import Scenario, amount_for


@pytest.fixture
def listener() -> Iterator[DisplayListener]:
    display = DisplayListener(demo_credentials())
    display.start()
    yield display
    display.stop()


@pytest.fixture
def terminal(tmp_path: Path, listener: DisplayListener) -> Iterator[NexoTerminal]:
    with NexoSimulator(state_file=tmp_path / "t.json", display_url=listener.url) as sim:
        settings = NexoSettings(
            host="127.0.0.1",
            port=sim.port,
            poi_id=sim.poi_id,
            sale_id="LOKET-KIOSK-2",
            credentials=demo_credentials(),
            fingerprint=sim.fingerprint,
        )
        term = NexoTerminal(settings, display=listener)
        term.open()
        yield term
        term.close()


def test_the_cashier_sees_how_the_citizen_is_getting_on(terminal: NexoTerminal) -> None:
    shown: list[str] = []
    result = terminal.pay(PaymentRequest("Disp000001", "leges-3", 7787), shown.append)
    assert result.outcome is Outcome.APPROVED
    assert shown == [
        "Betaling gestart op de betaalautomaat",
        "Kaart gelezen",
        "De klant toetst de pincode in",
        "Pincode ingevoerd",
        "Betaling afgerond op de betaalautomaat",
    ]


def test_declined_card_shows_no_pin_step(terminal: NexoTerminal) -> None:
    shown: list[str] = []
    terminal.pay(PaymentRequest("Disp000002", "leges-3", amount_for(Scenario.DECLINE)), shown.append)
    assert shown == ["Betaling gestart op de betaalautomaat", "Kaart gelezen", "Betaling afgerond op de betaalautomaat"]


def post(listener: DisplayListener, body: bytes) -> int:
    host, port = listener.url.removeprefix("http://").split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request("POST", "/display", body, {"Content-Type": "application/json"})
        return connection.getresponse().status
    finally:
        connection.close()


def notification() -> dict[str, object]:
    header = Header.request(Category.DISPLAY, "N1", "LOKET", "V400m-SIM000001")
    return display_notification(header, "PIN_ENTERED", "leges-1", datetime(2026, 11, 23, tzinfo=UTC))


def test_unsigned_or_foreign_notifications_are_refused(listener: DisplayListener) -> None:
    shown: list[str] = []
    listener.route("V400m-SIM000001", shown.append)
    assert post(listener, json.dumps(notification()).encode()) == 400
    stranger = NexoCredentials("LoketDemoKey", 1, derive_keys("not our key"))
    assert post(listener, json.dumps(encrypt_message(notification(), stranger)).encode()) == 400
    assert post(listener, b"[" * 100_000) == 400
    assert shown == []
    assert post(listener, json.dumps(encrypt_message(notification(), demo_credentials())).encode()) == 200
    assert shown == ["Pincode ingevoerd"]
