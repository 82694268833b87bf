"""The kas at the desk: today's card and cash lines, and a day closing that shows a cash
difference plainly. Real KasService on the SQL journal and kas store, the FakeTerminal's totals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.balie.kas_screen import KasScreen
from app.core.clock import FakeClock
from app.core.payment.kas import DayClosing, KasService
from app.core.payment.ports import OutcomeUnknown, StatusReply
from app.core.payment.service import PaymentService
from app.core.staff import Actor, Role
from app.hardware.payment.fake import FakeTerminal
from app.store.database import Database
from app.store.payment_repository import SqlKasStore, SqlPaymentJournal
from app.ui.accessibility import describe, unlabeled_focusable
from app.ui.tasks import SyncTaskRunner

CLERK = Actor(staff_id=7, username="jdevries", display_name="Jan de Vries", roles=frozenset({Role.BALIEMEDEWERKER}))
HOST = Actor(staff_id=9, username="gast", display_name="Gast", roles=frozenset({Role.GASTHEER}))
COLLEAGUE = Actor(staff_id=10, username="pjansen", display_name="Piet Jansen", roles=frozenset({Role.BALIEMEDEWERKER}))


class StatusLostTerminal(FakeTerminal):
    """A terminal whose status answers never arrive (cable pulled after the payment)."""

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        raise OutcomeUnknown("Geen antwoord op de statusvraag.")


class Hall:
    def __init__(self, database: Database, clock: FakeClock, terminal: FakeTerminal | None = None) -> None:
        self.clock = clock
        self.terminal = terminal or FakeTerminal("P400-0042")
        self.terminal.open()
        journal = SqlPaymentJournal(database, clock)
        self.payments = PaymentService(self.terminal, journal, clock, workstation="Balie 3", status_retry_seconds=0)
        self.kas = KasService(journal, SqlKasStore(database), self.terminal, clock, "Balie 3")

    def card(self, cents: int, what: str) -> None:
        order = self.payments.create_order(CLERK, cents, what)
        self.payments.pay(order.order_id, lambda _update: None)
        self.clock.advance(60)

    def cash(self, cents: int, what: str) -> None:
        self.kas.record_cash(CLERK, cents, what)
        self.clock.advance(60)


@pytest.fixture
def hall_kas(database: Database, clock: FakeClock) -> Iterator[Hall]:
    hall = Hall(database, clock)
    yield hall
    hall.terminal.close()


def make_screen(qtbot: QtBot, hall: Hall, actor: Actor = CLERK) -> KasScreen:
    screen = KasScreen(hall.kas, SyncTaskRunner(), lambda: actor)
    qtbot.addWidget(screen)
    screen.resize(1000, 700)
    screen.show()
    screen.refresh()
    return screen


def test_todays_lines_and_totals(qtbot: QtBot, hall_kas: Hall) -> None:
    hall_kas.card(7787, "Paspoort")
    hall_kas.card(1091, "Rijbewijs")  # declined: no kas line
    hall_kas.cash(940, "Uittreksel BRP")
    screen = make_screen(qtbot, hall_kas)
    rows = [[screen.cell(r, c) for c in range(1, 4)] for r in range(screen.table.rowCount())]
    assert rows == [["Pin", "Paspoort", "€ 77,87"], ["Contant", "Uittreksel BRP", "€ 9,40"]]
    assert screen.cell(0, 0) == "10:00"  # 09:00 UTC is 10:00 in Amsterdam
    # Non-breaking spaces keep "€ 87,27" on one line.
    totals = screen.totals.text().replace("\u00a0", " ")
    assert totals == "Pin: 1 betaling, € 77,87    Contant: 1 betaling, € 9,40    Totaal: € 87,27"
    assert [describe(w) for w in unlabeled_focusable(screen)] == []


def test_day_closing_shows_a_cash_shortage_plainly(qtbot: QtBot, hall_kas: Hall) -> None:
    hall_kas.card(7787, "Paspoort")
    hall_kas.cash(1500, "Uittreksel BRP")
    hall_kas.cash(750, "Kopie akte")
    screen = make_screen(qtbot, hall_kas)
    closed: list[DayClosing] = []
    screen.day_closed.connect(closed.append)
    screen.counted_edit.setText("20,00")
    qtbot.keyClick(screen.counted_edit, "\r")
    assert screen.verdict.text() == "Er is een verschil. Hieronder staat wat niet klopt."
    assert screen.comparison_rows() == [
        ("", "Loket", "Betaalautomaat / geteld", "Verschil"),
        ("Pin", "1 x, € 77,87", "1 x, € 77,87", "€ 0,00"),
        ("Contant", "€ 22,50", "€ 20,00", "- € 2,50"),
    ]
    assert "Er zit € 2,50 te weinig in de kas." in screen.explanation.text()
    assert closed[0].cash_difference_cents == -250
    # After closing, the next period starts empty.
    assert screen.table.rowCount() == 0


def test_a_balanced_day(qtbot: QtBot, hall_kas: Hall) -> None:
    hall_kas.card(940, "Uittreksel BRP")
    screen = make_screen(qtbot, hall_kas)
    screen.counted_edit.setText("0")
    screen.close_button.click()
    assert screen.verdict.text() == "De kas klopt."
    assert screen.explanation.text() == "De kas klopt. Pin en contant zijn in balans."


def test_closing_waits_for_an_open_card_payment(qtbot: QtBot, database: Database, clock: FakeClock) -> None:
    hall = Hall(database, clock, StatusLostTerminal("P400-0042"))
    hall.card(1094, "Paspoort")  # approved, answer lost, status never answered: a person must decide
    screen = make_screen(qtbot, hall)
    screen.counted_edit.setText("0,00")
    screen.close_button.click()
    assert screen.error_area.text() == (
        "Er is nog een pinbetaling zonder uitkomst. Leg die eerst vast, dan kunt u de kas afsluiten."
    )
    assert not screen.verdict.isVisible()
    hall.terminal.close()


def test_a_bad_count_is_explained(qtbot: QtBot, hall_kas: Hall) -> None:
    screen = make_screen(qtbot, hall_kas)
    screen.counted_edit.setText("twintig")
    screen.close_button.click()
    assert screen.error_area.text() == "Vul het getelde contante geld in, bijvoorbeeld 22,50."
    assert not screen.verdict.isVisible()


def test_only_who_may_close_sees_dag_afsluiten(qtbot: QtBot, hall_kas: Hall) -> None:
    screen = make_screen(qtbot, hall_kas, HOST)
    assert not screen.close_button.isVisible()
    assert not screen.counted_edit.isVisible()


def test_own_lines_name_the_clerk_as_colleagues_know_them(qtbot: QtBot, hall_kas: Hall) -> None:
    hall_kas.card(940, "Uittreksel BRP")
    hall_kas.kas.record_cash(COLLEAGUE, 1200, "Rijbewijs")
    screen = make_screen(qtbot, hall_kas)
    # The signed-in clerk's own line shows their name; a colleague's line keeps the user name.
    assert [screen.cell(row, 4) for row in range(screen.table.rowCount())] == ["Jan de Vries", "pjansen"]
