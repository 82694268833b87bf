"""The desk's payment panel as a clerk meets it: real PaymentService and SQL journal, the
in-memory FakeTerminal's cent scenarios, and the receipt through the real ESC/POS layout."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.balie.payment_panel import PaymentPanel
from app.balie.payment_parts import PaymentFinished
from app.config import PrinterSettings
from app.core.clock import FakeClock
from app.core.payment.ports import OutcomeUnknown, StatusReply
from app.core.payment.service import PaymentService
from app.core.payment.state import PaymentState
from app.core.payment.texts import text_for
from app.core.printing import Branding
from app.core.staff import Actor, Role
from app.hardware.payment.fake import FakeTerminal
from app.hardware.printer.escpos_printer import EscposPrinter
from app.store.database import Database
from app.store.payment_repository import SqlPaymentJournal
from app.ui.accessibility import describe, unlabeled_focusable
from app.ui.tasks import SyncTaskRunner, TaskRunner, ThreadPoolTaskRunner

CLERK = Actor(staff_id=7, username="jdevries", display_name="Jan de Vries", roles=frozenset({Role.BALIEMEDEWERKER}))
LEAD = Actor(staff_id=8, username="abakker", display_name="Anna Bakker", roles=frozenset({Role.TEAMLEIDER}))


class StatusLostTerminal(FakeTerminal):
    """A terminal whose status answers never arrive (cable pulled after the payment)."""

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        raise OutcomeUnknown("Geen antwoord op de statusvraag.")


class Desk:
    def __init__(
        self,
        qtbot: QtBot,
        database: Database,
        clock: FakeClock,
        tmp_path: Path,
        terminal: FakeTerminal | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        self.terminal = terminal or FakeTerminal("P400-0042")
        self.terminal.open()
        self.journal = SqlPaymentJournal(database, clock)
        self.service = PaymentService(self.terminal, self.journal, clock, workstation="Balie 3", status_retry_seconds=0)
        self.receipt_file = tmp_path / "bon.bin"
        self.printer = EscposPrinter(
            PrinterSettings(kind="file", path=str(self.receipt_file)), Branding(municipality="Gemeente Zuidhaven")
        )
        self.actor: list[Actor | None] = [CLERK]
        self.finished: list[PaymentFinished] = []
        self.runner = runner or SyncTaskRunner()
        self.panel = PaymentPanel(
            self.service,
            self.runner,
            lambda: self.actor[0],
            self.printer,
            location="Stadhuis",
            point="Balie 3",
        )
        self.panel.payment_finished.connect(self.finished.append)
        qtbot.addWidget(self.panel)
        self.panel.resize(900, 520)
        self.panel.show()

    @property
    def shown(self) -> str:
        return self.panel.state_label.text()


@pytest.fixture
def make_desk(qtbot: QtBot, database: Database, clock: FakeClock, tmp_path: Path) -> Iterator[Callable[..., Desk]]:
    desks: list[Desk] = []

    def make(terminal: FakeTerminal | None = None, runner: TaskRunner | None = None) -> Desk:
        desk = Desk(qtbot, database, clock, tmp_path, terminal, runner)
        desks.append(desk)
        return desk

    yield make
    for desk in desks:
        desk.service.close()
        desk.terminal.close()
        desk.printer.close()


def visible_buttons(panel: PaymentPanel) -> set[str]:
    buttons = (
        panel.abort_button,
        panel.print_button,
        panel.paid_button,
        panel.not_paid_button,
        panel.retry_button,
        panel.new_button,
    )
    return {button.text().replace("&", "") for button in buttons if button.isVisible()}


def test_every_control_has_an_accessible_name(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk()
    assert [describe(w) for w in unlabeled_focusable(desk.panel)] == []


def test_approved_payment_prints_the_receipt_with_card_and_no_vat(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk()
    texts: list[str] = []
    desk.panel.state_changed.connect(lambda _state: texts.append(desk.panel.terminal_label.text()))
    desk.panel.start(940, "Uittreksel BRP")
    assert desk.shown == "Betaling gelukt. Geef de klant de bon."
    # the terminal's own words while the citizen pays; at the end the state line alone speaks
    assert f"Pinautomaat: {desk.terminal.displayed[0]}" in texts
    assert not desk.panel.terminal_label.isVisible()
    assert visible_buttons(desk.panel) == {"Bon afdrukken", "Nieuwe betaling"}
    assert [(f.state, f.amount_cents, f.method) for f in desk.finished] == [(PaymentState.APPROVED, 940, "pin")]

    desk.panel.print_button.click()
    paper = desk.receipt_file.read_bytes().decode("cp858")
    assert "Uittreksel BRP" in paper
    assert "TOTAAL" in paper and "€ 9,40" in paper
    assert "Kaart" in paper and "**** 0008" in paper
    assert "Autorisatiecode" in paper and "000001" in paper
    assert "Geen btw: overheidsheffing" in paper
    assert "Totaal: EUR 9,40" in paper and "Bewaar dit bewijs" in paper  # the terminal's receipt, verbatim
    assert "Balie 3" in paper and "Stadhuis" in paper
    assert desk.shown == "Betaling gelukt. Geef de klant de bon. De bon is afgedrukt."


def test_idle_form_sits_at_the_top(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk()
    desk.panel.resize(900, 700)
    QApplication.processEvents()
    # No gap between the top and "Betalen": the spare room goes below the form.
    assert desk.panel.title.geometry().top() <= 30
    assert desk.panel.card_button.geometry().bottom() < desk.panel.height() // 2


def test_bon_afdrukken_waits_for_the_paid_order(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk()
    seen: list[tuple[PaymentState, bool, bool]] = []
    button = desk.panel.print_button
    desk.panel.state_changed.connect(lambda state: seen.append((state, button.isVisible(), button.isEnabled())))
    desk.panel.start(940, "Uittreksel BRP")
    # Shown as soon as the terminal approves, clickable only once the paid order is on screen.
    assert all(not enabled for state, _shown, enabled in seen[:-1])
    assert seen[-1] == (PaymentState.APPROVED, True, True)


def test_typed_amount_and_enter_pay_by_card(qtbot: QtBot, make_desk: Callable[..., Desk]) -> None:
    desk = make_desk()
    desk.panel.amount_edit.setText("€ 77,87")
    desk.panel.description_edit.setText("Paspoort")
    qtbot.keyClick(desk.panel.description_edit, "\r")
    assert desk.terminal.requests[0].amount_cents == 7787
    assert desk.shown == text_for(PaymentState.APPROVED).desk


@pytest.mark.parametrize("typed", ["", "abc", "0", "12,5", "-3"])
def test_a_bad_amount_is_explained_and_nothing_is_sent(make_desk: Callable[..., Desk], typed: str) -> None:
    desk = make_desk()
    desk.panel.amount_edit.setText(typed)
    desk.panel.card_button.click()
    assert desk.panel.error_area.text() == "Vul een bedrag in euro in, bijvoorbeeld 77,87."
    assert desk.terminal.requests == []
    assert desk.panel.card_button.isEnabled()


def test_declined_offers_a_new_attempt_with_a_new_service_id(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk()
    desk.panel.start(1091, "Rijbewijs")  # x,91: the card is refused
    assert desk.shown == "Betaling geweigerd. Er is niets afgeschreven. Vraag of de klant opnieuw wil betalen."
    assert visible_buttons(desk.panel) == {"Opnieuw proberen", "Nieuwe betaling"}
    desk.panel.retry_button.click()
    first, second = desk.terminal.requests
    assert first.service_id != second.service_id
    assert [f.state for f in desk.finished] == [PaymentState.DECLINED, PaymentState.DECLINED]


def test_citizen_cancels_on_the_terminal(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk()
    desk.panel.start(1092, "Rijbewijs")  # x,92: the citizen presses Stop
    assert desk.shown == "Betaling afgebroken. Er is niets afgeschreven. Start zo nodig een nieuwe betaling."
    assert "Opnieuw proberen" in visible_buttons(desk.panel)
    assert "Bon afdrukken" not in visible_buttons(desk.panel)


def test_afbreken_while_the_terminal_hangs(qtbot: QtBot, make_desk: Callable[..., Desk]) -> None:
    runner = ThreadPoolTaskRunner(workers=2)
    desk = make_desk(runner=runner)
    desk.panel.start(1093, "Rijbewijs")  # x,93: no answer until aborted
    assert desk.terminal.wait_until_hanging()
    qtbot.waitUntil(lambda: desk.panel.abort_button.isVisible(), timeout=5000)
    assert desk.shown == "De klant betaalt nu op de betaalautomaat."
    assert visible_buttons(desk.panel) == {"Afbreken"}
    assert desk.panel.abort_button.hasFocus()  # Enter or Space stops it at once
    desk.panel.abort_button.click()
    qtbot.waitUntil(lambda: desk.finished != [], timeout=5000)
    assert desk.shown == text_for(PaymentState.ABORTED).desk
    # The terminal's last words ("Betaling afgerond ...") would contradict the state line.
    assert desk.panel.terminal_label.text() == ""
    assert not desk.panel.terminal_label.isVisible()
    assert len(desk.terminal.aborts) == 1
    assert runner.wait_for_done()


def test_approve_then_drop_shows_unknown_then_the_status_query_finds_the_approval(
    make_desk: Callable[..., Desk],
) -> None:
    desk = make_desk()
    seen: list[str] = []
    desk.panel.state_changed.connect(lambda _state: seen.append(desk.shown))
    undecided: list[tuple[PaymentState, str, bool]] = []
    desk.panel.state_changed.connect(
        lambda state: undecided.append((state, desk.panel.terminal_label.text(), desk.panel.resolve_hint.isVisible()))
    )
    desk.panel.start(1094, "Paspoort")  # x,94: approved, then the answer is lost
    # While Loket still asks the terminal: no terminal text, no call for the team lead yet.
    checking = [row for row in undecided if row[0] in (PaymentState.UNKNOWN, PaymentState.RECOVERING)]
    assert {state for state, _text, _hint in checking} == {PaymentState.UNKNOWN, PaymentState.RECOVERING}
    assert all(text == "" and not hint for _state, text, hint in checking)
    unknown = "Uitkomst nog onbekend. Start geen nieuwe betaling. Loket vraagt de betaalautomaat wat er is gebeurd."
    assert unknown in seen
    assert seen.index(unknown) < seen.index("Betaling gelukt. Geef de klant de bon.")
    assert desk.shown == "Betaling gelukt. Geef de klant de bon."
    assert len(desk.terminal.requests) == 1  # recovered by asking, never by paying again
    assert [f.state for f in desk.finished] == [PaymentState.APPROVED]


def test_only_a_team_lead_may_decide_an_unknown_outcome(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(terminal=StatusLostTerminal("P400-0042"))
    hints: list[tuple[PaymentState, bool]] = []
    desk.panel.state_changed.connect(lambda state: hints.append((state, desk.panel.resolve_hint.isVisible())))
    desk.panel.start(1094, "Paspoort")
    assert desk.shown == text_for(PaymentState.NEEDS_OPERATOR).desk
    # The hint appears only once Loket has given up asking the terminal itself.
    assert (PaymentState.UNKNOWN, False) in hints and hints[-1] == (PaymentState.NEEDS_OPERATOR, True)
    assert not desk.panel.terminal_label.isVisible()
    # The clerk sees who can decide, not the buttons; nothing offers a second payment.
    assert visible_buttons(desk.panel) == set()
    assert desk.panel.resolve_hint.isVisible()
    assert "Vraag de teamleider" in desk.panel.resolve_hint.text()
    assert desk.finished == []

    desk.actor[0] = LEAD
    desk.panel.actor_changed()
    assert visible_buttons(desk.panel) == {"Wel betaald", "Niet betaald"}
    assert not desk.panel.resolve_hint.isVisible()
    desk.panel.paid_button.click()
    assert desk.shown == text_for(PaymentState.APPROVED).desk
    assert [(f.state, f.decided_by) for f in desk.finished] == [(PaymentState.APPROVED, "abakker")]
    assert len(desk.terminal.requests) == 1


def test_partial_approval_names_both_amounts_and_offers_no_new_payment(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk()
    desk.panel.start(1098, "Paspoort")  # x,98: the terminal approves only € 5,49
    assert desk.shown.startswith("De betaalautomaat heeft € 5,49 goedgekeurd, maar de klant moet € 10,98 betalen.")
    assert "Start geen nieuwe betaling." in desk.shown
    assert visible_buttons(desk.panel) == set()  # a clerk: no retry, no print; the team lead decides
    assert desk.panel.resolve_hint.isVisible()
    assert desk.finished == [] and not desk.receipt_file.exists()
    (entry,) = desk.service.entries(desk.panel.order_id or "")
    assert (entry.state, entry.approved_cents) == (PaymentState.NEEDS_OPERATOR, 549)


def test_over_nexo_a_lost_answer_is_recovered_by_the_status_query(
    qtbot: QtBot, database: Database, clock: FakeClock, tmp_path: Path
) -> None:
    """The same panel against the nexo simulator on 127.0.0.1: HTTPS with a pinned certificate,
    encrypted messages, signed display notifications, and x,94 dropping the connection after approving."""
    from app.hardware.payment.factory import start_demo_terminal

    simulator, terminal = start_demo_terminal(tmp_path / "demo")
    runner = ThreadPoolTaskRunner(workers=2)
    journal = SqlPaymentJournal(database, clock)
    service = PaymentService(terminal, journal, clock, workstation="Balie 3", status_retry_seconds=0)
    panel = PaymentPanel(service, runner, lambda: CLERK)
    qtbot.addWidget(panel)
    panel.show()
    seen: list[PaymentState] = []
    panel.state_changed.connect(seen.append)
    texts: list[str] = []
    panel.state_changed.connect(lambda _state: texts.append(panel.terminal_label.text()))
    try:
        panel.start(7794, "Paspoort")
        qtbot.waitUntil(lambda: panel.state_label.text() == text_for(PaymentState.APPROVED).desk, timeout=15000)
        assert runner.wait_for_done()
    finally:
        service.close()
        terminal.close()
        simulator.stop()
    assert PaymentState.UNKNOWN in seen and PaymentState.RECOVERING in seen
    assert seen.index(PaymentState.UNKNOWN) < seen.index(PaymentState.APPROVED)
    assert "Pinautomaat: Pincode ingevoerd" in texts  # the terminal's display notification reached the desk
    assert simulator.totals()[1:] == (1, 7794)  # charged once
    entries = journal.entries(panel.order_id or "")
    assert [e.state for e in entries] == [PaymentState.APPROVED]
    assert entries[0].masked_pan and sum(ch.isdigit() for ch in entries[0].masked_pan) == 4


def test_cash_goes_into_the_kas(qtbot: QtBot, database: Database, clock: FakeClock) -> None:
    from app.core.payment.kas import KasMethod, KasService
    from app.store.kas_repository import SqlKasStore

    terminal = FakeTerminal("P400-0042")
    terminal.open()
    journal = SqlPaymentJournal(database, clock)
    kas = KasService(journal, SqlKasStore(database), terminal, clock, "Balie 3")
    service = PaymentService(terminal, journal, clock, workstation="Balie 3")
    panel = PaymentPanel(service, SyncTaskRunner(), lambda: CLERK, record_cash=kas.record_cash)
    qtbot.addWidget(panel)
    finished: list[PaymentFinished] = []
    panel.payment_finished.connect(finished.append)
    panel.amount_edit.setText("9,40")
    panel.description_edit.setText("Uittreksel BRP")
    panel.cash_button.click()
    clock.advance(60)
    assert panel.state_label.text() == "Contant ontvangen: € 9,40. Het staat in de kas."
    assert [(f.method, f.amount_cents) for f in finished] == [("contant", 940)]
    assert [(line.method, line.amount_cents, line.description) for line in kas.lines()] == [
        (KasMethod.CASH, 940, "Uittreksel BRP")
    ]
    assert terminal.requests == []
    terminal.close()
