"""KCC panels in detail: type-ahead subject, phone contacts, roles at the desk, real worker threads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.balie.actions import Action
from app.balie.knowledge_panel import KnowledgePanel
from app.balie.window import BalieWindow
from app.balie.workspace import KccServices
from app.core.auth import ScryptParams, StaffAccount, hash_password
from app.core.clock import FakeClock
from app.core.errors import LoketError
from app.core.queue.model import Outcome
from app.core.queue.service import QueueService
from app.core.staff import Actor, Role
from app.store.database import Database
from app.store.seed import SeedIds
from app.store.staff_repository import SqlStaffDirectory
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner, ThreadPoolTaskRunner
from tests.ui.kcc_setup import ACCOUNTS, parts

VERHUIZING_URI = "http://standaarden.overheid.nl/owms/terms/verhuismelding"


@pytest.fixture
def threads(qapp: object) -> Iterator[ThreadPoolTaskRunner]:
    runner = ThreadPoolTaskRunner()
    yield runner
    runner.wait_for_done(5000)
    runner.deleteLater()


def test_a_redacteur_gets_the_kennisbank_but_no_desk(
    make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk("pieter", sign_in=False)
    window.sign_in_screen.password_edit.setText(ACCOUNTS["pieter"][2])
    window.sign_in_screen.sign_in_button.click()
    assert window.desk_screen is None
    assert window.editor_screen is not None and window.stack.currentWidget() is window.editor_screen
    panel = window.editor_screen.knowledge_panel
    assert panel.edit_button.isVisible() and not panel.use_button.isVisible()
    desks = {d.name: d for d in queue.snapshot(hall.location_id).desks}
    assert not desks["Balie 1"].is_open
    window.editor_screen.sign_out_button.click()
    assert window.editor_screen is None and window.stack.currentWidget() is window.sign_in_screen


def test_a_beheerder_gets_no_desk(make_kcc_desk: Callable[..., BalieWindow], database: Database) -> None:
    directory = SqlStaffDirectory(database.writer, database.reader)
    hashed = hash_password("kees-wachtwoord-123", ScryptParams(n=2**10, r=8, p=1))
    directory.add(StaffAccount(None, "kees", "Kees Visser", frozenset({Role.BEHEERDER}), hashed))
    window = make_kcc_desk("kees", sign_in=False)
    window.sign_in_screen.password_edit.setText("kees-wachtwoord-123")
    window.sign_in_screen.sign_in_button.click()
    assert window.desk_screen is None and window.editor_screen is None
    assert window.sign_in_screen.error_area.text() == "Uw account is niet bedoeld voor werk aan de balie."


def test_subject_suggestions_follow_typing_and_arrow_keys_choose(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]
) -> None:
    work = parts(make_kcc_desk())[1]
    contact = work.contact_panel
    contact.new_question()  # no visitor: a phone call
    subject = contact.subject
    qtbot.keyClicks(subject.edit, "verhuiz")
    qtbot.waitUntil(lambda: "Verhuizing doorgeven" in subject.suggestion_names(), timeout=5000)
    assert subject.suggestions.isVisible()
    row = subject.suggestion_names().index("Verhuizing doorgeven")
    for _ in range(row):
        qtbot.keyClick(subject.edit, Qt.Key.Key_Down)
    qtbot.keyClick(subject.edit, Qt.Key.Key_Return)
    assert subject.text() == "Verhuizing doorgeven" and not subject.suggestions.isVisible()
    assert subject.picked is not None and subject.picked.uri == VERHUIZING_URI
    # Typing again lets the product go: the subject is free text from then on.
    qtbot.keyClicks(subject.edit, " naar Delft")
    assert subject.picked is None
    qtbot.keyClick(subject.edit, Qt.Key.Key_Escape)
    draft = contact.form_contact()
    assert draft is not None and draft.onderwerp.product_uri is None
    assert draft.onderwerp.vrije_tekst == "Verhuizing doorgeven naar Delft"


def test_a_phone_call_without_a_visitor_is_registered_too(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], kcc: KccServices, clock: FakeClock
) -> None:
    contact = parts(make_kcc_desk())[1].contact_panel
    assert contact.draft is None and contact.new_button.isEnabled()
    contact.kanaal_combo.setCurrentIndex(contact.kanaal_combo.findData("telefoon"))
    contact.new_button.click()
    assert contact.draft is not None and contact.draft.kanaal == "telefoon" and contact.draft.ticket_id is None
    contact.subject.set_subject("Afvalkalender")
    contact.vraag_edit.setPlainText("Wanneer wordt het oud papier opgehaald?")
    contact.save_button.click()
    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    [saved] = kcc.contacts.contacts_between(anna, clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1))
    assert (saved.kanaal, saved.ticket_id, saved.onderwerp.vrije_tekst) == ("telefoon", None, "Afvalkalender")


def test_knowledge_search_runs_on_the_worker_thread_and_keeps_only_the_newest_answer(
    qtbot: QtBot, kcc: KccServices, clock: FakeClock, threads: ThreadPoolTaskRunner, keep: list[QWidget]
) -> None:
    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    panel = KnowledgePanel(kcc.knowledge, anna, clock, threads)
    qtbot.addWidget(panel)
    keep.append(panel)
    panel.show()
    panel.search("paspoort")
    panel.search("rijbewijs")  # asked before the first answer is shown
    qtbot.waitUntil(lambda: threads.pending == 0, timeout=5000)
    assert panel.hit_names()[0] == "Rijbewijs aanvragen/verlengen"
    assert "Paspoort aanvragen" not in panel.hit_names()
    panel.hits.setCurrentRow(0)
    qtbot.waitUntil(lambda: panel.title.text() == "Rijbewijs aanvragen/verlengen", timeout=5000)
    assert panel.use_button.isEnabled()


def test_a_question_is_forwarded_once(
    make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds, kcc: KccServices
) -> None:
    window = make_kcc_desk()
    desk, work = parts(window)
    queue.issue_ticket(hall.service_ids["REISDOC"])
    desk.refresh()
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.START].click()
    contact = work.contact_panel
    contact.subject.set_subject("Verhuizing doorgeven")
    contact.forward_button.click()
    dialog = work.dialog
    assert dialog is not None
    dialog.action_edit.setText("Adres controleren")
    dialog.reach_edit.setText("06-12345678")
    dialog.confirm_button.click()
    assert work.dialog is None
    contact.forward_button.click()
    assert work.dialog is None
    assert contact.error_area.text() == "Deze vraag is al doorgezet. Een nieuwe vraag begint u met Ctrl+N."
    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    assert len(kcc.contacts.forwarded_by_me(anna)) == 1


def test_the_forward_dialog_shows_why_it_cannot_forward_yet(
    make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk()
    desk, work = parts(window)
    queue.issue_ticket(hall.service_ids["REISDOC"])
    desk.refresh()
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.START].click()
    work.contact_panel.subject.set_subject("Kapvergunning")
    work.contact_panel.forward_button.click()
    dialog = work.dialog
    assert dialog is not None
    dialog.confirm_button.click()  # nothing filled in
    assert dialog.isVisible() and dialog.confirm_button.isEnabled()
    assert dialog.error_area.text() == "Vul in wat de afdeling moet doen."
    dialog.action_edit.setText("Terugbellen")
    dialog.confirm_button.click()
    assert dialog.error_area.text() == "Vul in hoe de afdeling de inwoner kan bereiken (telefoon of e-mail)."
    dialog.cancel_button.click()
    assert work.dialog is None


def test_extra_tabs_are_built_per_clerk_and_get_the_next_number(
    qtbot: QtBot,
    keep: list[QWidget],
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    runner: SyncTaskRunner,
    bridge: EventBridge,
    kcc: KccServices,
) -> None:
    built_for: list[str] = []

    def payment_tab(actor: Actor) -> list[tuple[str, QWidget]]:
        built_for.append(actor.username)
        button = QPushButton(f"Betalen door {actor.display_name}")
        button.setAccessibleName("Betalen")
        return [("Betalen", button)]

    window = BalieWindow(
        queue, clock, hall.location_id, runner, bridge, desk_id=hall.desk_ids["Balie 1"], staff="anna", kcc=kcc,
        extra_tabs=payment_tab,
    )  # fmt: skip
    qtbot.addWidget(window)
    keep.append(window)
    window.show()
    window.sign_in_screen.password_edit.setText(ACCOUNTS["anna"][2])
    window.sign_in_screen.sign_in_button.click()
    work = parts(window)[1]
    assert built_for == ["anna"]
    assert work.tabs.tabText(4) == "Betalen (5)"
    assert [s.key().toString() for s in work.shortcuts][-1] == "Ctrl+5"


def test_an_article_or_person_without_an_open_contact_says_what_to_do(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]
) -> None:
    work = parts(make_kcc_desk())[1]
    knowledge = work.knowledge_panel
    knowledge.search("paspoort")
    knowledge.hits.setCurrentRow(0)
    knowledge.use_button.click()
    expected = "Er is nog geen klantcontact open. Start het gesprek (F4) of begin een nieuwe vraag (Ctrl+N)."
    assert knowledge.error_area.text() == expected
    assert work.contact_panel.draft is None


class QueuedTaskRunner:
    """Runs work in order when told to, like the one worker thread of production, so a test can
    let a snapshot arrive late on purpose."""

    def __init__(self) -> None:
        self.queue: list[Callable[[], None]] = []
        self._sync = SyncTaskRunner()

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[LoketError], None] | None = None,
    ) -> None:
        self.queue.append(lambda: self._sync.run(work, on_done, on_error))

    def drain(self) -> None:
        while self.queue:
            self.queue.pop(0)()


def test_a_late_snapshot_does_not_reopen_a_finished_visit(
    qtbot: QtBot,
    keep: list[QWidget],
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    bridge: EventBridge,
    kcc: KccServices,
) -> None:
    runner = QueuedTaskRunner()
    window = BalieWindow(
        queue, clock, hall.location_id, runner, bridge, desk_id=hall.desk_ids["Balie 1"], staff="anna", kcc=kcc
    )
    qtbot.addWidget(window)
    keep.append(window)
    window.show()
    runner.drain()
    window.sign_in_screen.password_edit.setText(ACCOUNTS["anna"][2])
    window.sign_in_screen.sign_in_button.click()
    runner.drain()
    desk, work = parts(window)
    queue.issue_ticket(hall.service_ids["REISDOC"])
    desk.refresh()
    runner.drain()
    desk.buttons[Action.NEXT].click()
    runner.drain()
    desk.buttons[Action.START].click()
    runner.drain()
    contact = work.contact_panel
    contact.subject.set_subject("Openingstijden")
    contact.save_button.click()
    runner.drain()
    assert contact.saved_in_visit

    desk.refresh()  # a snapshot of "still serving" is on its way when the clerk finishes
    desk.buttons[Action.FINISH].click()
    desk.finish_panel.outcome_buttons[Outcome.HANDLED].click()
    runner.drain()
    assert desk.current is None
    assert contact.draft is None, "the finished visit was opened again"
    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    day = (clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1))
    assert [c.onderwerp.omschrijving for c in kcc.contacts.contacts_between(anna, *day)] == ["Openingstijden"]


def test_signing_out_saves_what_was_typed_or_stays(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], kcc: KccServices, clock: FakeClock
) -> None:
    window = make_kcc_desk()
    desk, work = parts(window)
    contact = work.contact_panel
    contact.new_button.click()  # a phone call
    contact.vraag_edit.setPlainText("Waar kan ik grofvuil kwijt?")
    desk.sign_out_button.click()
    assert window.desk_screen is desk  # no subject: cannot be saved, so the clerk stays
    assert contact.error_area.text() == "Kies een product of typ waar de vraag over ging."
    contact.subject.set_subject("Grofvuil")
    desk.sign_out_button.click()
    assert window.desk_screen is None
    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    day = (clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1))
    [saved] = kcc.contacts.contacts_between(anna, *day)
    assert saved.vraag == "Waar kan ik grofvuil kwijt?" and saved.onderwerp.vrije_tekst == "Grofvuil"
