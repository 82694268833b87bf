"""The `[kiosk]` table of the workstation file: what a citizen can pay for at this kiosk.

Apart from app.config so that module stays small; app.config re-exports the settings classes.
An amount is written in euros as text ("9.40"): a bare number is refused, because 940 could
mean cents or euros and a wrong guess charges a citizen a hundred times too much.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.errors import ConfigError
from app.core.payment.service import MAX_AMOUNT_CENTS
from app.core.printing import cents_from_euro_text

#: builds the error for a message and a key path, with its line
ErrorAt = Callable[[str, tuple[str, ...]], ConfigError]

MAX_PRODUCT_NAME = 60  # one line on the kiosk's tile and on the receipt


@dataclass(frozen=True)
class KioskProductSetting:
    """One product the kiosk sells: its name on the tile and the amount in euros."""

    naam: str
    bedrag: str  # euros as text: "9.40" (a comma is fine too: "9,40")
    omschrijving: str = ""  # for the administrator reading the file; the kiosk shows naam and bedrag

    @property
    def amount_cents(self) -> int:
        """The amount in cents; only valid after check_kiosk accepted the file."""
        cents = cents_from_euro_text(self.bedrag)
        if cents is None:
            raise ValueError("bedrag not checked")
        return cents


@dataclass(frozen=True)
class KioskSettings:
    """The kiosk's card payments; no products: no Betalen tile."""

    products: tuple[KioskProductSetting, ...] = ()


def prepare_kiosk_tables(raw: dict[str, Any], error_at: ErrorAt) -> None:
    """Before the typed reading: refuse a bare number as an amount with the reason, not with
    'must be text'."""
    kiosk = raw.get("kiosk")
    products = kiosk.get("products") if isinstance(kiosk, dict) else None
    if not isinstance(products, list):
        return
    for number, product in enumerate(products, start=1):
        amount = product.get("bedrag") if isinstance(product, dict) else None
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            raise error_at(
                f'het bedrag van product {number} moet in euro\'s als tekst, zoals "9.40"; '
                f"een los getal ({amount}) kan centen of euro's zijn",
                ("kiosk", f"products[{number}]", "bedrag"),
            )


def check_kiosk(kiosk: KioskSettings, error_at: ErrorAt) -> None:
    seen: set[str] = set()
    for number, product in enumerate(kiosk.products, start=1):
        key = ("kiosk", f"products[{number}]")
        naam = " ".join(product.naam.split())
        if not naam or len(naam) > MAX_PRODUCT_NAME:
            raise error_at(f"product {number} heeft een naam van 1 tot {MAX_PRODUCT_NAME} tekens nodig", (*key, "naam"))
        if naam.casefold() in seen:
            raise error_at(f"product {number} ({naam}) staat er twee keer in", (*key, "naam"))
        seen.add(naam.casefold())
        if cents_from_euro_text(product.bedrag) is None:
            raise error_at(
                f'het bedrag van product {number} moet in euro\'s met twee cijfers achter de punt, zoals "9.40", '
                f'niet "{product.bedrag[:20]}"',
                (*key, "bedrag"),
            )
        if not 0 < product.amount_cents <= MAX_AMOUNT_CENTS:
            raise error_at(f"het bedrag van product {number} moet tussen 0,01 en 10.000 euro liggen", (*key, "bedrag"))


_ITEM = re.compile(r"^(.+)\[(\d+)\]$")


def array_item_line(text: str, key: tuple[str, ...]) -> int | None:
    """The line of a key inside the n-th [[table]] of an array of tables, e.g. ("kiosk",
    "products[2]", "bedrag"); None when the key is not of that form or not written there
    (app.config_toml's KeyLines only knows the first item's lines)."""
    index = next((i for i, part in enumerate(key) if _ITEM.match(part)), None)
    if index is None:
        return None
    match = _ITEM.match(key[index])
    assert match is not None
    header = ".".join((*key[:index], match.group(1)))
    wanted, seen, start = int(match.group(2)), 0, None
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if start is not None and stripped.startswith("["):
            break
        if re.fullmatch(r"\[\[\s*" + re.escape(header) + r"\s*\]\]\s*(#.*)?", stripped):
            seen += 1
            if seen == wanted:
                start = number
        elif start is not None and len(key) > index + 1 and re.match(re.escape(key[index + 1]) + r"\s*=", stripped):
            return number
    return start
