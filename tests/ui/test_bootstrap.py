"""The composition root: the demo builds a working hall; run_mode refuses bad settings clearly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import bootstrap
from app.balie.actions import Action
from app.balie.window import BalieWindow
from app.core.errors import ConfigError, DatabaseUnavailable
from app.display.call_screen import CallScreen
from app.kiosk.window import KioskWindow
from app.store.database import Database
from app.store.staff_seed import DEMO_STAFF
from app.ui.accessibility import unlabeled_focusable
from app.ui.tasks import SyncTaskRunner
from tests.ui.conftest import CountingChime


@pytest.fixture
def demo(tmp_path: Path, qapp: QApplication) -> Iterator[tuple[bootstrap.Runtime, CountingChime]]:
    chime = CountingChime()
    runtime = bootstrap.build_demo(tmp_path / "data", runner=SyncTaskRunner(), chime=chime)
    yield runtime, chime
    runtime.close()
    for window in runtime.windows:
        window.deleteLater()


def test_demo_shows_the_whole_flow(qtbot: QtBot, demo: tuple[bootstrap.Runtime, CountingChime]) -> None:
    runtime, chime = demo
    kiosk, balie_1, balie_2, display = runtime.windows
    assert isinstance(kiosk, KioskWindow) and isinstance(display, CallScreen)
    assert isinstance(balie_1, BalieWindow) and isinstance(balie_2, BalieWindow)
    for window in runtime.windows:
        window.show()
        assert unlabeled_focusable(window) == []

    # The two desks come pre-filled with Balie 1 / balie1 and Balie 2 / balie2: type the password.
    assert balie_2.sign_in_screen.staff_edit.text() == "balie2"
    qtbot.keyClicks(balie_2.sign_in_screen.password_edit, DEMO_STAFF["balie2"][2])
    balie_2.sign_in_screen.sign_in_button.click()
    assert balie_2.desk_screen is not None and "Balie 2" in balie_2.desk_screen.title.text()
    assert "Mohamed El Amrani" in balie_2.desk_screen.title.text()
    assert balie_2.workspace is not None  # the KCC workspace beside the queue

    snapshot = runtime.queue.snapshot(runtime.location_id)
    rijbewijs = next(s.service.id for s in snapshot.services if s.service.name_nl == "Rijbewijs")
    kiosk.start_screen.button_for(rijbewijs).click()
    assert kiosk.ticket_screen.number.text() == "B001"
    # The demo prints through the ESC/POS simulator: a real ticket, as a PNG in the data folder.
    assert runtime.simulator is not None and runtime.simulator.wait_for_pages(1)
    assert runtime.simulator.out_dir is not None and len(list(runtime.simulator.out_dir.glob("*.png"))) == 1
    assert kiosk.ticket_screen.print_note.isHidden()
    paper = runtime.paper
    assert paper is not None
    qtbot.waitUntil(lambda: paper.pages == 1, timeout=5000)  # the demo's printer window shows it
    assert not paper.paper.pixmap().isNull()

    desk = balie_2.desk_screen
    qtbot.waitUntil(lambda: desk.buttons[Action.NEXT].isEnabled(), timeout=5000)
    desk.buttons[Action.NEXT].click()
    qtbot.waitUntil(lambda: display.newest_text() == "B001 → Balie 2", timeout=5000)
    assert chime.count == 1


def test_demo_seeds_only_once(tmp_path: Path, qapp: QApplication) -> None:
    for _ in range(2):
        runtime = bootstrap.build_demo(tmp_path, runner=SyncTaskRunner(), chime=CountingChime())
        desks = runtime.queue.snapshot(runtime.location_id).desks
        runtime.close()
        for window in runtime.windows:
            window.deleteLater()
        assert [d.name for d in desks] == ["Balie 1", "Balie 2", "Balie 3", "Balie 4"]


def test_run_mode_refuses_a_mode_it_cannot_run_yet(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="host"):
        bootstrap.run_mode("host", f"sqlite:///{tmp_path / 'x.db'}", "Stadhuis")


def test_run_mode_names_the_known_locations(tmp_path: Path, qapp: QApplication) -> None:
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    database = Database.open(url)
    database.upgrade()
    from app.store.seed import seed_demo

    seed_demo(database)
    database.dispose()
    with pytest.raises(ConfigError, match="Stadhuis"):
        bootstrap.run_mode("display", url, "Gemeentewinkel")
    with pytest.raises(ConfigError, match="Balie 9"):
        bootstrap.run_mode("balie", url, "Stadhuis", "Balie 9")


def test_a_mode_paints_its_shell_first_then_shows_its_screen(tmp_path: Path, qapp: QApplication) -> None:
    url = f"sqlite:///{tmp_path / 'hal.db'}"
    database = Database.open(url)
    database.upgrade()
    from app.store.seed import seed_demo

    seed_demo(database)
    database.dispose()
    shell, runtime = bootstrap.launch_mode("kiosk", url, "Stadhuis", data_dir=tmp_path, full_screen=False)
    try:
        assert shell.painted, "the shell was on screen before the store was built"
        assert isinstance(shell.content, KioskWindow)
        assert not unlabeled_focusable(shell)
    finally:
        runtime.close()
        shell.close()
        shell.deleteLater()


def test_a_failed_start_closes_the_shell_and_says_why(tmp_path: Path, qapp: QApplication) -> None:
    # A database nobody has set up yet: the shell closes and the message says what to do.
    with pytest.raises(DatabaseUnavailable, match="loket db upgrade"):
        bootstrap.launch_mode("display", f"sqlite:///{tmp_path / 'leeg.db'}", "Stadhuis", full_screen=False)
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets() if w.windowTitle().startswith("Loket"))


def _hall_with_staff(tmp_path: Path) -> str:
    from app.store.seed import seed_demo
    from app.store.staff_seed import seed_demo_staff

    url = f"sqlite:///{tmp_path / 'balie.db'}"
    database = Database.open(url)
    database.upgrade()
    seed_demo(database)
    seed_demo_staff(database)
    database.dispose()
    return url


def test_a_balie_looks_persons_up_in_the_configured_brp_api(tmp_path: Path, qtbot: QtBot, qapp: QApplication) -> None:
    from types import SimpleNamespace

    from app.core.kcc.brp_local import load_persons
    from app.core.kcc.persons import LocalPersonRegistry
    from app.integrations.brp_standin import BrpStandIn

    url = _hall_with_staff(tmp_path)
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "brp-testpersonen-samenvatting.csv"
    registry = LocalPersonRegistry(load_persons(fixture.read_text(encoding="utf-8")))
    key_file = tmp_path / "brp-sleutel.txt"
    key_file.write_text("sleutel-van-de-test\n", encoding="utf-8")
    with BrpStandIn(registry, api_key="sleutel-van-de-test") as brp:
        settings = SimpleNamespace(url=brp.url, api_key_file=str(key_file), timeout_seconds=5, ca_file="")
        runtime = bootstrap.build_mode("balie", url, "Stadhuis", "Balie 1", data_dir=tmp_path, brp=settings)
        window = runtime.windows[0]
        try:
            assert isinstance(window, BalieWindow)
            window.show()
            qtbot.waitUntil(lambda: window.sign_in_screen.selected_desk_id() is not None, timeout=10000)
            window.sign_in_screen.staff_edit.setText("balie1")
            window.sign_in_screen.password_edit.setText(DEMO_STAFF["balie1"][2])
            window.sign_in_screen.sign_in_button.click()
            qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
            assert window.workspace is not None
            person = window.workspace.person_panel
            person.bsn_edit.setText("999993653")  # Lg01_716 in the RvIG test set: Suzanne Moulin
            person.reason_edit.setText("adrescontrole")
            person.search_button.click()
            qtbot.waitUntil(lambda: person.name_label.text() == "Suzanne Moulin", timeout=10000)
            assert person.address_label.text() == "Boterdiep 31, 3077AW Rotterdam"
            assert [r["type"] for r in brp.requests] == ["RaadpleegMetBurgerservicenummer"]
        finally:
            runtime.close()
            window.deleteLater()


def test_a_balie_without_brp_says_so_and_an_unreadable_key_file_is_a_config_error(
    tmp_path: Path, qtbot: QtBot, qapp: QApplication
) -> None:
    from types import SimpleNamespace

    url = _hall_with_staff(tmp_path)
    missing = SimpleNamespace(url="http://127.0.0.1:9", api_key_file=str(tmp_path / "bestaat-niet.txt"))
    with pytest.raises(ConfigError, match=r"brp\.api_key_file"):
        bootstrap.build_mode("balie", url, "Stadhuis", data_dir=tmp_path, brp=missing)
    runtime = bootstrap.build_mode("balie", url, "Stadhuis", "Balie 1", data_dir=tmp_path)
    window = runtime.windows[0]
    try:
        assert isinstance(window, BalieWindow)
        window.show()
        qtbot.waitUntil(lambda: window.sign_in_screen.selected_desk_id() is not None, timeout=10000)
        window.sign_in_screen.password_edit.setText(DEMO_STAFF["balie1"][2])
        window.sign_in_screen.staff_edit.setText("balie1")
        window.sign_in_screen.sign_in_button.click()
        qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
        assert window.workspace is not None
        person = window.workspace.person_panel
        person.bsn_edit.setText("999993653")
        person.reason_edit.setText("adrescontrole")
        person.search_button.click()
        qtbot.waitUntil(lambda: person.error_area.text() != "", timeout=10000)
        assert person.error_area.text().startswith("Deze werkplek heeft geen koppeling met de BRP.")
    finally:
        runtime.close()
        window.deleteLater()


def _signed_in_balie(qtbot: QtBot, runtime: bootstrap.Runtime) -> BalieWindow:
    window = runtime.windows[0]
    assert isinstance(window, BalieWindow)
    window.show()
    qtbot.waitUntil(lambda: window.sign_in_screen.selected_desk_id() is not None, timeout=10000)
    window.sign_in_screen.staff_edit.setText("balie1")
    window.sign_in_screen.password_edit.setText(DEMO_STAFF["balie1"][2])
    window.sign_in_screen.sign_in_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    return window


def _tab_titles(window: BalieWindow) -> list[str]:
    assert window.workspace is not None
    tabs = window.workspace.tabs
    return [tabs.tabText(i) for i in range(tabs.count())]


def test_a_balie_without_a_payment_terminal_has_no_betalen_tab(
    tmp_path: Path, qtbot: QtBot, qapp: QApplication
) -> None:
    from app.config import PaymentTerminalSettings

    url = _hall_with_staff(tmp_path)
    none = PaymentTerminalSettings(kind="none")
    runtime = bootstrap.build_mode("balie", url, "Stadhuis", "Balie 1", data_dir=tmp_path, terminal=none)
    try:
        assert runtime.payments is None
        window = _signed_in_balie(qtbot, runtime)
        assert _tab_titles(window) == ["Klantcontact (1)", "Kennisbank (2)", "Persoon (3)", "Doorgezet (4)"]
    finally:
        runtime.close()
        runtime.windows[0].deleteLater()


def test_a_balie_with_the_terminal_simulator_gets_betalen_and_kas(
    tmp_path: Path, qtbot: QtBot, qapp: QApplication
) -> None:
    from app.balie.payment_panel import PaymentPanel
    from app.config import PaymentTerminalSettings

    url = _hall_with_staff(tmp_path)
    simulator = PaymentTerminalSettings(kind="simulator")
    runtime = bootstrap.build_mode("balie", url, "Stadhuis", "Balie 1", data_dir=tmp_path, terminal=simulator)
    try:
        window = _signed_in_balie(qtbot, runtime)
        assert _tab_titles(window)[-2:] == ["Betalen (5)", "Kas (6)"]
        assert window.workspace is not None
        panel = window.workspace.extra[0][1]
        assert isinstance(panel, PaymentPanel)
        panel.amount_edit.setText("5,00")
        panel.card_button.click()
        qtbot.waitUntil(lambda: panel.state_label.text() == "Betaling gelukt. Geef de klant de bon.", timeout=20000)
    finally:
        runtime.close()
        runtime.windows[0].deleteLater()


def test_a_terminal_that_cannot_be_opened_leaves_the_desk_working_with_the_reason(
    tmp_path: Path, qtbot: QtBot, qapp: QApplication
) -> None:
    from PySide6.QtWidgets import QLabel

    from app.config import PaymentTerminalSettings
    from app.core.events import DeviceAlert, EventBus

    url = _hall_with_staff(tmp_path)
    nexo = PaymentTerminalSettings(
        kind="nexo",
        host="127.0.0.1",
        port=8443,
        poi_id="V400m-123456789",
        key_identifier="Loket",
        key_version=1,
        passphrase_file=str(tmp_path / "bestaat-niet.txt"),
        certificate_fingerprint="ab" * 32,
    )
    # The host PC hears device alerts through the database's change log; so does this test.
    host_database = Database.open(url)
    host_bus = EventBus()
    alerts: list[DeviceAlert] = []
    host_bus.subscribe(DeviceAlert, alerts.append)
    host_watcher = host_database.watcher(host_bus, interval=0.01)
    host_watcher.start()
    assert host_watcher.ready.wait(10)
    runtime = bootstrap.build_mode("balie", url, "Stadhuis", "Balie 1", data_dir=tmp_path, terminal=nexo)
    try:
        window = _signed_in_balie(qtbot, runtime)  # signing in and the queue work as before
        assert _tab_titles(window)[-1] == "Betalen (5)"
        assert window.workspace is not None
        reason = window.workspace.extra[0][1]
        assert isinstance(reason, QLabel)
        assert reason.text() == (
            "Pinnen kan nu niet. Het wachtwoordbestand van de pinautomaat bestaat niet. Meld dit bij de beheerder."
        )
        qtbot.waitUntil(lambda: [a.device for a in alerts] == ["payment_terminal"], timeout=10000)
        assert alerts[0].code == "payment.passphrase_file"
    finally:
        runtime.close()
        runtime.windows[0].deleteLater()
        host_watcher.stop()
        host_database.dispose()


def test_a_balie_pc_without_a_fixed_desk_keeps_its_kas_with_its_terminal(tmp_path: Path, qapp: QApplication) -> None:
    from app.config import PaymentTerminalSettings
    from app.hardware.payment.factory import DEMO_POI_ID

    url = _hall_with_staff(tmp_path)
    simulator = PaymentTerminalSettings(kind="simulator")
    runtime = bootstrap.build_mode("balie", url, "Stadhuis", None, data_dir=tmp_path, terminal=simulator)
    try:
        assert runtime.payments is not None
        # Two such PCs never share a kas, whatever desk their clerks pick.
        assert list(runtime.payments.points) == [f"Pinautomaat {DEMO_POI_ID}"]
        assert runtime.payments.this_pc == f"Pinautomaat {DEMO_POI_ID}"
    finally:
        runtime.close()
        runtime.windows[0].deleteLater()
