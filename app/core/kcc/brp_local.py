"""Persons from the local BRP test-person summary (RvIG test set, one row per person).

Used by `demo` and the tests as a stand-in for the BRP: the core gets the CSV text and builds
`Person` objects; reading the file is the caller's job. Errors name the line, never the BSN.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import date

from app.core.kcc.bsn import passes_elfproef
from app.core.kcc.errors import BrpDataInvalid
from app.core.kcc.person import (
    BrpDatum,
    Geboorte,
    Naam,
    Person,
    Reisdocument,
    Verblijfplaats,
)

log = logging.getLogger(__name__)


class _BadRow(Exception):
    """A row problem described in our own words (safe to show: holds no cell value)."""


_REQUIRED = ("burgerservicenummer", "voornamen", "geslachtsnaam", "geboortedatum", "reisdocumenten")
_DATUM = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_brp_datum(text: str) -> BrpDatum:
    """`YYYY-MM-DD`, `YYYY-MM` or `YYYY`; anything else (the test set has e.g. `05`) is unknown."""
    match = _DATUM.fullmatch(text.strip())
    if match is None:
        return BrpDatum()
    year = int(match.group(1))
    if year == 0:  # 0000: the whole date is unknown
        return BrpDatum()
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    # Month or day 00 is how the BRP writes "unknown" for that part.
    month = month or None
    day = (day or None) if month else None
    if month is not None and day is not None:
        date(year, month, day)  # raises ValueError on e.g. 2021-02-30
    elif month is not None and not 1 <= month <= 12:
        raise ValueError("maand buiten 1-12")
    return BrpDatum(year, month, day)


def _datum(text: str) -> BrpDatum:
    # The RvIG test set has impossible dates (a document issued 2017-02-29): keep the person,
    # treat that one date as unknown. A warning without the value (it sits next to a BSN).
    try:
        return parse_brp_datum(text)
    except ValueError:
        log.warning("BRP test data: impossible date treated as unknown")
        return BrpDatum()


def _optional_datum(text: str) -> BrpDatum | None:
    return _datum(text) if text.strip() else None


def _reisdocumenten(text: str) -> tuple[Reisdocument, ...]:
    # `soort:nummer:verstrekt:einde[:inhouding]`, several joined by `|`.
    documents = []
    for item in filter(None, text.split("|")):
        parts = item.split(":")
        if len(parts) not in (4, 5):
            raise _BadRow("reisdocument heeft niet 4 of 5 delen")
        documents.append(
            Reisdocument(
                soort=parts[0],
                nummer=parts[1],
                datum_uitgifte=_datum(parts[2]),
                datum_einde_geldigheid=_datum(parts[3]),
                aanduiding_inhouding=parts[4] if len(parts) == 5 else "",
            )
        )
    return tuple(documents)


def _verblijfplaats(row: dict[str, str]) -> Verblijfplaats | None:
    if not any(row[key] for key in ("straat", "postcode", "locatiebeschrijving", "land_adres_buitenland")):
        return None
    return Verblijfplaats(
        straat=row["straat"],
        huisnummer=int(row["huisnummer"]) if row["huisnummer"] else None,
        huisletter=row["huisletter"],
        huisnummertoevoeging=row["huisnummertoevoeging"],
        postcode=row["postcode"],
        woonplaats=row["woonplaats"],
        gemeente=row["gemeente_inschrijving"],
        functie_adres=row["functie_adres"],
        adresseerbaar_object_id=row["adresseerbaar_object_id"],
        nummeraanduiding_id=row["nummeraanduiding_id"],
        locatiebeschrijving=row["locatiebeschrijving"],
        land_buitenland=row["land_adres_buitenland"],
    )


def _person(row: dict[str, str]) -> Person:
    bsn = row["burgerservicenummer"] or None
    if bsn is not None and not passes_elfproef(bsn):
        raise _BadRow("BSN haalt de elfproef niet")
    return Person(
        burgerservicenummer=bsn,
        naam=Naam(
            voornamen=row["voornamen"],
            geslachtsnaam=row["geslachtsnaam"],
            voorvoegsel=row["voorvoegsel"],
            adellijke_titel_predicaat=row["adellijke_titel_predicaat"],
            aanduiding_naamgebruik=row["aanduiding_naamgebruik"],
        ),
        geboorte=Geboorte(
            datum=_datum(row["geboortedatum"]),
            plaats=row["geboorteplaats"],
            land=row["geboorteland"],
        ),
        geslacht=row["geslacht"],
        nationaliteiten=tuple(filter(None, row["nationaliteiten"].split("|"))),
        verblijfplaats=_verblijfplaats(row),
        indicatie_geheim=int(row["indicatie_geheim"] or "0"),
        datum_overlijden=_optional_datum(row["datum_overlijden"]),
        datum_opschorting=_optional_datum(row["datum_opschorting"]),
        reden_opschorting=row["reden_opschorting"],
        reisdocumenten=_reisdocumenten(row["reisdocumenten"]),
    )


def load_persons(csv_text: str) -> list[Person]:
    """Every person in the summary CSV, in file order; a bad row raises BrpDataInvalid."""
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    missing = [name for name in _REQUIRED if name not in (reader.fieldnames or ())]
    if missing:
        raise BrpDataInvalid(f"BRP-testbestand: kolommen ontbreken: {', '.join(missing)}.")
    persons = []
    for row in reader:
        try:
            persons.append(_person(row))
        except _BadRow as error:
            raise BrpDataInvalid(f"BRP-testbestand regel {reader.line_num}: {error}.") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            # Python's own message would quote the cell, and a cell may hold a BSN.
            raise BrpDataInvalid(f"BRP-testbestand regel {reader.line_num}: ongeldige waarde.") from None
    log.info("loaded %d persons from local BRP test data", len(persons))
    return persons


def persons_by_bsn(persons: list[Person]) -> dict[str, tuple[Person, ...]]:
    """Index for lookups at the desk. A BSN can map to more than one person list (the RvIG test
    set has 5 such BSNs): the caller must handle that, never silently pick one."""
    index: dict[str, tuple[Person, ...]] = {}
    for p in persons:
        if p.burgerservicenummer is not None:  # persons without a BSN cannot be looked up by it
            index[p.burgerservicenummer] = (*index.get(p.burgerservicenummer, ()), p)
    return index
