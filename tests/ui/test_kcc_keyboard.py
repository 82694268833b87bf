"""A simple informatievraag with the keyboard only, as a clerk does it with a citizen waiting.

Real key events on the active window: type "pasp", Enter picks Paspoort, Tab, the question,
Tab, the answer, Ctrl+S. Then Ctrl+N for a second question, F7 and 1 to finish.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.balie.window import BalieWindow
from app.balie.workspace import KccServices
from app.core.clock import FakeClock
from app.core.kcc.contact import ContactResultaat
from app.core.queue.service import QueueService
from app.store.seed import SeedIds
from tests.ui.kcc_setup import ACCOUNTS, parts

PASPOORT_URI = "http://standaarden.overheid.nl/owms/terms/paspoort"


class Keyboard:
    """Keys go where the focus is, as on a real desk; counts the keys that are not free text."""

    def __init__(self, qtbot: QtBot, window: BalieWindow) -> None:
        self._qtbot = qtbot
        self._window = window
        self.keys = 0

    def _focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str, *, counted: bool = False) -> None:
        self._qtbot.keyClicks(self._focus(), text)
        self.keys += len(text) if counted else 0

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self._qtbot.keyClick(self._focus(), key, modifier)
        self.keys += 1

    def function_key(self, key: Qt.Key) -> None:
        # A shortcut "animates" its button: the click lands after a short while; callers wait.
        handle = self._window.windowHandle()
        assert handle is not None
        self._qtbot.keyClick(handle, key)
        self.keys += 1


def test_informatievraag_with_the_keyboard_only(
    qtbot: QtBot,
    make_kcc_desk: Callable[..., BalieWindow],
    queue: QueueService,
    hall: SeedIds,
    kcc: KccServices,
    clock: FakeClock,
) -> None:
    window = make_kcc_desk("anna", sign_in=False)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    keyboard = Keyboard(qtbot, window)

    # Sign in: the user name is filled in already; type the password, Enter.
    window.sign_in_screen.password_edit.setFocus()
    keyboard.type(ACCOUNTS["anna"][2])
    keyboard.press(Qt.Key.Key_Return)
    desk, work = parts(window)
    queue.issue_ticket(hall.service_ids["REISDOC"])
    desk.refresh()
    keyboard.function_key(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: desk.number_label.text() == "A001", timeout=5000)
    keyboard.function_key(Qt.Key.Key_F4)
    contact = work.contact_panel
    qtbot.waitUntil(lambda: contact.draft is not None, timeout=5000)
    assert contact.subject.edit.hasFocus()  # the contact is ready for typing

    keyboard.keys = 0
    keyboard.type("pasp", counted=True)
    keyboard.press(Qt.Key.Key_Return)
    assert contact.subject.text() == "Paspoort aanvragen"
    keyboard.press(Qt.Key.Key_Tab)
    assert contact.vraag_edit.hasFocus()
    keyboard.type("Wat kost een paspoort?")
    keyboard.press(Qt.Key.Key_Tab)
    assert contact.antwoord_edit.hasFocus()
    keyboard.type("86,85 euro voor 18 jaar en ouder.")
    keyboard.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert contact.error_area.isHidden(), contact.error_area.text()
    # Besides the two sentences: p-a-s-p, Enter, Tab, Tab, Ctrl+S. Nothing with the mouse.
    assert keyboard.keys == 8

    anna = kcc.sign_in.sign_in("anna", ACCOUNTS["anna"][2])
    window_of_today = (clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1))
    [saved] = kcc.contacts.contacts_between(anna, *window_of_today)
    assert saved.onderwerp.product_uri == PASPOORT_URI and saved.onderwerp.product_naam == "Paspoort aanvragen"
    assert saved.vraag == "Wat kost een paspoort?" and saved.antwoord == "86,85 euro voor 18 jaar en ouder."
    assert saved.resultaat is ContactResultaat.AFGEHANDELD and saved.kanaal == "balie" and saved.taal == "nld"

    # Ctrl+N: a second question in the same conversation; Enter on the last field saves it.
    keyboard.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert contact.draft is not None and contact.draft.gesprek_id == saved.gesprek_id
    assert contact.subject.edit.hasFocus() and contact.vraag_edit.toPlainText() == ""
    keyboard.type("Openingstijden")
    keyboard.press(Qt.Key.Key_Tab)
    keyboard.type("Is het stadhuis morgen open?")
    keyboard.press(Qt.Key.Key_Tab)
    keyboard.type("Nee, morgen is het Koningsdag.")
    keyboard.press(Qt.Key.Key_Tab)
    assert contact.resultaat_combo.hasFocus()
    keyboard.press(Qt.Key.Key_Return)
    both = kcc.contacts.contacts_between(anna, *window_of_today)
    assert [c.onderwerp.omschrijving for c in both] == ["Paspoort aanvragen", "Openingstijden"]

    # F7, then 1: afgehandeld.
    keyboard.function_key(Qt.Key.Key_F7)
    qtbot.waitUntil(desk.finish_panel.isVisible, timeout=5000)
    keyboard.function_key(Qt.Key.Key_1)
    qtbot.waitUntil(lambda: desk.current is None, timeout=5000)
