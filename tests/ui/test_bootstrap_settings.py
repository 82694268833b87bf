"""A workstation file's [kcc] and [kiosk] tables reach the screens: read by app.config, turned
into build_mode's arguments the way run_mode does (settings_parts), on a real SQLite hall."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import bootstrap
from app.balie.window import BalieWindow
from app.bootstrap_payment import settings_parts
from app.config import WorkstationSettings, load_settings
from app.kiosk.window import KioskWindow
from app.store.database import Database
from app.store.seed import seed_demo
from app.store.staff_seed import DEMO_STAFF, seed_demo_staff

PAY_WAIT_MS = 30_000


@pytest.fixture
def hall(tmp_path: Path) -> str:
    url = f"sqlite:///{(tmp_path / 'hal.db').as_posix()}"
    database = Database.open(url)
    database.upgrade()
    seed_demo(database)
    seed_demo_staff(database)
    database.dispose()
    return url


@pytest.fixture
def runtimes() -> Iterator[list[bootstrap.Runtime]]:
    built: list[bootstrap.Runtime] = []
    yield built
    for runtime in built:
        runtime.close()
        for window in runtime.windows:
            window.deleteLater()


def workstation(tmp_path: Path, url: str, mode: str, tables: str) -> WorkstationSettings:
    path = tmp_path / "loket.toml"
    path.write_text(
        f'[workstation]\nmode = "{mode}"\nlocation = "Stadhuis"\n\n[database]\nurl = "{url}"\n\n{tables}',
        encoding="utf-8",
    )
    return load_settings(path)


def start(settings: WorkstationSettings, tmp_path: Path, runtimes: list[bootstrap.Runtime]) -> bootstrap.Runtime:
    parts = settings_parts(settings, settings.mode, settings.location)
    runtime = bootstrap.build_mode(
        settings.mode, settings.database_url, settings.location, settings.desk, data_dir=tmp_path, **parts
    )
    runtimes.append(runtime)
    return runtime


def test_the_kcc_table_gives_the_desk_its_forward_targets_and_channels(
    tmp_path: Path, hall: str, qtbot: QtBot, qapp: QApplication, runtimes: list[bootstrap.Runtime]
) -> None:
    settings = workstation(
        tmp_path,
        hall,
        "balie",
        '[kcc]\nextra_channels = ["WhatsApp"]\nforward_targets = ["afdeling:Sociaal domein", "groep:Team Parkeren"]\n',
    )
    window = start(settings, tmp_path, runtimes).windows[0]
    assert isinstance(window, BalieWindow)
    window.show()
    qtbot.waitUntil(lambda: window.sign_in_screen.selected_desk_id() is not None, timeout=10_000)
    window.sign_in_screen.staff_edit.setText("balie1")
    window.sign_in_screen.password_edit.setText(DEMO_STAFF["balie1"][2])
    window.sign_in_screen.sign_in_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    work = window.workspace
    assert work is not None
    contact = work.contact_panel
    channels = [contact.kanaal_combo.itemText(i) for i in range(contact.kanaal_combo.count())]
    assert channels[-1] == "whatsapp" and "telefoon" in channels

    contact.new_question()  # a phone call; the draft comes from a worker thread
    qtbot.waitUntil(lambda: contact.draft is not None, timeout=10_000)
    qtbot.keyClicks(contact.subject.edit, "Parkeervergunning")
    contact.subject.set_subject(contact.subject.text())
    qtbot.keyClicks(contact.vraag_edit, "Wanneer krijg ik mijn vergunning?")
    work.forward()  # saves first, on a worker thread, then asks where the question goes
    qtbot.waitUntil(lambda: work.dialog is not None, timeout=10_000)
    dialog = work.dialog
    assert dialog is not None
    targets = [dialog.target_combo.itemText(i) for i in range(dialog.target_combo.count())]
    assert targets == ["Sociaal domein (afdeling)", "Team Parkeren (groep)"]


KIOSK_TERMINAL = '[devices.payment_terminal]\nkind = "simulator"\n\n'


def test_a_kiosk_with_products_sells_them_through_its_terminal(
    tmp_path: Path, hall: str, qtbot: QtBot, qapp: QApplication, runtimes: list[bootstrap.Runtime]
) -> None:
    products = (
        '[[kiosk.products]]\nnaam = "Uittreksel BRP"\nbedrag = "9.40"\n\n'
        '[[kiosk.products]]\nnaam = "Verklaring omtrent het gedrag"\nbedrag = "41,35"\n'
        'omschrijving = "VOG voor een baan"\n'
    )
    runtime = start(workstation(tmp_path, hall, "kiosk", KIOSK_TERMINAL + products), tmp_path, runtimes)
    kiosk = runtime.windows[0]
    assert isinstance(kiosk, KioskWindow) and kiosk.payment_screen is not None
    kiosk.show()
    tiles = [button.text() for button in kiosk.start_screen.product_buttons]
    assert tiles == ["Betalen: Uittreksel BRP (€ 9,40)", "Betalen: Verklaring omtrent het gedrag (€ 41,35)"]

    kiosk.start_screen.product_buttons[1].click()
    screen = kiosk.payment_screen
    qtbot.waitUntil(lambda: screen.outcome.text() == "De betaling is gelukt. Dank u wel.", timeout=PAY_WAIT_MS)
    assert runtime.payments is not None
    (point,) = runtime.payments.points.values()
    assert [line.amount_cents for line in point.kas.lines()] == [4135]


def test_a_kiosk_without_products_has_no_betalen_tile(
    tmp_path: Path, hall: str, qapp: QApplication, runtimes: list[bootstrap.Runtime]
) -> None:
    runtime = start(workstation(tmp_path, hall, "kiosk", KIOSK_TERMINAL), tmp_path, runtimes)
    kiosk = runtime.windows[0]
    assert isinstance(kiosk, KioskWindow)
    assert kiosk.start_screen.product_buttons == []
    assert runtime.payments is None  # the terminal is not even opened


def test_a_kiosk_whose_terminal_cannot_be_opened_shows_no_tile_and_calls_the_host(
    tmp_path: Path, hall: str, qtbot: QtBot, qapp: QApplication, runtimes: list[bootstrap.Runtime]
) -> None:
    from app.config import KioskProductSetting, KioskSettings, PaymentTerminalSettings
    from app.core.events import DeviceAlert, EventBus

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
    host_database = Database.open(hall)
    host_bus = EventBus()
    alerts: list[DeviceAlert] = []
    host_bus.subscribe(DeviceAlert, alerts.append)
    host_watcher = host_database.watcher(host_bus, interval=0.01)
    host_watcher.start()
    try:
        assert host_watcher.ready.wait(10)
        products = KioskSettings(products=(KioskProductSetting(naam="Uittreksel BRP", bedrag="9.40"),))
        runtime = bootstrap.build_mode("kiosk", hall, "Stadhuis", data_dir=tmp_path, kiosk=products, terminal=nexo)
        runtimes.append(runtime)
        kiosk = runtime.windows[0]
        assert isinstance(kiosk, KioskWindow)
        assert kiosk.start_screen.product_buttons == []  # no tile that could only fail
        qtbot.waitUntil(lambda: [a.device for a in alerts] == ["payment_terminal"], timeout=10_000)
        assert alerts[0].code == "payment.passphrase_file"
    finally:
        host_watcher.stop()
        host_database.dispose()
