"""The whole KCC desk flow through the screens, on the real store (SQLite) and real services.

Sign in → call a ticket → start → look up a BRP test person → search the knowledge base →
register the answer → forward a second question with a deadline → finish → the forwarded list
shows it, overdue later, and a teamleider records the department's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from app.balie.actions import Action
from app.balie.window import BalieWindow
from app.balie.workspace import KccServices
from app.core.clock import FakeClock
from app.core.kcc.contact import ContactResultaat, TaakStatus
from app.core.queue.model import Outcome
from app.core.queue.service import QueueService
from app.store.audit_repository import SqlAuditLog
from app.store.database import Database
from app.store.seed import SeedIds
from tests.ui.kcc_setup import ACCOUNTS, brp_row, parts

PASPOORT_URI = "http://standaarden.overheid.nl/owms/terms/paspoort"
#: in the RvIG test set with "PN:NX55HFF06:2017-06-29:2027-06-29" (passport valid to 29 June 2027)
VANESSA = "999993781"


def test_whole_desk_flow(
    qtbot: QtBot,
    make_kcc_desk: Callable[..., BalieWindow],
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    kcc: KccServices,
    database: Database,
) -> None:
    # Sign in with user name and password.
    window = make_kcc_desk("anna", sign_in=False)
    screen = window.sign_in_screen
    assert screen.staff_edit.text() == "anna"
    qtbot.keyClicks(screen.password_edit, ACCOUNTS["anna"][2])
    screen.sign_in_button.click()
    desk, work = parts(window)
    assert "Anna de Vries" in desk.title.text()
    assert screen.password_edit.text() == ""  # not kept in the widget

    # A visitor takes a ticket; the clerk calls and starts: a klantcontact opens for the ticket.
    issued = queue.issue_ticket(hall.service_ids["REISDOC"])
    qtbot.waitUntil(lambda: desk.buttons[Action.NEXT].isEnabled(), timeout=5000)
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.START].click()
    contact = work.contact_panel
    assert contact.draft is not None and contact.draft.ticket_id == issued.ticket.id
    assert contact.draft.kanaal == "balie" and contact.draft.gestart_op == clock.now()
    assert contact.header.text() == "Klantcontact – Bezoeker A001 · vraag 1 · gestart 10:00"
    assert work.tabs.currentWidget() is contact

    # Look up the citizen in the BRP (RvIG test person), with a reason.
    person = work.person_panel
    work.show_tab(person)
    expected = brp_row(VANESSA)
    qtbot.keyClicks(person.bsn_edit, VANESSA)
    assert person.bsn_error.text() == ""
    qtbot.keyClicks(person.reason_edit, "Vraag over paspoort")
    person.search_button.click()
    assert person.name_label.text() == expected.name == "Vanessa Groeman"
    assert "Paspoort: geldig tot 29 juni 2027" in person.documents_label.text()
    # 26 April → 29 June 2027 is two whole months and three days.
    assert person.hint_texts() == ["Uw paspoort verloopt over 2 maanden."]
    assert person.flag_texts() == []
    person.link_button.click()
    assert work.tabs.currentWidget() is contact
    assert contact.citizen_label.text() == "Vanessa Groeman"
    audit = SqlAuditLog(database.writer, database.reader).entries_between(
        clock.now() - timedelta(minutes=1), clock.now() + timedelta(minutes=1)
    )
    assert [(e.username, e.subject, e.reason, e.outcome.value) for e in audit] == [
        ("anna", VANESSA, "Vraag over paspoort", "found")
    ]

    # Search the knowledge base: the article with today's leges (resources/seed/leges-voorbeelden.csv).
    knowledge = work.knowledge_panel
    work.show_tab(knowledge)
    qtbot.keyClicks(knowledge.search_edit, "paspoort")
    qtbot.waitUntil(lambda: "Paspoort aanvragen" in knowledge.hit_names(), timeout=5000)
    knowledge.hits.setCurrentRow(knowledge.hit_names().index("Paspoort aanvragen"))
    assert knowledge.title.text() == "Paspoort aanvragen"
    leges = knowledge.facts["leges"][1].text()
    assert "€ 86,85" in leges and "€ 65,70" in leges  # valid from 2025, no end date
    assert "€ 83,87" not in leges  # the 2024 fee ended on 31 December 2024
    assert knowledge.facts["levertijd"][1].text().startswith("5 werkdagen")
    knowledge.use_button.click()

    # Register the answer.
    assert work.tabs.currentWidget() is contact
    assert contact.subject.text() == "Paspoort aanvragen"
    assert contact.article_label.text() == "Paspoort aanvragen"
    qtbot.keyClicks(contact.vraag_edit, "Hoe lang duurt een nieuw paspoort?")
    qtbot.keyClicks(contact.antwoord_edit, "Vijf werkdagen; met spoed de volgende werkdag.")
    contact.save_button.click()
    assert contact.error_area.isHidden(), contact.error_area.text()
    assert contact.status_label.text().startswith("Opgeslagen om 10:00")
    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    day = (clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1))
    [first] = kcc.contacts.contacts_between(anna, *day)
    assert first.onderwerp.product_uri == PASPOORT_URI == first.kennisartikel_uri
    assert first.bsn == VANESSA and first.ticket_id == issued.ticket.id
    assert first.resultaat is ContactResultaat.AFGEHANDELD and first.antwoord.startswith("Vijf werkdagen")

    # A second question in the same conversation, forwarded to the back office.
    contact.new_button.click()
    assert contact.draft is not None and contact.draft.gesprek_id == first.gesprek_id
    assert contact.draft.id != first.id and contact.draft.bsn == VANESSA
    assert "vraag 2" in contact.header.text()
    qtbot.keyClicks(contact.subject.edit, "Bezwaar tegen de WOZ-beschikking")
    contact.subject.set_subject(contact.subject.text())  # free text: close any suggestions
    qtbot.keyClicks(contact.vraag_edit, "Mijn WOZ-waarde is te hoog, wat kan ik doen?")
    contact.forward_button.click()
    dialog = work.dialog
    assert dialog is not None and dialog.isVisible()
    # Free text, so the default norm of 10 working days, counted from Monday 26 April 2027:
    # 27 Apr Koningsdag; 28, 29, 30 Apr, 3, 4 May (5); 5 May Bevrijdingsdag, 6 May Hemelvaart,
    # 7 May Friday after Hemelvaart; 10, 11, 12, 13, 14 May (10) → Friday 14 May 2027.
    assert dialog.deadline_label.text() == "De afdeling handelt dit af uiterlijk vr 14 mei 2027."
    targets = [dialog.target_combo.itemText(i) for i in range(dialog.target_combo.count())]
    assert targets == [
        "Burgerzaken backoffice (afdeling)",
        "Vergunningen (afdeling)",
        "Belastingen (afdeling)",
        "Wmo-loket (groep)",
    ]
    dialog.target_combo.setCurrentIndex(2)
    qtbot.keyClicks(dialog.action_edit, "Inwoner terugbellen over bezwaar WOZ")
    qtbot.keyClicks(dialog.note_edit, "Heeft taxatieverslag al opgevraagd")
    qtbot.keyClicks(dialog.reach_edit, "06-12345678")
    dialog.confirm_button.click()
    assert work.dialog is None and not dialog.isVisible()
    assert contact.resultaat_combo.currentText() == "Doorgezet naar backoffice"
    assert contact.status_label.text() == "Doorgezet naar Belastingen, uiterlijk vr 14 mei"

    # Finish: the desk offers "doorgestuurd" first; nothing typed is lost.
    desk.buttons[Action.FINISH].click()
    assert desk.suggested_outcome is Outcome.FORWARDED
    desk.finish_panel.outcome_buttons[Outcome.FORWARDED].click()
    assert desk.current is None
    assert not person.card.isVisible() and person.bsn_edit.text() == ""  # the citizen left the screen too
    contacts = kcc.contacts.contacts_between(anna, *day)
    assert len(contacts) == 2 and {c.gesprek_id for c in contacts} == {first.gesprek_id}

    # The forwarded list shows it, with working days left; overdue later, in red.
    forwarded = work.forwarded_screen
    work.show_tab(forwarded)
    assert [forwarded.cell(0, c) for c in range(4)] == [
        "Bezwaar tegen de WOZ-beschikking",
        "Belastingen",
        "vr 14 mei",
        "te verwerken\nnog 10 werkdagen",
    ]
    clock.set(datetime(2027, 5, 18, 8, 0, tzinfo=UTC))  # Tuesday after Pinksteren
    forwarded.refresh_button.click()
    assert forwarded.cell(0, 3) == "te laat"
    item = forwarded.table.item(0, 3)
    assert item is not None and item.foreground().color() == QColor("#A3001B")
    assert forwarded.summary.text() == "1 vragen, 1 nog te verwerken, 1 te laat"
    assert not forwarded.answer_button.isVisible()  # a baliemedewerker does not record answers

    # A teamleider records the department's answer; it goes back on the contact.
    lead = make_kcc_desk("fatma", "Balie 2")
    _lead_desk, lead_work = parts(lead)
    lead_list = lead_work.forwarded_screen
    lead_work.show_tab(lead_list)
    lead_list.all_check.setChecked(True)
    assert lead_list.cell(0, 0) == "Bezwaar tegen de WOZ-beschikking"
    lead_list.table.selectRow(0)
    qtbot.keyClicks(lead_list.answer_edit, "Bezwaar ontvangen, taxateur belt inwoner")
    lead_list.answer_button.click()
    assert lead_list.error_area.isHidden(), lead_list.error_area.text()
    forwarded.refresh_button.click()
    assert forwarded.cell(0, 3) == "verwerkt"
    assert forwarded.cell(0, 4) == "Bezwaar ontvangen, taxateur belt inwoner"
    [row] = kcc.contacts.forwarded_by_me(anna)
    assert row.task.status is TaakStatus.VERWERKT
    back = kcc.contacts.get(anna, row.task.klantcontact_id)
    assert back.terugkoppeling == "Bezwaar ontvangen, taxateur belt inwoner"
