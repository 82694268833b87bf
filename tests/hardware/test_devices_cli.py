"""`loket devices printer --test` against the loopback simulator, as IT staff would run it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.hardware.printer.simulator import PrinterSimulator


@pytest.fixture
def sim() -> Iterator[PrinterSimulator]:
    with PrinterSimulator() as simulator:
        yield simulator


def _config(tmp_path: Path, sim: PrinterSimulator) -> Path:
    path = tmp_path / "loket.toml"
    path.write_text(
        '[workstation]\nmode = "kiosk"\nlocation = "Stadhuis"\n\n[database]\nurl = "sqlite:///x.db"\n\n'
        f'[devices.ticket_printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {sim.port}\n'
        'municipality = "Gemeente Zuidhaven"\n',
        encoding="utf-8",
    )
    return path


def test_test_page_prints_and_status_is_shown(
    tmp_path: Path, sim: PrinterSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.state = "near_end"
    code = cli.main(["devices", "printer", "--config", str(_config(tmp_path, sim)), "--test"])
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK
    assert "ticket_printer (network): online, papier bijna op" in out
    assert "testpagina geprint" in out
    assert sim.wait_for_pages(1)


def test_paper_out_is_reported_and_nothing_printed(
    tmp_path: Path, sim: PrinterSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.state = "out"
    code = cli.main(["devices", "printer", "--config", str(_config(tmp_path, sim)), "--test"])
    captured = capsys.readouterr()
    assert code == cli.EXIT_USER_ERROR
    assert "offline, papier op" in captured.out
    assert "papier op" in captured.err
    assert sim.pages == []


def test_kiosk_gets_the_configured_printer_even_when_it_is_off(tmp_path: Path, sim: PrinterSimulator) -> None:
    from app.config import PrinterSettings, load_settings
    from app.hardware.printer.escpos_printer import EscposPrinter
    from app.hardware.printer.factory import ticket_printer
    from app.hardware.printer.fake import FakeTicketPrinter

    assert isinstance(ticket_printer(None, "Stadhuis"), FakeTicketPrinter)
    configured = load_settings(_config(tmp_path, sim)).devices.ticket_printer
    printer = ticket_printer(configured, "Stadhuis")
    assert isinstance(printer, EscposPrinter) and printer.is_open
    assert printer.branding.municipality == "Gemeente Zuidhaven"
    printer.close()
    sim.stop()  # switched off: the kiosk still starts, and shows numbers on screen
    off = ticket_printer(PrinterSettings(kind="network", host="127.0.0.1", port=sim.port), "Stadhuis")
    assert isinstance(off, EscposPrinter) and not off.is_open
    assert off.branding.municipality == "Stadhuis"


def test_simulator_runs_as_a_module_and_takes_states_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import io
    import logging

    from app.hardware.printer import simulator

    monkeypatch.setattr("sys.stdin", io.StringIO("near_end\nvol\nout\n"))
    with caplog.at_level(logging.INFO, logger="app.hardware.printer.simulator"):
        assert simulator.main(["--port", "0", "--out", str(tmp_path), "--roll", "50"]) == 0
    messages = [r.getMessage() for r in caplog.records]
    assert "printersimulator: toestand near_end" in messages
    assert any("unknown state 'vol'" in m for m in messages)
    assert "printersimulator: toestand out" in messages
