"""Screenshots of the KCC desk for review (not a test): real screens on a throw-away SQLite store.

QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.kcc_screenshots /tmp/shots
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.balie.actions import Action
from app.balie.window import BalieWindow
from app.balie.workspace import KccServices, KccWorkspace
from app.bootstrap import application
from app.core.clock import FakeClock
from app.core.events import EventBus
from app.core.kcc.contact import ContactResultaat, Onderwerp
from app.core.queue.model import Outcome
from app.core.queue.service import QueueService
from app.store.database import Database
from app.store.seed import SeedIds, seed_demo
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner
from tests.ui.kcc_setup import ACCOUNTS, MONDAY_BEFORE_KONINGSDAG, build_kcc

VANESSA = "999993781"


def save(widget: QWidget, path: Path, overlay: QWidget | None = None) -> None:
    for _ in range(5):  # layout requests travel up one parent per round
        QApplication.processEvents()
    picture = widget.grab()
    if overlay is not None:
        # The dialog is its own window: draw it over the dimmed desk, centred, as the clerk sees it.
        painter = QPainter(picture)
        painter.fillRect(picture.rect(), QColor(0, 0, 0, 90))
        front: QPixmap = overlay.grab()
        painter.drawPixmap(
            QPoint((picture.width() - front.width()) // 2, (picture.height() - front.height()) // 2), front
        )
        painter.end()
    picture.save(str(path))
    print(f"{path} {picture.width()}x{picture.height()}")


def earlier_forwards(kcc: KccServices, clock: FakeClock) -> None:
    """Questions forwarded on earlier days: one answered, one overdue (Monday 26 April)."""
    fatma = kcc.sign_in.sign_in("fatma", ACCOUNTS["fatma"][2])
    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    contacts = kcc.contacts
    for subject, target, handled in (
        ("Verhuizing doorgeven", kcc.forward_targets[0], True),
        ("Kapvergunning voor een boom in de tuin", kcc.forward_targets[1], False),
    ):
        draft = contacts.new_contact(anna, "telefoon")
        uri = "http://standaarden.overheid.nl/owms/terms/verhuismelding" if handled else None
        onderwerp = Onderwerp(product_uri=uri, product_naam=subject) if uri else Onderwerp(vrije_tekst=subject)
        saved = contacts.save(anna, replace(draft, onderwerp=onderwerp, resultaat=ContactResultaat.AFGEHANDELD))
        task = contacts.forward(anna, saved.id, target, "Inwoner terugbellen", "", "telefoon: 06-12345678")
        if handled:
            contacts.record_answer(fatma, task.id, "Adres is verwerkt; brief is verstuurd.")


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    application()
    folder = Path(tempfile.mkdtemp(prefix="kcc-shots-"))
    database = Database.open(f"sqlite:///{folder / 'loket.db'}")
    database.upgrade()
    hall: SeedIds = seed_demo(database)
    clock = FakeClock(MONDAY_BEFORE_KONINGSDAG)
    kcc = build_kcc(database, clock)
    earlier_forwards(kcc, clock)
    clock.set(datetime(2027, 5, 11, 8, 5, tzinfo=UTC))  # Tuesday 11 May 2027, 10:05
    queue = QueueService(database.queue_store(), clock, None)
    runner = SyncTaskRunner()
    bridge = EventBridge(EventBus())
    window = BalieWindow(
        queue, clock, hall.location_id, runner, bridge, desk_id=hall.desk_ids["Balie 1"], staff="anna", kcc=kcc
    )
    window.resize(1280, 800)
    window.show()
    minimum = window.minimumSizeHint()
    print(f"smallest window: {minimum.width()}x{minimum.height()}")
    window.sign_in_screen.password_edit.setText(ACCOUNTS["anna"][2])
    save(window, out / "kcc_sign_in.png")

    window.sign_in_screen.sign_in_button.click()
    desk, work = window.desk_screen, window.workspace
    assert desk is not None and isinstance(work, KccWorkspace)
    for service in ("REISDOC", "REISDOC", "RIJBEWIJS", "BURGERZAKEN"):
        queue.issue_ticket(hall.service_ids[service])
    clock.advance(9 * 60)
    desk.refresh()
    desk.buttons[Action.NEXT].click()
    desk.buttons[Action.START].click()

    person = work.person_panel
    work.show_tab(person)
    person.bsn_edit.setText(VANESSA)
    person.reason_edit.setText("Vraag over paspoort")
    person.search_button.click()
    save(window, out / "kcc_person.png")
    person.link_button.click()

    knowledge = work.knowledge_panel
    work.show_tab(knowledge)
    knowledge.search("paspoort")
    knowledge.hits.setCurrentRow(knowledge.hit_names().index("Paspoort aanvragen"))
    save(window, out / "kcc_knowledge.png")
    knowledge.use_button.click()

    contact = work.contact_panel
    contact.vraag_edit.setPlainText("Mijn paspoort verloopt over twee maanden. Hoe lang duurt een nieuw paspoort?")
    contact.antwoord_edit.setPlainText(
        "Vijf werkdagen na de aanvraag. Maak een afspraak; neem een pasfoto en het oude paspoort mee."
    )
    contact.save()
    save(window, out / "kcc_desk_contact.png")

    contact.new_question()
    QTest.keyClicks(contact.subject.edit, "verhuiz")
    contact.subject._search()
    save(window, out / "kcc_typeahead.png")
    contact.subject.set_subject("Bezwaar tegen de WOZ-beschikking")
    contact.vraag_edit.setPlainText("Mijn WOZ-waarde is te hoog, wat kan ik doen?")
    work.forward()
    dialog = work.dialog
    assert dialog is not None
    dialog.target_combo.setCurrentIndex(2)
    dialog.action_edit.setText("Inwoner terugbellen over bezwaar WOZ")
    dialog.note_edit.setPlainText("Heeft het taxatieverslag al opgevraagd.")
    dialog.reach_edit.setText("06-12345678")
    dialog.resize(760, dialog.sizeHint().height())
    save(window, out / "kcc_forward_dialog.png", overlay=dialog)
    dialog.confirm_button.click()

    clock.set(datetime(2027, 5, 18, 7, 45, tzinfo=UTC))  # a week later: the Kapvergunning is overdue
    work.show_tab(work.forwarded_screen)
    save(window, out / "kcc_forwarded.png")

    work.show_tab(contact)
    window.resize(1920, 1080)
    save(window, out / "kcc_desk_1920.png")
    window.resize(1280, 800)

    # A phone call is being typed when the host closes the desk from the floor.
    desk.buttons[Action.FINISH].click()
    desk.finish_panel.outcome_buttons[Outcome.FORWARDED].click()
    contact.new_question()
    contact.subject.set_subject("Rijbewijs verlengen")
    contact.vraag_edit.setPlainText("Mag ik met een verlopen rijbewijs nog rijden?")
    queue.close_desk(hall.desk_ids["Balie 1"])
    desk.refresh()
    save(window, out / "w4_closed_elsewhere.png")
    work.closed_bar.discard_button.click()
    window.close()

    editor_window(kcc, queue, clock, hall, runner, bridge, out)
    database.dispose()
    return 0


def editor_window(
    kcc: KccServices,
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    runner: SyncTaskRunner,
    bridge: EventBridge,
    out: Path,
) -> None:
    """The redacteur at a balie PC: the kennisbank and 'Artikel bewerken' over it."""
    window = BalieWindow(queue, clock, hall.location_id, runner, bridge, staff="pieter", kcc=kcc)
    window.resize(1280, 800)
    window.show()
    window.sign_in_screen.password_edit.setText(ACCOUNTS["pieter"][2])
    window.sign_in_screen.sign_in_button.click()
    screen = window.editor_screen
    assert screen is not None
    panel = screen.knowledge_panel
    panel.search("paspoort")
    panel.hits.setCurrentRow(panel.hit_names().index("Paspoort aanvragen"))
    panel.edit_button.click()
    editor = panel.editor
    assert editor is not None
    editor.keywords_edit.setText(editor.keywords_edit.text() + ", " + "x" * 101)
    editor.save_button.click()  # a refused field: the message under it
    editor.resize(860, editor.sizeHint().height())
    save(window, out / "w4_editor.png", overlay=editor)
    editor.reject()
    window.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/shots")))
