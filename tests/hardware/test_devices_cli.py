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
