"""Safe reading and writing of OPI XML: no DTDs, no entities, exact money, masked card numbers.

A terminal message is untrusted input. A document type declaration is refused outright (it is
the door to entity expansion, "billion laughs" and external entities); without one, expat only
knows the five predefined entities. Every failure is an `OpiMessageInvalid`, never a ParseError.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from app.core.payment.errors import PaymentError

NAMESPACE = "http://www.nrf-arts.org/IXRetail/namespace"
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)
_AMOUNT = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")  # ASCII digits only, as OPI writes them
_COUNT = re.compile(r"[0-9]{1,9}")
MAX_DEPTH = 16


class OpiMessageInvalid(PaymentError):
    """An OPI message is not well-formed, not what was expected, or hostile."""

    code = "payment.opi.message_invalid"


def parse_xml(payload: bytes) -> ET.Element:
    if _FORBIDDEN.search(payload):
        raise OpiMessageInvalid("Een OPI-bericht met een DTD of entiteiten wordt geweigerd.")
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise OpiMessageInvalid("Een OPI-bericht is geen geldige UTF-8.") from error
    try:
        # UTF-8 is checked above; the parser ignores whatever encoding the declaration claims
        # (a hostile "encoding=U0F-8" would otherwise surface as a LookupError).
        root = ET.fromstring(payload, parser=ET.XMLParser(encoding="utf-8"))
    except (ET.ParseError, ValueError, LookupError) as error:
        raise OpiMessageInvalid("Een OPI-bericht is geen goed gevormde XML.") from error
    _check_depth(root, 1)
    return root


def _check_depth(element: ET.Element, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise OpiMessageInvalid("Een OPI-bericht is te diep genest.")
    for child in element:
        _check_depth(child, depth + 1)


def local(tag: str) -> str:
    """The element name without its namespace: terminals send OPI both with and without it."""
    return tag.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: ET.Element, name: str) -> ET.Element | None:
    found = children(element, name)
    return found[0] if found else None


def required_attr(element: ET.Element, name: str) -> str:
    value = element.get(name)
    if value is None or not value.strip():
        raise OpiMessageInvalid(f"Attribuut {name} ontbreekt in {local(element.tag)}.")
    return value.strip()


def optional_attr(element: ET.Element, name: str, max_len: int = 64) -> str | None:
    value = element.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()[:max_len]


def text_of(element: ET.Element | None, max_len: int = 256) -> str | None:
    if element is None or element.text is None or not element.text.strip():
        return None
    return element.text.strip()[:max_len]


def cents_from_text(text: str | None) -> int:
    """'77.87' → 7787 exactly (Decimal, never float); anything else is refused."""
    if text is None or not _AMOUNT.fullmatch(text.strip()):
        raise OpiMessageInvalid("Een bedrag in een OPI-bericht is ongeldig.")
    try:
        cents = Decimal(text.strip()) * 100
    except InvalidOperation as error:  # pragma: no cover - the pattern already guarantees digits
        raise OpiMessageInvalid("Een bedrag in een OPI-bericht is ongeldig.") from error
    return int(cents)


def text_from_cents(cents: int) -> str:
    if cents < 0:
        raise OpiMessageInvalid("Een bedrag kan niet negatief zijn.")
    return f"{cents // 100}.{cents % 100:02d}"


def int_attr(element: ET.Element, name: str) -> int:
    value = required_attr(element, name)
    if not _COUNT.fullmatch(value):
        raise OpiMessageInvalid(f"Attribuut {name} is geen geldig aantal.")
    return int(value)


def mask_pan(pan: str | None) -> str | None:
    """Only the last four digits survive, whatever the terminal sent (some send the whole PAN)."""
    if pan is None:
        return None
    digits = "".join(ch for ch in pan if ch.isdigit())
    if len(digits) < 4:
        return None
    return "****" + digits[-4:]


def serialize(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def element(tag: str, attrs: dict[str, str | None], text: str | None = None) -> ET.Element:
    node = ET.Element(tag, {k: v for k, v in attrs.items() if v is not None})
    node.text = text
    return node
