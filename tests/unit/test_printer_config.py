"""The [devices.ticket_printer] table: every transport, and the mistakes IT staff make."""

from __future__ import annotations

import pytest

from app.config import parse_settings
from app.core.errors import ConfigError

BASE = """
[workstation]
mode = "kiosk"
location = "Stadhuis"

[database]
url = "sqlite:///loket.db"

[devices.ticket_printer]
"""


def test_network_printer_with_branding() -> None:
    text = BASE + (
        'kind = "network"\nhost = "10.0.0.31"\nwidth_mm = 58\nnative_qr = false\n'
        'municipality = "Gemeente Zuidhaven"\nstatus_url = "https://zuidhaven.nl/wacht/{token}"\n'
    )
    printer = parse_settings(text).devices.ticket_printer
    assert printer is not None
    assert (printer.kind, printer.port, printer.width_mm, printer.native_qr) == ("network", 9100, 58, False)


def test_windows_printer_needs_its_name() -> None:
    with pytest.raises(ConfigError, match="printer_name"):
        parse_settings(BASE + 'kind = "win32raw"\n')


@pytest.mark.parametrize(
    ("extra", "key"),
    [("width_mm = 76\n", "width_mm"), ('status_url = "https://zuidhaven.nl/wacht"\n', "status_url")],
)
def test_paper_width_and_status_url_are_checked(extra: str, key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_settings(BASE + 'kind = "file"\npath = "bon.bin"\n' + extra)
    assert raised.value.key.endswith(key)
    assert raised.value.line is not None
