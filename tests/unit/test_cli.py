"""`loket` on the command line: a bad config file gives a Dutch message and exit 2, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli

BAD_MODE = """\
[workstation]
mode = "baile"
location = "stadhuis"

[database]
url = "sqlite:///loket.db"
"""


@pytest.fixture(autouse=True)
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "logs" / "loket.log"
    monkeypatch.setenv("LOKET_LOG_FILE", str(path))
    yield path
    cli.setup_logging(tmp_path / "closed.log")  # release the file handler of this test


def test_bad_config_exits_2_with_dutch_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "loket.toml"
    bad.write_text(BAD_MODE.replace('mode = "baile"', 'mode = "kiosk"\nprinter = "zuil"'), encoding="utf-8")
    code = cli.main(["kiosk", "--config", str(bad)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "regel 3" in err and "onbekende instelling 'printer'" in err
    assert "Traceback" not in err and "Traceback" not in out


def test_syntax_error_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "loket.toml"
    bad.write_text(BAD_MODE.replace('location = "stadhuis"', "location = stadhuis"), encoding="utf-8")
    assert cli.main(["balie", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "regel 3" in err and "geen geldige TOML" in err
    assert "Traceback" not in err


def test_unknown_mode_in_file_is_named_by_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "loket.toml"
    bad.write_text(BAD_MODE, encoding="utf-8")
    assert cli.main(["check", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "regel 2" in err and "onbekende modus 'baile'" in err


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["display", "--config", str(tmp_path / "nergens.toml")]) == 2
    assert "niet gevonden" in capsys.readouterr().err


def test_check_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "loket.toml"
    good.write_text(BAD_MODE.replace("baile", "display"), encoding="utf-8")
    assert cli.main(["check", "--config", str(good)]) == 0
    out = capsys.readouterr().out
    assert "in orde" in out and "display" in out


def test_db_upgrade_creates_sqlite_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'hal' / 'loket.db'}"
    assert cli.main(["db", "upgrade", "--url", url]) == 0
    assert (tmp_path / "hal" / "loket.db").exists()
    assert "bijgewerkt" in capsys.readouterr().out


def test_db_upgrade_does_not_load_qt(tmp_path: Path) -> None:
    # The database command runs on servers without a screen; it must not need Qt's libraries.
    import subprocess
    import sys

    script = (
        "import sys; from app import cli; "
        f"code = cli.main(['db', 'upgrade', '--url', 'sqlite:///{tmp_path / 'x.db'}']); "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'; sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_unexpected_error_is_logged_not_shown(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], log_file: Path
) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("kapot bij BSN 999993653")

    monkeypatch.setattr(cli, "cmd_version", broken)
    assert cli.main(["version"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RuntimeError" not in err
    assert str(log_file) in err
    logging.shutdown()
    logged = log_file.read_text(encoding="utf-8")
    assert "RuntimeError: kapot bij BSN *********" in logged
    assert "999993653" not in logged


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["version"]) == 0
    assert capsys.readouterr().out.startswith("loket ")


def test_usage_error_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["db"]) == 2
    assert cli.main([]) == 2


def test_db_upgrade_with_demo_data_seeds_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'loket.db'}"
    assert cli.main(["db", "upgrade", "--url", url, "--demo-data"]) == 0
    assert "Stadhuis" in capsys.readouterr().out
    assert cli.main(["db", "upgrade", "--url", url, "--demo-data"]) == 0
    assert "al gegevens" in capsys.readouterr().out


def test_gui_command_without_a_screen_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Qt would abort the process with a core dump; the user gets a sentence instead.
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    assert cli.main(["demo", "--data-dir", str(tmp_path)]) == 2
    assert "geen beeldscherm" in capsys.readouterr().err


def test_check_many_files_reports_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "balie-1.toml"
    good.write_text(BAD_MODE.replace("baile", "balie"), encoding="utf-8")
    bad = tmp_path / "balie-2.toml"
    bad.write_text(BAD_MODE, encoding="utf-8")
    assert cli.main(["check", str(good), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert "balie-1.toml: in orde" in out and "1 van 2 bestanden in orde" in out
    assert "balie-2.toml, regel 2" in err


def test_check_expands_wildcards_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Windows shells pass `*.toml` through unexpanded.
    for name in ("kiosk-1.toml", "kiosk-2.toml"):
        (tmp_path / name).write_text(BAD_MODE.replace("baile", "kiosk"), encoding="utf-8")
    assert cli.main(["check", str(tmp_path / "kiosk-*.toml")]) == 0
    assert "2 van 2 bestanden in orde" in capsys.readouterr().out


def _db_config(tmp_path: Path) -> Path:
    path = tmp_path / "loket.toml"
    url = f"sqlite:///{tmp_path / 'loket.db'}"
    path.write_text(f'[workstation]\nmode = "balie"\nlocation = "Stadhuis"\n\n[database]\nurl = "{url}"\n')
    assert cli.main(["db", "upgrade", "--url", url]) == cli.EXIT_OK
    return path


def test_export_klantcontacten_writes_the_period_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    config = _db_config(tmp_path)
    out = tmp_path / "export.json"
    args = ["export", "klantcontacten", "--from", "2026-11-02", "--to", "2026-11-06", "--out", str(out)]
    code = cli.main([*args, "--config", str(config)])
    assert code == cli.EXIT_OK
    assert "02-11-2026 tot en met 06-11-2026" in capsys.readouterr().out
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["loket"]["periode"] == {"van": "2026-11-02", "tot_en_met": "2026-11-06"}


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [("2026-11-31", "2026-12-01", "--from moet een datum zijn"), ("2026-11-06", "2026-11-02", "--to ligt voor --from")],
)
def test_export_with_a_bad_period_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], start: str, end: str, message: str
) -> None:
    code = cli.main(["export", "klantcontacten", "--from", start, "--to", end, "--config", str(tmp_path / "x.toml")])
    captured = capsys.readouterr()
    assert code == cli.EXIT_USER_ERROR
    assert message in captured.err
    assert "Traceback" not in captured.err
