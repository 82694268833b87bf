"""`loket check` shows IT what a desk's [brp] and [kcc] tables set up, and warns about an unreadable key file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import cli

BASE = '[workstation]\nmode = "balie"\nlocation = "Stadhuis"\n\n[database]\nurl = "sqlite:///loket.db"\n\n'


def test_check_shows_brp_channels_and_forward_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "brp.key"
    key.write_text("sleutel\n", encoding="utf-8")
    config = tmp_path / "balie-3.toml"
    config.write_text(
        BASE + f'[brp]\nurl = "https://brp.gemeente.local/api"\napi_key_file = "{key}"\n\n'
        '[kcc]\nextra_channels = ["WhatsApp"]\nforward_targets = ["afdeling:Vergunningen", "groep:Wmo-loket"]\n',
        encoding="utf-8",
    )
    assert cli.main(["check", "--config", str(config)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "BRP:               https://brp.gemeente.local/api" in out
    assert "extra kanalen:     WhatsApp" in out
    assert "doorzetten naar:   afdeling Vergunningen, groep Wmo-loket" in out
    assert "sleutel" not in out.replace("API-sleutel", "")
    assert "let op" not in out


def test_check_warns_when_the_key_file_cannot_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "balie-3.toml"
    missing = tmp_path / "nergens.key"
    config.write_text(BASE + f'[brp]\nurl = "https://brp.gemeente.local/api"\napi_key_file = "{missing}"\n')
    assert cli.main(["check", "--config", str(config)]) == cli.EXIT_OK
    assert f"het bestand met de API-sleutel ({missing}) is voor deze gebruiker niet leesbaar" in capsys.readouterr().out


def test_check_of_a_desk_without_brp_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "balie-1.toml"
    config.write_text(BASE, encoding="utf-8")
    assert cli.main(["check", "--config", str(config)]) == cli.EXIT_OK
    assert "BRP:               geen" in capsys.readouterr().out


def test_an_inline_api_key_stops_check_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "balie-2.toml"
    config.write_text(BASE + '[brp]\nurl = "https://brp.gemeente.local/api"\napi_key = "geheim-123"\n')
    assert cli.main(["check", "--config", str(config)]) == cli.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "regel 10" in err and "api_key_file" in err and "geheim-123" not in err
