"""Two desk windows on one database: what one PC does, the other sees without pressing anything.

The events travel the real way: the store writes a change-log row, the real watcher reads it and
publishes on the bus, the balie's relay brings it to the UI thread. Tests wait with waitUntil.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.balie.closed_banner import CLOSED_TEXT
from app.balie.window import CLOSED_ELSEWHERE, CLOSED_SAVED, BalieWindow
from app.balie.workspace import KccServices, KccWorkspace
from app.core.clock import FakeClock
from app.core.events import EventBus
from app.core.kcc.contact import ContactResultaat
from app.core.queue.service import QueueService
from app.store.database import Database
from app.store.seed import SeedIds
from tests.ui.kcc_setup import ACCOUNTS, MONDAY_BEFORE_KONINGSDAG, build_kcc, parts

PASPOORT = "http://standaarden.overheid.nl/owms/terms/paspoort"


@pytest.fixture
def kcc(database: Database, clock: FakeClock, hall: SeedIds, bus: EventBus) -> KccServices:
    clock.set(MONDAY_BEFORE_KONINGSDAG)
    return replace(build_kcc(database, clock), events=bus)


def forward_a_phone_question(qtbot: QtBot, work: KccWorkspace) -> None:
    contact = work.contact_panel
    contact.new_question()  # a phone call, no visitor
    qtbot.keyClicks(contact.subject.edit, "Bezwaar tegen de WOZ-beschikking")
    contact.subject.set_subject(contact.subject.text())
    qtbot.keyClicks(contact.vraag_edit, "Mijn WOZ-waarde is te hoog")
    work.forward()
    dialog = work.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.action_edit, "Inwoner terugbellen")
    qtbot.keyClicks(dialog.reach_edit, "06-12345678")
    dialog.confirm_button.click()
    assert work.dialog is None


def test_an_answer_recorded_at_another_pc_shows_as_verwerkt_by_itself(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]
) -> None:
    anna_work = parts(make_kcc_desk("anna", "Balie 1"))[1]
    forward_a_phone_question(qtbot, anna_work)
    mine = anna_work.forwarded_screen
    anna_work.show_tab(mine)
    assert mine.cell(0, 3).startswith("te verwerken")

    lead_work = parts(make_kcc_desk("fatma", "Balie 2"))[1]
    lead_list = lead_work.forwarded_screen
    lead_work.show_tab(lead_list)
    lead_list.all_check.setChecked(True)
    lead_list.table.selectRow(0)
    qtbot.keyClicks(lead_list.answer_edit, "Taxateur belt inwoner terug")
    lead_list.answer_button.click()
    assert lead_list.error_area.isHidden(), lead_list.error_area.text()

    # Anna presses nothing: her list hears of the answer through the watcher.
    qtbot.waitUntil(lambda: mine.cell(0, 3) == "verwerkt", timeout=10_000)
    assert mine.cell(0, 4) == "Taxateur belt inwoner terug"
    assert mine.summary.text() == "1 vragen, 0 nog te verwerken, 0 te laat"


def test_a_question_forwarded_at_another_pc_appears_in_the_team_list(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]
) -> None:
    lead_work = parts(make_kcc_desk("fatma", "Balie 2"))[1]
    lead_list = lead_work.forwarded_screen
    lead_list.all_check.setChecked(True)
    assert lead_list.rows == []
    forward_a_phone_question(qtbot, parts(make_kcc_desk("anna", "Balie 1"))[1])
    qtbot.waitUntil(lambda: lead_list.cell(0, 0) == "Bezwaar tegen de WOZ-beschikking", timeout=10_000)


def test_overdue_marking_follows_the_turn_of_the_day(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], clock: FakeClock
) -> None:
    work = parts(make_kcc_desk())[1]
    forward_a_phone_question(qtbot, work)
    forwarded = work.forwarded_screen
    work.show_tab(forwarded)
    # Default norm 10 working days from Mon 26 April 2027 (Koningsdag, Bevrijdingsdag,
    # Hemelvaart and the Friday after it do not count): Friday 14 May 2027.
    assert [forwarded.cell(0, c) for c in (2, 3)] == ["vr 14 mei", "te verwerken\nnog 10 werkdagen"]
    clock.set(datetime(2027, 5, 14, 21, 59, tzinfo=UTC))  # 23:59 on the deadline, Amsterdam
    forwarded.day_timer.setInterval(10)
    qtbot.waitUntil(lambda: forwarded.cell(0, 3) == "te verwerken\nvandaag", timeout=5_000)
    clock.advance(timedelta(minutes=2))  # past midnight: Saturday 15 May
    qtbot.waitUntil(lambda: forwarded.cell(0, 3) == "te laat", timeout=5_000)
    assert forwarded.summary.text() == "1 vragen, 1 nog te verwerken, 1 te laat"


def test_an_article_edited_by_the_redacteur_shows_at_an_open_desk(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]
) -> None:
    anna_work = parts(make_kcc_desk("anna", "Balie 1"))[1]
    reading = anna_work.knowledge_panel
    reading.open(PASPOORT)
    assert reading.product is not None and reading.product.uri == PASPOORT

    editor_window = make_kcc_desk("pieter", "Balie 2", sign_in=False)
    editor_window.sign_in_screen.password_edit.setText(ACCOUNTS["pieter"][2])
    editor_window.sign_in_screen.sign_in_button.click()
    assert editor_window.editor_screen is not None
    panel = editor_window.editor_screen.knowledge_panel
    panel.open(PASPOORT)
    panel.edit_button.click()
    editor = panel.editor
    assert editor is not None
    editor.summary_edit.setPlainText("Een paspoort vraagt u aan op afspraak. U krijgt het na 5 werkdagen.")
    editor.save_button.click()
    assert panel.editor is None

    qtbot.waitUntil(
        lambda: reading.summary.text() == "Een paspoort vraagt u aan op afspraak. U krijgt het na 5 werkdagen.",
        timeout=10_000,
    )


# --- a desk closed elsewhere while a contact is typed ----------------------------------------


def on_the_phone(window: BalieWindow) -> KccWorkspace:
    """A phone call at an idle desk: a desk that serves a visitor cannot be closed elsewhere."""
    work = parts(window)[1]
    work.contact_panel.new_question()
    return work


def test_a_desk_closed_elsewhere_keeps_the_typed_contact_until_it_is_saved(
    qtbot: QtBot,
    make_kcc_desk: Callable[..., BalieWindow],
    queue: QueueService,
    hall: SeedIds,
    kcc: KccServices,
    clock: FakeClock,
) -> None:
    window = make_kcc_desk()
    work = on_the_phone(window)
    desk = parts(window)[0]
    contact = work.contact_panel
    assert contact.draft is not None
    qtbot.keyClicks(contact.subject.edit, "Rijbewijs verlengen")
    contact.subject.set_subject(contact.subject.text())
    qtbot.keyClicks(contact.vraag_edit, "Mag ik met een verlopen rijbewijs nog rijden?")

    queue.close_desk(hall.desk_ids["Balie 1"])  # the host closes it from the floor
    qtbot.waitUntil(lambda: work.closed_bar.isVisible(), timeout=10_000)
    assert window.desk_screen is desk and window.workspace is work
    assert work.closed_bar.text.text().startswith(CLOSED_TEXT)
    assert contact.vraag_edit.toPlainText() == "Mag ik met een verlopen rijbewijs nog rijden?"
    assert not any(button.isEnabled() for button in desk.buttons.values())
    assert not desk.sign_out_button.isEnabled()
    smallest = window.minimumSizeHint()
    assert smallest.width() <= 1280 and smallest.height() <= 800, smallest  # the banner fits the desk

    # A colleague opens Balie 1 on another PC and serves someone: not this clerk's visitor.
    balie_1 = hall.desk_ids["Balie 1"]
    queue.open_desk(balie_1, "Mohamed El Amrani")
    queue.issue_ticket(hall.service_ids["REISDOC"])
    queue.call_next(balie_1)
    queue.start(balie_1)
    desk.refresh()
    assert desk.current is None and work.closed_bar.isVisible()
    assert contact.vraag_edit.toPlainText() == "Mag ik met een verlopen rijbewijs nog rijden?"
    assert not contact.saved_in_visit  # nothing saved behind the clerk's back

    work.closed_bar.save_button.click()
    assert window.desk_screen is None
    assert window.sign_in_screen.error_area.text() == CLOSED_SAVED
    anna = kcc.sign_in.sign_in("anna", "anna-wachtwoord-123")
    [saved] = kcc.contacts.contacts_between(anna, clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1))
    assert saved.vraag == "Mag ik met een verlopen rijbewijs nog rijden?"
    assert saved.resultaat is ContactResultaat.AFGEHANDELD


def test_a_contact_that_cannot_be_saved_stays_until_the_clerk_drops_it(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk()
    work = on_the_phone(window)
    contact = work.contact_panel
    qtbot.keyClicks(contact.vraag_edit, "Een vraag zonder onderwerp")
    queue.close_desk(hall.desk_ids["Balie 1"])
    qtbot.waitUntil(lambda: work.closed_bar.isVisible(), timeout=10_000)
    work.closed_bar.save_button.click()
    assert window.workspace is work  # not saved, so not gone
    assert contact.error_area.text() == "Kies een product of typ waar de vraag over ging."
    assert contact.vraag_edit.toPlainText() == "Een vraag zonder onderwerp"
    work.closed_bar.discard_button.click()  # said in so many words
    assert window.desk_screen is None
    assert window.sign_in_screen.error_area.text() == CLOSED_ELSEWHERE


def test_a_desk_closed_elsewhere_with_nothing_typed_goes_straight_to_sign_in(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk()
    on_the_phone(window)
    queue.close_desk(hall.desk_ids["Balie 1"])
    qtbot.waitUntil(lambda: window.desk_screen is None, timeout=10_000)
    assert window.sign_in_screen.error_area.text() == CLOSED_ELSEWHERE


def test_after_signing_out_and_in_again_the_new_list_still_updates_by_itself(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]
) -> None:
    lead = make_kcc_desk("fatma", "Balie 2")
    parts(lead)[0].sign_out()
    assert lead.desk_screen is None
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # the old screen is gone
    lead.sign_in_screen.password_edit.setText(ACCOUNTS["fatma"][2])
    lead.sign_in_screen.sign_in_button.click()
    lead_list = parts(lead)[1].forwarded_screen
    lead_list.all_check.setChecked(True)
    forward_a_phone_question(qtbot, parts(make_kcc_desk("anna", "Balie 1"))[1])
    qtbot.waitUntil(lambda: lead_list.cell(0, 0) == "Bezwaar tegen de WOZ-beschikking", timeout=10_000)
