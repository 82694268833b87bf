"""[devices.payment_terminal]: what IT writes for a nexo or OPI terminal, and every mistake named
with its key and line. The passphrase never sits in the shared file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import WorkstationSettings, load_settings
from app.core.errors import ConfigError

HEAD = """\
[workstation]
mode = "balie"
location = "Stadhuis"
desk = "Balie 3"

[database]
url = "sqlite:///loket.db"

[devices.payment_terminal]
"""  # the table header is line 9

# openssl x509 -fingerprint -sha256 prints it upper case with colons; both forms are accepted.
FINGERPRINT = ":".join(["AB", "CD", "EF", "01"] * 8)

NEXO = f"""\
kind = "nexo"
host = "10.20.30.50"
port = 8443
poi_id = "V400m-324688179"
key_identifier = "CryptoKeyIdentifier12345"
key_version = 1
passphrase_file = "C:/ProgramData/Loket/pin.key"
certificate_fingerprint = "{FINGERPRINT}"
"""

OPI = """\
kind = "opi"
host = "10.20.30.51"
port = 4100
workstation_id = "KASSA3"
"""


def load(tmp_path: Path, body: str) -> WorkstationSettings:
    path = tmp_path / "loket.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return load_settings(path)


def error_for(tmp_path: Path, body: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, body)
    return caught.value


def test_nexo_terminal_is_read_with_a_normalised_fingerprint(tmp_path: Path) -> None:
    terminal = load(tmp_path, NEXO).devices.payment_terminal
    assert terminal is not None
    assert (terminal.kind, terminal.host, terminal.port, terminal.poi_id) == (
        "nexo",
        "10.20.30.50",
        8443,
        "V400m-324688179",
    )
    assert terminal.fingerprint == "abcdef01" * 8
    assert terminal.timeout_seconds == 120


def test_opi_terminal_defaults_the_device_port(tmp_path: Path) -> None:
    terminal = load(tmp_path, OPI).devices.payment_terminal
    assert terminal is not None
    assert terminal.workstation_id == "KASSA3"
    assert terminal.device_port == 4102


@pytest.mark.parametrize("kind", ["simulator", "fake", "none"])
def test_kinds_without_a_device_need_nothing_else(tmp_path: Path, kind: str) -> None:
    terminal = load(tmp_path, f'kind = "{kind}"\n').devices.payment_terminal
    assert terminal is not None and terminal.kind == kind


def test_inline_passphrase_is_refused_with_the_way_to_do_it(tmp_path: Path) -> None:
    error = error_for(tmp_path, NEXO + 'passphrase = "geheim123"\n')
    assert error.key == "devices.payment_terminal.passphrase"
    assert error.line == 18
    assert "passphrase_file" in str(error)
    assert "geheim123" not in str(error)


@pytest.mark.parametrize("missing", ["poi_id", "key_identifier", "passphrase_file", "certificate_fingerprint"])
def test_nexo_needs_its_key_material(tmp_path: Path, missing: str) -> None:
    body = "".join(line + "\n" for line in NEXO.splitlines() if not line.startswith(missing))
    error = error_for(tmp_path, body)
    assert error.key == f"devices.payment_terminal.{missing}"
    assert error.line == 9  # the table, where the admin adds the line
    assert f"'{missing}'" in str(error)


def test_fingerprint_must_be_sha256(tmp_path: Path) -> None:
    error = error_for(tmp_path, NEXO.replace(FINGERPRINT, "AB:CD:EF"))
    assert error.key == "devices.payment_terminal.certificate_fingerprint"
    assert error.line == 17
    assert "SHA-256" in str(error)


def test_key_version_zero_is_refused(tmp_path: Path) -> None:
    error = error_for(tmp_path, NEXO.replace("key_version = 1", "key_version = 0"))
    assert error.key == "devices.payment_terminal.key_version"
    assert error.line == 15


def test_opi_needs_workstation_id(tmp_path: Path) -> None:
    error = error_for(tmp_path, OPI.replace('workstation_id = "KASSA3"\n', ""))
    assert error.key == "devices.payment_terminal.workstation_id"
    assert "workstation_id" in str(error)


def test_opi_device_port_out_of_range(tmp_path: Path) -> None:
    error = error_for(tmp_path, OPI + "device_port = 70000\n")
    assert error.key == "devices.payment_terminal.device_port"
    assert error.line == 14
    assert "65535" in str(error)


def test_zero_timeout_is_refused(tmp_path: Path) -> None:
    error = error_for(tmp_path, NEXO + "timeout_seconds = 0\n")
    assert error.key == "devices.payment_terminal.timeout_seconds"
    assert error.line == 18


def test_unknown_kind_lists_the_choices(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'kind = "ccv"\n')
    assert error.line == 10
    assert "nexo" in str(error) and "opi" in str(error)


def test_typo_in_a_key_gets_a_suggestion(tmp_path: Path) -> None:
    error = error_for(tmp_path, NEXO.replace("poi_id =", "poiid ="))
    assert error.key == "devices.payment_terminal.poiid"
    assert "poi_id" in str(error)


def test_display_port_is_checked(tmp_path: Path) -> None:
    assert load(tmp_path, NEXO + "display_port = 8080\n").devices.payment_terminal is not None
    error = error_for(tmp_path, NEXO + "display_port = 80800\n")
    assert error.key == "devices.payment_terminal.display_port"
    assert error.line == 18
