"""`loket devices idcard` against the virtual card on vpcd, as IT staff would run it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.core.identity.mrz import parse_travel_document_mrz
from tests.unit.icao_vectors import vectors


def mrz_lines() -> list[str]:
    lines: list[str] = vectors()["dg1_td1_nld_example"]["mrz_lines"]
    return lines


def _config(tmp_path: Path, reader: str) -> Path:
    path = tmp_path / "loket.toml"
    path.write_text(
        '[workstation]\nmode = "kiosk"\nlocation = "Stadhuis"\n\n[database]\nurl = "sqlite:///x.db"\n\n'
        f'[devices.card_reader]\nkind = "pcsc"\nreader = "{reader}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(("pace", "access"), [(True, "PACE"), (False, "BAC")])
def test_reads_the_card_and_shows_each_step_without_personal_data(
    tmp_path: Path, virtual_card: Callable[..., Any], capsys: pytest.CaptureFixture[str], pace: bool, access: str
) -> None:
    virtual_card(pace=pace).insert()
    typed = parse_travel_document_mrz(mrz_lines()).mrz_information  # number and dates, as on the card
    code = cli.main(["devices", "idcard", "--config", str(_config(tmp_path, "Virtual PCD 00 00")), "--mrz", typed])
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK
    assert "kaartlezer: Virtual PCD 00 00" in out
    assert f"toegangscontrole: {access}" in out
    assert "komt overeen met het ingevoerde MRZ: ja" in out
    assert "READ BINARY (SM)" in out and " 9000 " in out
    assert "STEEN" not in out and "MARIANNE" not in out  # the name is on the card, not typed
    assert "999999990" not in out  # where older Dutch documents carry the BSN


def test_a_wrong_mrz_shows_the_refusing_status_word(
    virtual_card: Callable[..., Any], vpcd: str, capsys: pytest.CaptureFixture[str]
) -> None:
    virtual_card(pace=False).insert()
    code = cli.main(["devices", "idcard", "--reader", vpcd, "--mrz", vectors()["bac"]["mrz_information"]])
    captured = capsys.readouterr()
    assert code == cli.EXIT_USER_ERROR
    assert "EXTERNAL AUTHENTICATE" in captured.out and " 6300 " in captured.out
    assert "Controleer documentnummer en data" in captured.err


def test_no_card_on_the_reader(vpcd: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["devices", "idcard", "--reader", vpcd, "--wait", "0.5", "--mrz", " ".join(mrz_lines())])
    assert code == cli.EXIT_USER_ERROR
    assert "geen kaart op de lezer" in capsys.readouterr().err
