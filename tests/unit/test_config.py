"""The workstation file: a good file gives typed settings; every kind of mistake names key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import PrinterSettings, load_settings
from app.core.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "installer" / "loket.example.toml"

VALID = """\
[workstation]
mode = "kiosk"
location = "stadhuis"

[database]
url = "sqlite:///C:/ProgramData/Loket/loket.db"

[devices.ticket_printer]
kind = "usb"
vendor_id = 0x04b8
product_id = 0x0202
"""

BALIE = """\
# balie 3 in de publiekshal
[workstation]
mode = "balie"
location = "stadhuis"
desk = "3"

[database]
url = "postgresql+psycopg://loket_balie@db01/loket"

[devices.receipt_printer]
kind = "network"
host = "10.0.0.5"
port = 9100
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "loket.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    return caught.value


def test_valid_kiosk_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, VALID))
    assert settings.mode == "kiosk"
    assert settings.location == "stadhuis"
    assert settings.desk is None
    assert settings.language == "nl"
    assert settings.database_url == "sqlite:///C:/ProgramData/Loket/loket.db"
    assert settings.devices.ticket_printer == PrinterSettings(kind="usb", vendor_id=0x04B8, product_id=0x0202)
    assert settings.devices.receipt_printer is None
    assert settings.devices.payment_terminal is None


def test_valid_balie_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, BALIE))
    assert (settings.mode, settings.desk) == ("balie", "3")
    assert settings.database_url.startswith("postgresql+psycopg://")
    printer = settings.devices.receipt_printer
    assert printer is not None and (printer.kind, printer.host, printer.port) == ("network", "10.0.0.5", 9100)


def test_installer_example_is_valid() -> None:
    # IT copies this file; it must load as it is shipped.
    settings = load_settings(EXAMPLE)
    assert settings.mode == "balie"
    assert settings.desk == "Balie 3"


def test_mode_from_command_line_overrides_file(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, BALIE), mode="display").mode == "display"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="niet gevonden"):
        load_settings(tmp_path / "nope.toml")


def test_toml_syntax_error_names_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace('desk = "3"', "desk = 3a"))
    assert error.line == 5
    assert "regel 5" in str(error)
    assert "geen geldige TOML" in str(error)


def test_missing_key_names_key_and_table_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace('location = "stadhuis"\n', ""))
    assert error.key == "workstation.location"
    assert error.line == 2  # the [workstation] header, where the key belongs
    assert "workstation.location" in str(error) and "ontbreekt" in str(error) and "regel 2" in str(error)


def test_missing_table(tmp_path: Path) -> None:
    error = error_for(tmp_path, VALID.replace('[database]\nurl = "sqlite:///C:/ProgramData/Loket/loket.db"\n', ""))
    assert error.key == "database"
    assert "[database] ontbreekt" in str(error)


def test_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace("port = 9100", 'port = "9100"'))
    assert error.key == "devices.receipt_printer.port"
    assert error.line == 13
    assert "geheel getal" in str(error) and "regel 13" in str(error)


def test_bool_is_not_a_number(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace("port = 9100", "port = true"))
    assert error.key == "devices.receipt_printer.port"


def test_desk_as_number_is_refused_with_hint(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace('desk = "3"', "desk = 3"))
    assert error.key == "workstation.desk"
    assert error.line == 5
    assert "tekst" in str(error)


def test_unknown_mode(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace('mode = "balie"', 'mode = "loket"'))
    assert error.key == "workstation.mode"
    assert error.line == 3
    assert "onbekende modus 'loket'" in str(error)
    assert "kiosk, balie, host, display, manage" in str(error)


def test_unknown_key_is_a_typo(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace('host = "10.0.0.5"', 'hots = "10.0.0.5"'))
    assert error.key == "devices.receipt_printer.hots"
    assert error.line == 12
    assert "onbekende instelling 'hots'; bedoelt u 'host'?" in str(error)


def test_unknown_table(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE + '\n[devices.barcode_scanner]\nkind = "usb"\n')
    assert error.key == "devices.barcode_scanner"
    assert error.line == 15


def test_same_key_name_in_other_table_gets_its_own_line(tmp_path: Path) -> None:
    # `kind` occurs in two tables; the error must point at the one that is wrong.
    text = VALID + '\n[devices.receipt_printer]\nkind = "laser"\n'
    error = error_for(tmp_path, text)
    assert error.key == "devices.receipt_printer.kind"
    assert error.line == 14


def test_dotted_key_line(tmp_path: Path) -> None:
    # A dotted key at the top of the file belongs to the table it names.
    text = 'devices.card_reader.kind = "magnetic"\n' + VALID
    error = error_for(tmp_path, text)
    assert error.key == "devices.card_reader.kind"
    assert error.line == 1


def test_balie_without_desk_is_a_flexible_workplace(tmp_path: Path) -> None:
    # The clerk then picks the desk at sign-in.
    assert load_settings(write(tmp_path, BALIE.replace('desk = "3"\n', ""))).desk is None


def test_payment_terminal_needs_host_and_port(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE + '\n[devices.payment_terminal]\nkind = "nexo"\nhost = "10.0.0.9"\n')
    assert error.key == "devices.payment_terminal.port"
    assert error.line == 15
    assert "ontbreekt" in str(error)


def test_network_printer_needs_host(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace('host = "10.0.0.5"\n', ""))
    assert error.key == "devices.receipt_printer.host"
    assert error.line == 10  # its table header


def test_bad_port(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace("port = 9100", "port = 91000"))
    assert error.line == 13
    assert "65535" in str(error)


def test_unsupported_database(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace("postgresql+psycopg://loket_balie@db01/loket", "mysql://x@db/loket"))
    assert error.key == "database.url"
    assert error.line == 8


def test_multiline_string_is_not_read_as_keys(tmp_path: Path) -> None:
    text = BALIE.replace('location = "stadhuis"', 'location = """stadhuis\nmode = "x"\n"""')
    text += "extra = 1\n"
    error = error_for(tmp_path, text)
    assert error.key == "devices.receipt_printer.extra"
    assert error.line == 16


def test_duplicate_key_names_the_second_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace('desk = "3"', 'desk = "3"\nlocation = "wijkpost"'))
    assert error.key == "workstation.location"
    assert error.line == 6
    assert "twee keer" in str(error)


def test_unclosed_string_names_its_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, BALIE.replace('host = "10.0.0.5"', 'host = "10.0.0.5'))
    assert error.line == 12
    assert "aanhalingsteken" in str(error)
