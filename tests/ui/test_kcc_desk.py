"""The KCC desk's screens one by one: sign-in, person lookup, contact safety, roles, labels.

Real services on the test's SQLite store; reference values from the RvIG test set.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.balie.actions import Action
from app.balie.window import BalieWindow
from app.balie.workspace import KccServices, KccWorkspace
from app.core.clock import FakeClock
from app.core.kcc.contact import ContactResultaat
from app.core.queue.model import Outcome
from app.core.queue.service import QueueService
from app.core.staff import PermissionDenied
from app.store.audit_repository import SqlAuditLog
from app.store.database import Database
from app.store.seed import SeedIds
from app.ui.accessibility import describe, unlabeled_focusable
from tests.ui.kcc_setup import ACCOUNTS, brp_row, parts


def serving(window: BalieWindow, queue: QueueService, hall: SeedIds) -> KccWorkspace:
    desk, work = parts(window)
    queue.issue_ticket(hall.service_ids["REISDOC"])
    desk.refresh()
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.START].click()
    return work


# --- sign-in ------------------------------------------------------------------------------


def test_password_is_masked_and_a_wrong_one_is_refused_in_dutch(make_kcc_desk: Callable[..., BalieWindow]) -> None:
    window = make_kcc_desk("anna", sign_in=False)
    screen = window.sign_in_screen
    assert screen.password_edit.echoMode() is QLineEdit.EchoMode.Password
    screen.password_edit.setText("niet-het-wachtwoord")
    screen.sign_in_button.click()
    assert window.desk_screen is None
    assert screen.error_area.text() == "Gebruikersnaam of wachtwoord klopt niet."
    assert screen.password_edit.text() == ""
    screen.staff_edit.setText("bestaat-niet")
    screen.password_edit.setText(ACCOUNTS["anna"][2])
    screen.sign_in_button.click()
    assert screen.error_area.text() == "Gebruikersnaam of wachtwoord klopt niet."  # the same words


def test_five_wrong_passwords_lock_the_account_for_a_quarter(
    make_kcc_desk: Callable[..., BalieWindow], clock: FakeClock
) -> None:
    window = make_kcc_desk("anna", sign_in=False)
    screen = window.sign_in_screen
    for _ in range(5):
        screen.password_edit.setText("fout-fout-fout")
        screen.sign_in_button.click()
    assert screen.error_area.text() == "Te vaak geprobeerd, probeer het over 15 minuten opnieuw."
    screen.password_edit.setText(ACCOUNTS["anna"][2])  # even the right one, for now
    screen.sign_in_button.click()
    assert window.desk_screen is None
    assert screen.error_area.text() == "Te vaak geprobeerd, probeer het over 15 minuten opnieuw."
    clock.advance(timedelta(minutes=15))
    screen.password_edit.setText(ACCOUNTS["anna"][2])
    screen.sign_in_button.click()
    assert window.desk_screen is not None


def test_an_empty_password_is_asked_for_before_anything_is_checked(make_kcc_desk: Callable[..., BalieWindow]) -> None:
    window = make_kcc_desk("anna", sign_in=False)
    window.sign_in_screen.sign_in_button.click()
    assert window.sign_in_screen.error_area.text() == "Vul uw wachtwoord in."


# --- person lookup ------------------------------------------------------------------------


def test_bsn_failing_the_elfproef_is_shown_inline_and_not_looked_up(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], database: Database, clock: FakeClock
) -> None:
    person = parts(make_kcc_desk())[1].person_panel
    qtbot.keyClicks(person.bsn_edit, "999993782")  # one digit off a test person's BSN
    assert person.bsn_error.text() == "Dit BSN klopt niet (de elfproef faalt)."
    person.reason_edit.setText("controle")
    person.search_button.click()
    assert not person.card.isVisible()
    audit = SqlAuditLog(database.writer, database.reader)
    assert audit.entries_between(clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)) == []


def test_a_lookup_needs_a_reason(qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]) -> None:
    person = parts(make_kcc_desk())[1].person_panel
    qtbot.keyClicks(person.bsn_edit, "999993781")
    person.search_button.click()
    assert person.error_area.text() == "Vul de reden in: elke opvraging wordt vastgelegd."
    assert not person.card.isVisible()


def test_name_and_birth_date_find_everyone_and_mark_secrecy_and_death(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]
) -> None:
    work = parts(make_kcc_desk())[1]
    person = work.person_panel
    work.show_tab(person)
    qtbot.keyClicks(person.name_edit, "Meijden")
    qtbot.keyClicks(person.birth_edit, "17-04-1959")
    qtbot.keyClicks(person.reason_edit, "adresvraag")
    person.search_button.click()
    # Three persons in the RvIG set: Peter-Jan (geheim 3), Peter-Jan-snip (overleden 2001-10-19), Frederik.
    rows = [person.results.item(i).text() for i in range(person.results.count())]
    assert len(rows) == 3 and person.results.isVisible()
    for row, found in enumerate(person.found):
        person.results.setCurrentRow(row)
        expected = brp_row(found.burgerservicenummer or "")
        assert person.name_label.text() == expected.name
        assert person.address_label.text() == "Goudsesingel 72, 3011KD Rotterdam"
        flags = person.flag_texts()
        if expected.voornamen == "Peter-Jan-snip":
            assert flags == ["Deze persoon is overleden (datum van overlijden: 2001-10-19)."]
        else:
            assert flags == ["Geheimhouding: geen gegevens aan derden verstrekken."]


def test_unknown_bsn_says_so(qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow]) -> None:
    person = parts(make_kcc_desk())[1].person_panel
    qtbot.keyClicks(person.bsn_edit, "123456782")  # passes the 11-proef, not in the test set
    person.reason_edit.setText("controle")
    person.search_button.click()
    assert person.error_area.text() == "Er is geen persoon gevonden met dit BSN."


# --- roles --------------------------------------------------------------------------------


def test_a_gastheer_cannot_look_up_persons_and_the_core_refuses_too(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], kcc: KccServices, database: Database, clock: FakeClock
) -> None:
    window = make_kcc_desk("sanne")
    work = parts(window)[1]
    assert work.tabs.tabText(2) == "Persoon (geen toegang)"
    assert not work.person_panel.isEnabled()
    # Even a screen that let the search through gets a plain refusal from the core.
    work.person_panel.setEnabled(True)
    work.person_panel.bsn_edit.setText("999993781")
    work.person_panel.reason_edit.setText("nieuwsgierig")
    work.person_panel.search_button.click()
    assert work.person_panel.error_area.text() == "U heeft geen recht om dit te doen."
    assert not work.person_panel.card.isVisible()
    sanne = kcc.sign_in.sign_in("sanne", ACCOUNTS["sanne"][2])
    with pytest.raises(PermissionDenied):
        kcc.persons.by_bsn(sanne, "999993781", "nieuwsgierig")
    entries = SqlAuditLog(database.writer, database.reader).entries_between(
        clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    )
    assert [(e.username, e.outcome.value) for e in entries] == [("sanne", "denied"), ("sanne", "denied")]


# --- never lose what was typed --------------------------------------------------------------


def test_finishing_saves_what_was_typed(
    qtbot: QtBot,
    make_kcc_desk: Callable[..., BalieWindow],
    queue: QueueService,
    hall: SeedIds,
    kcc: KccServices,
    clock: FakeClock,
) -> None:
    window = make_kcc_desk()
    work = serving(window, queue, hall)
    desk = parts(window)[0]
    contact = work.contact_panel
    qtbot.keyClicks(contact.subject.edit, "Openingstijden stadhuis")
    qtbot.keyClicks(contact.vraag_edit, "Is het stadhuis op Koningsdag open?")
    desk.buttons[Action.FINISH].click()
    desk.finish_panel.outcome_buttons[Outcome.HANDLED].click()
    assert desk.current is None
    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    [saved] = kcc.contacts.contacts_between(anna, clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1))
    assert saved.onderwerp.vrije_tekst == "Openingstijden stadhuis"
    assert saved.vraag == "Is het stadhuis op Koningsdag open?"
    assert saved.resultaat is ContactResultaat.AFGEHANDELD


def test_a_contact_that_cannot_be_saved_stops_the_finish_and_keeps_the_text(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk()
    work = serving(window, queue, hall)
    desk = parts(window)[0]
    contact = work.contact_panel
    qtbot.keyClicks(contact.vraag_edit, "Een vraag zonder onderwerp")
    desk.buttons[Action.FINISH].click()
    desk.finish_panel.outcome_buttons[Outcome.HANDLED].click()
    assert desk.current is not None  # not finished
    assert contact.error_area.text() == "Kies een product of typ waar de vraag over ging."
    assert contact.vraag_edit.toPlainText() == "Een vraag zonder onderwerp"


def test_finishing_without_any_contact_asks_first(
    make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk()
    work = serving(window, queue, hall)
    desk = parts(window)[0]
    desk.buttons[Action.FINISH].click()
    desk.finish_panel.outcome_buttons[Outcome.HANDLED].click()
    assert work.confirm_bar.isVisible() and desk.current is not None
    work.back_button.click()
    assert not work.confirm_bar.isVisible() and desk.current is not None
    desk.buttons[Action.FINISH].click()
    desk.finish_panel.outcome_buttons[Outcome.HANDLED].click()
    work.finish_anyway_button.click()
    assert desk.current is None


def test_the_desk_fits_a_1280_by_800_screen(
    make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk("fatma")
    work = serving(window, queue, hall)
    for index in range(work.tabs.count()):
        work.tabs.setCurrentIndex(index)
        smallest = window.minimumSizeHint()
        assert smallest.width() <= 1280 and smallest.height() <= 800, (work.tabs.tabText(index), smallest)


def test_the_finish_and_transfer_panels_fit_the_1280_by_800_desk_too(
    make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk("fatma")
    serving(window, queue, hall)
    desk = parts(window)[0]
    for action, panel in ((Action.FINISH, desk.finish_panel), (Action.TRANSFER, desk.transfer_panel)):
        desk.trigger(action)
        assert panel.isVisible()
        smallest = window.minimumSizeHint()
        assert smallest.width() <= 1280 and smallest.height() <= 800, (action, smallest)
        panel.cancel_button.click()
        assert desk.queue_panel.isVisible()  # the counts come back


def test_every_kcc_control_has_an_accessible_name(
    make_kcc_desk: Callable[..., BalieWindow], queue: QueueService, hall: SeedIds
) -> None:
    window = make_kcc_desk("fatma")
    work = serving(window, queue, hall)
    for index in range(work.tabs.count()):
        work.tabs.setCurrentIndex(index)
        missing = [describe(w) for w in unlabeled_focusable(window)]
        assert missing == [], f"unlabelled: {missing}"
    work.contact_panel.subject.set_subject("Bezwaar")
    work.contact_panel.vraag_edit.setPlainText("vraag")
    work.forward()
    assert work.dialog is not None
    missing = [describe(w) for w in unlabeled_focusable(work.dialog)]
    assert missing == [], f"unlabelled in the forward dialog: {missing}"
