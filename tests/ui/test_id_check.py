"""The privacy notice and the demo's specimen ID card on the kiosk: read through the in-process
chip (access control, passive authentication), shown with the notice, wiped on the way back."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.identity.errors import AuthenticationFailed
from app.core.identity.reading import IdentityReading
from app.core.queue.service import QueueService
from app.hardware.idcard.specimen_card import SpecimenCard, SpecimenVariant
from app.kiosk.window import KioskWindow
from app.store.seed import SeedIds
from app.ui.accessibility import describe, unlabeled_focusable
from app.ui.bridge import EventBridge
from app.ui.privacy_notice import BODY, PrivacyNotice
from app.ui.tasks import SyncTaskRunner

SHOTS = Path(os.environ.get("LOKET_SHOTS", "/tmp/id_shots"))


def _shot(widget: QWidget, name: str) -> None:
    """Saves what the widget looks like, for a person to look at (best effort, never fails a test)."""
    QApplication.processEvents()  # let the layouts settle, as the event loop would before painting
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / f"{name}.png"))
    except OSError:
        pass


@pytest.fixture
def make_id_kiosk(
    keep: list[QWidget], qtbot: QtBot, queue: QueueService, hall: SeedIds, runner: SyncTaskRunner, bridge: EventBridge
) -> Callable[[Callable[[], IdentityReading]], KioskWindow]:
    def make(read: Callable[[], IdentityReading]) -> KioskWindow:
        window = KioskWindow(queue, hall.location_id, runner, bridge, read_specimen_card=read)
        qtbot.addWidget(window)
        keep.append(window)
        window.resize(1080, 1920)
        window.show()
        return window

    return make


def test_the_privacy_notice_says_what_is_read_and_why(qtbot: QtBot) -> None:
    notice = PrivacyNotice()
    qtbot.addWidget(notice)
    notice.resize(700, 300)
    notice.show()
    assert "naam, geboortedatum, documentnummer en de geldigheid" in notice.body.text()
    assert "pasfoto lezen we alleen als de medewerker dat vraagt" in notice.body.text()
    assert "We bewaren niets op deze computer." in notice.body.text()
    assert notice.accessibleName() == "Privacy: Wat lezen we van uw document?"
    assert notice.accessibleDescription() == BODY
    assert not unlabeled_focusable(notice)
    _shot(notice, "privacy_notice")


def test_the_specimen_card_reads_as_genuine_and_is_wiped_on_klaar(
    make_id_kiosk: Callable[[Callable[[], IdentityReading]], KioskWindow],
) -> None:
    card = SpecimenCard()
    calls: list[bool] = []

    def read() -> IdentityReading:
        calls.append(True)
        return card.read()

    kiosk = make_id_kiosk(read)
    assert kiosk.specimen_button.isVisible()
    kiosk.specimen_button.click()
    screen = kiosk.id_check_screen
    assert kiosk.stack.currentWidget() is screen and calls == [True]
    assert screen.name.text() == "Willeke Liselotte De Bruijn"
    assert screen.verdict.text() == "Echt document"
    assert screen.privacy.isVisible() and not kiosk.specimen_button.isVisible()
    assert kiosk.return_timer.isActive()  # left alone, it goes back (and wipes) by itself
    bad = unlabeled_focusable(kiosk)
    assert not bad, [describe(widget) for widget in bad]
    _shot(kiosk, "kiosk_specimen_genuine")

    screen.done_button.click()
    assert kiosk.stack.currentWidget() is kiosk.start_screen
    assert not screen.holds_personal_data
    assert all(not label.text() for label in (screen.name, screen.verdict, screen.explanation))
    assert kiosk.specimen_button.isVisible()


@pytest.mark.parametrize(
    ("variant", "headline"),
    [(SpecimenVariant.UNKNOWN_ISSUER, "Niet te controleren"), (SpecimenVariant.FORGED, "Vervalst")],
)
def test_an_unproven_card_says_so_and_sends_the_citizen_to_staff(
    make_id_kiosk: Callable[[Callable[[], IdentityReading]], KioskWindow], variant: SpecimenVariant, headline: str
) -> None:
    kiosk = make_id_kiosk(SpecimenCard(variant=variant).read)
    kiosk.specimen_button.click()
    screen = kiosk.id_check_screen
    assert screen.verdict.text() == headline
    assert "medewerker" in screen.explanation.text()
    _shot(kiosk, f"kiosk_specimen_{variant.value}")
    kiosk.return_timer.timeout.emit()  # inactivity: back to the start, personal data gone
    assert kiosk.stack.currentWidget() is kiosk.start_screen
    assert not screen.holds_personal_data


def test_a_card_that_cannot_be_read_shows_a_calm_message(
    make_id_kiosk: Callable[[Callable[[], IdentityReading]], KioskWindow],
) -> None:
    def fail() -> IdentityReading:
        raise AuthenticationFailed("De chip kon niet worden geopend. Probeer het opnieuw.")

    kiosk = make_id_kiosk(fail)
    kiosk.specimen_button.click()
    screen = kiosk.id_check_screen
    assert screen.error_text.isVisible() and "niet worden geopend" in screen.error_text.text()
    assert not screen.name.text()
    screen.done_button.click()
    assert not screen.error_text.isVisible()


def test_without_a_specimen_card_the_kiosk_has_no_demo_button(make_kiosk: Callable[[], KioskWindow]) -> None:
    assert not make_kiosk().specimen_button.isVisible()


def test_the_demo_kiosk_offers_the_specimen_card(tmp_path: Path, qtbot: QtBot) -> None:
    from app import bootstrap
    from tests.ui.conftest import CountingChime

    runtime = bootstrap.build_demo(tmp_path / "data", runner=SyncTaskRunner(), chime=CountingChime())
    try:
        kiosk = runtime.windows[0]
        assert isinstance(kiosk, KioskWindow)
        kiosk.show()
        kiosk.specimen_button.click()
        assert kiosk.id_check_screen.verdict.text() == "Echt document"
        kiosk.id_check_screen.done_button.click()
        assert not kiosk.id_check_screen.holds_personal_data
    finally:
        runtime.close()
        for window in runtime.windows:
            window.deleteLater()
