"""The [kiosk] table of the workstation file: what the kiosk sells, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bootstrap_kiosk import kiosk_products
from app.config import KioskProductSetting, KioskSettings, parse_settings
from app.core.errors import ConfigError
from app.kiosk.payment_screen import KioskProduct

BASE = '[workstation]\nmode = "kiosk"\nlocation = "Stadhuis"\n\n[database]\nurl = "sqlite:///loket.db"\n\n'
BRP = '[[kiosk.products]]\nnaam = "Uittreksel BRP"\nbedrag = "9.40"\n\n'  # lines 8-11 of the file


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_settings(BASE + text)
    return caught.value


def test_without_a_kiosk_table_the_kiosk_sells_nothing() -> None:
    settings = parse_settings(BASE)
    assert settings.kiosk == KioskSettings()
    assert kiosk_products(settings.kiosk) == ()


def test_products_are_read_in_euros_with_a_point_or_a_comma() -> None:
    settings = parse_settings(
        BASE + BRP + '[[kiosk.products]]\nnaam = "Verklaring  omtrent het gedrag"\nbedrag = "41,35"\n'
        'omschrijving = "VOG"\n\n[[kiosk.products]]\nnaam = "Rijbewijs"\nbedrag = "42"\n'
    )
    assert settings.kiosk.products[0] == KioskProductSetting(naam="Uittreksel BRP", bedrag="9.40")
    assert settings.kiosk.products[1].omschrijving == "VOG"
    assert kiosk_products(settings.kiosk) == (
        KioskProduct("Uittreksel BRP", 940),
        KioskProduct("Verklaring omtrent het gedrag", 4135),
        KioskProduct("Rijbewijs", 4200),
    )


@pytest.mark.parametrize("amount", ["940", "9.4", "4135"])
def test_a_bare_number_as_amount_is_refused_because_cents_or_euros_is_unclear(amount: str) -> None:
    # The second product's bedrag is on line 14: the error points there, not at the first product.
    error = _error(BRP + f'[[kiosk.products]]\nnaam = "Rijbewijs"\nbedrag = {amount}\n')
    assert error.key == "kiosk.products[2].bedrag"
    assert error.line == 14
    assert 'in euro\'s als tekst, zoals "9.40"' in error.message
    assert "centen of euro's" in error.message


@pytest.mark.parametrize("amount", ["9.4", "€ 9,40", "9.400", "negen", ""])
def test_an_amount_not_written_as_euros_and_cents_is_refused(amount: str) -> None:
    error = _error(f'[[kiosk.products]]\nnaam = "Rijbewijs"\nbedrag = "{amount}"\n')
    assert error.key == "kiosk.products[1].bedrag"
    assert error.line == 10
    assert "twee cijfers achter de punt" in error.message


@pytest.mark.parametrize("amount", ["0.00", "10000.01"])
def test_an_amount_of_nothing_or_above_ten_thousand_euros_is_refused(amount: str) -> None:
    error = _error(f'[[kiosk.products]]\nnaam = "Rijbewijs"\nbedrag = "{amount}"\n')
    assert "tussen 0,01 en 10.000 euro" in error.message


def test_a_product_needs_a_name_once() -> None:
    assert "naam van 1 tot 60 tekens" in _error('[[kiosk.products]]\nnaam = " "\nbedrag = "1.00"\n').message
    twice = _error(BRP + '[[kiosk.products]]\nnaam = "uittreksel brp"\nbedrag = "1.00"\n')
    assert twice.key == "kiosk.products[2].naam"
    assert twice.line == 13
    assert "staat er twee keer in" in twice.message


def test_a_missing_amount_and_an_unknown_key_name_their_product() -> None:
    missing = _error('[[kiosk.products]]\nnaam = "Rijbewijs"\n')
    assert missing.key == "kiosk.products[1].bedrag"
    assert "ontbreekt" in missing.message
    typo = _error('[[kiosk.products]]\nnaam = "Rijbewijs"\nbedrag = "1.00"\nprijs = "1.00"\n')
    assert typo.key == "kiosk.products[1].prijs"
    assert typo.line == 11


def test_the_example_files_kiosk_products_work_when_uncommented() -> None:
    # IT enables them by removing the '# ' in front; the example must then be a valid file.
    example = Path(__file__).parents[2] / "installer" / "loket.example.toml"
    head, rest = example.read_text(encoding="utf-8").split("# Kiosk: betalen aan de zuil", 1)
    kiosk, tail = rest.split("# Klantcontactcentrum", 1)
    enabled = "\n".join(
        line[2:] if line.startswith(("# [[", "# naam", "# bedrag", "# omschr")) else line for line in kiosk.splitlines()
    )
    settings = parse_settings(f"{head}# Kiosk{enabled}\n# Klantcontactcentrum{tail}", mode="kiosk")
    assert kiosk_products(settings.kiosk) == (
        KioskProduct("Uittreksel BRP", 940),
        KioskProduct("Verklaring omtrent het gedrag", 4135),
    )
