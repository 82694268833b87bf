"""The demo pays as a hall would: each desk and the kiosk through its own nexo simulator on
127.0.0.1 (real TLS, real signed messages), receipts on the demo's ESC/POS printer simulator.

The clerk's view is what is asserted: the panel's sentences, the kas lines, the printed page.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import bootstrap
from app.balie.kas_screen import KasScreen
from app.balie.payment_panel import PaymentPanel
from app.balie.window import BalieWindow
from app.bootstrap_payment import PaymentPoint
from app.core.payment.order import PaymentOrder, apply
from app.core.payment.ports import PaymentRequest
from app.core.payment.service import kiosk_actor
from app.core.payment.state import Journalled, PaymentState
from app.core.payment.texts import text_for
from app.kiosk.window import KioskWindow
from app.store.staff_seed import DEMO_STAFF
from app.ui.tasks import SyncTaskRunner
from tests.ui.conftest import CountingChime

APPROVED = text_for(PaymentState.APPROVED).desk
UNKNOWN = text_for(PaymentState.UNKNOWN).desk
#: a payment waits on the simulator's real TLS round trips, on two busy cores
PAY_WAIT_MS = 20_000


def build(folder: Path) -> bootstrap.Runtime:
    return bootstrap.build_demo(folder, runner=SyncTaskRunner(), chime=CountingChime())


def close(runtime: bootstrap.Runtime) -> None:
    runtime.close()
    for window in runtime.windows:
        window.deleteLater()


@pytest.fixture
def demo(tmp_path: Path, qapp: QApplication) -> Iterator[bootstrap.Runtime]:
    runtime = build(tmp_path / "data")
    yield runtime
    close(runtime)


def signed_in(qtbot: QtBot, window: BalieWindow, user: str) -> tuple[PaymentPanel, KasScreen]:
    """Sign in with the demo password; returns the desk's Betalen and Kas tabs."""
    window.show()
    qtbot.keyClicks(window.sign_in_screen.password_edit, DEMO_STAFF[user][2])
    window.sign_in_screen.sign_in_button.click()
    workspace = window.workspace
    assert workspace is not None
    panel = next(w for _, w in workspace.extra if isinstance(w, PaymentPanel))
    kas = next(w for _, w in workspace.extra if isinstance(w, KasScreen))
    titles = [workspace.tabs.tabText(i).replace("&", "") for i in range(workspace.tabs.count())]
    assert titles[-2:] == ["Betalen (5)", "Kas (6)"]  # after the KCC tabs, with their Ctrl+number
    workspace.tabs.setCurrentWidget(panel)
    return panel, kas


def pay_by_card(qtbot: QtBot, panel: PaymentPanel, amount: str, what: str) -> list[str]:
    """Type the amount, press Pinnen, wait for the end; returns every sentence the clerk saw."""
    seen: list[str] = []
    finished: list[object] = []
    panel.state_changed.connect(lambda _state: seen.append(panel.state_label.text()))
    panel.payment_finished.connect(finished.append)
    panel.amount_edit.setText(amount)
    panel.description_edit.setText(what)
    panel.card_button.click()
    # The end as the desk registers it (the order is known then, so Bon afdrukken can print it).
    qtbot.waitUntil(lambda: finished != [], timeout=PAY_WAIT_MS)
    assert panel.state_label.text() == APPROVED
    return seen


def test_the_desk_pays_through_the_simulator_prints_the_receipt_and_the_kas_shows_it(
    qtbot: QtBot, demo: bootstrap.Runtime
) -> None:
    _kiosk, balie_1, balie_2, _display = demo.windows
    assert isinstance(balie_1, BalieWindow) and isinstance(balie_2, BalieWindow)
    panel, kas = signed_in(qtbot, balie_1, "balie1")
    terminal_texts: list[str] = []
    panel.state_changed.connect(lambda _state: terminal_texts.append(panel.terminal_label.text()))

    pay_by_card(qtbot, panel, "12,00", "Paspoort")
    # The simulator's own display texts reached the desk while the citizen paid.
    assert any(text.startswith("Pinautomaat: ") and len(text) > len("Pinautomaat: ") for text in terminal_texts)
    simulator = demo.simulator
    assert simulator is not None
    pages_before = len(simulator.pages)
    panel.print_button.click()
    assert simulator.wait_for_pages(pages_before + 1)  # the receipt on the demo's printer

    # x,94: approved, then the connection drops. The desk says "unknown", then asks the terminal.
    panel.new_button.click()
    seen = pay_by_card(qtbot, panel, "10,94", "Rijbewijs")
    assert UNKNOWN in seen and seen.index(UNKNOWN) < seen.index(APPROVED)

    kas.refresh()
    qtbot.waitUntil(lambda: len(kas.lines) == 2, timeout=PAY_WAIT_MS)
    assert sorted(line.amount_cents for line in kas.lines) == [1094, 1200]

    # Balie 2 has its own terminal, so its kas holds none of Balie 1's payments.
    _panel_2, kas_2 = signed_in(qtbot, balie_2, "balie2")
    kas_2.refresh()
    qtbot.waitUntil(lambda: kas_2.table.rowCount() == 0 and kas_2.lines == [], timeout=PAY_WAIT_MS)
    assert demo.payments is not None
    poi_ids = {point.terminal.poi_id for point in demo.payments.points.values()}
    assert len(poi_ids) == 3  # Balie 1, Balie 2, Zuil 1


def test_the_kiosk_betalen_tile_pays_through_the_simulator(qtbot: QtBot, demo: bootstrap.Runtime) -> None:
    kiosk = demo.windows[0]
    assert isinstance(kiosk, KioskWindow) and kiosk.payment_screen is not None
    kiosk.show()
    tile = kiosk.start_screen.product_buttons[0]
    assert tile.text() == "Betalen: Uittreksel BRP (€ 9,40)"
    simulator = demo.simulator
    assert simulator is not None
    pages_before = len(simulator.pages)
    tile.click()
    screen = kiosk.payment_screen
    qtbot.waitUntil(lambda: screen.outcome.text() == "De betaling is gelukt. Dank u wel.", timeout=PAY_WAIT_MS)
    assert simulator.wait_for_pages(pages_before + 1)  # the legesnota, printed by itself
    assert demo.payments is not None
    kas = demo.payments.points[bootstrap.KIOSK_POINT].kas
    assert [line.amount_cents for line in kas.lines()] == [940]


def test_a_payment_left_open_by_a_previous_run_is_settled_at_start(
    qtbot: QtBot, tmp_path: Path, qapp: QApplication
) -> None:
    """The previous run journalled the request, the terminal approved it, then the PC went down
    before the answer was written. At the next start the status query finds the approval."""
    folder = tmp_path / "data"
    first = build(folder)
    try:
        assert first.payments is not None
        point = first.payments.points["Balie 1"]
        order = point.service.create_order(kiosk_actor("test"), 1500, "Paspoort")
        order = _journal_as_sent(point, order)
        sent = order.current
        assert sent is not None and sent.service_id is not None
        request = PaymentRequest(sent.service_id, sent.attempt_id, 1500, operator_id="balie1")
        result = point.terminal.pay(request, lambda _text: None)  # the answer the crash lost
        assert result.outcome.value == "approved"
        assert point.journal.load(order.order_id).current.state is PaymentState.SENT  # type: ignore[union-attr]
    finally:
        close(first)

    second = build(folder)
    try:
        assert second.payments is not None
        journal = second.payments.points["Balie 1"].journal

        def state() -> PaymentState | None:
            current = journal.load(order.order_id).current
            return current.state if current is not None else None

        qtbot.waitUntil(lambda: state() is PaymentState.APPROVED, timeout=PAY_WAIT_MS)
    finally:
        close(second)


def _journal_as_sent(point: PaymentPoint, order: PaymentOrder) -> PaymentOrder:
    """What PaymentService does before the request goes on the wire: journal it with a ServiceID."""
    updated = apply(order, Journalled("RUN1SENT01"))
    point.journal.record(updated)
    return updated


def test_afbreken_gets_through_while_the_terminal_hangs(qtbot: QtBot, demo: bootstrap.Runtime) -> None:
    """x,93: the terminal waits until it is told to stop. `pay` holds one payment worker; the
    abort must not queue behind it."""
    balie_1 = demo.windows[1]
    assert isinstance(balie_1, BalieWindow)
    panel, _kas = signed_in(qtbot, balie_1, "balie1")
    panel.amount_edit.setText("10,93")
    panel.card_button.click()
    qtbot.waitUntil(lambda: panel.abort_button.isVisible(), timeout=PAY_WAIT_MS)
    panel.abort_button.click()
    aborted = text_for(PaymentState.ABORTED).desk
    qtbot.waitUntil(lambda: panel.state_label.text() == aborted, timeout=PAY_WAIT_MS)


def test_closing_the_demo_mid_payment_leaves_nothing_running(qtbot: QtBot, tmp_path: Path, qapp: QApplication) -> None:
    before = {t.ident for t in threading.enumerate()}
    runtime = build(tmp_path / "data")
    assert runtime.payments is not None
    ports = [simulator.port for simulator in runtime.payments.simulators]
    assert len(ports) == 3
    balie_1 = runtime.windows[1]
    assert isinstance(balie_1, BalieWindow)
    panel, _kas = signed_in(qtbot, balie_1, "balie1")
    panel.amount_edit.setText("10,93")  # the terminal hangs until aborted: a worker stays busy
    panel.card_button.click()
    qtbot.waitUntil(lambda: panel.abort_button.isVisible(), timeout=PAY_WAIT_MS)
    close(runtime)
    assert runtime.payments.runner.wait_for_done(0)  # the payment worker has ended, not left hanging
    left = [t.name for t in threading.enumerate() if not t.daemon and t.ident not in before]
    assert left == []
    for port in ports:
        with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
