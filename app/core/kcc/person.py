"""A person as the BRP knows it, after the Haal Centraal "BRP bevragen" Persoon.

Only what the front office needs: name parts, birth, sex, nationalities, current address,
secrecy indicator, death, suspension, and travel documents (which the BRP API serves separately,
as Haal Centraal Reisdocumenten; the desk wants them on the same card). English identifiers,
Dutch where the BRP term has no faithful English word (voorvoegsel, geheimhouding, ...).

The repr shows no BSN, name or document number: a person in a log line or traceback must not
leak them (DESIGN.md, privacy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class BrpDatum:
    """A BRP date may be whole, year-month, year only or unknown (Haal Centraal AbstractDatum)."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def is_known(self) -> bool:
        return self.year is not None

    @property
    def as_date(self) -> date | None:
        """The calendar date when all three parts are known, else None."""
        if self.year is None or self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)

    def __str__(self) -> str:
        if self.year is None:
            return "onbekend"
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


@dataclass(frozen=True)
class Naam:
    voornamen: str
    geslachtsnaam: str
    voorvoegsel: str = ""
    adellijke_titel_predicaat: str = ""
    aanduiding_naamgebruik: str = ""  # E, P, V, N (own, partner's, before, after)

    @property
    def volledige_naam(self) -> str:
        """First names, prefix and surname; naamgebruik (partner's name) is not applied yet."""
        return " ".join(p for p in (self.voornamen, self.voorvoegsel, self.geslachtsnaam) if p)


@dataclass(frozen=True)
class Geboorte:
    datum: BrpDatum
    plaats: str = ""
    land: str = ""


@dataclass(frozen=True)
class Verblijfplaats:
    """Current address: a Dutch address, a location description, or an address abroad."""

    straat: str = ""
    huisnummer: int | None = None
    huisletter: str = ""
    huisnummertoevoeging: str = ""
    postcode: str = ""
    woonplaats: str = ""
    gemeente: str = ""
    functie_adres: str = ""  # W woonadres, B briefadres
    adresseerbaar_object_id: str = ""
    nummeraanduiding_id: str = ""
    locatiebeschrijving: str = ""
    land_buitenland: str = ""

    @property
    def is_buitenland(self) -> bool:
        return bool(self.land_buitenland)


@dataclass(frozen=True)
class Reisdocument:
    soort: str  # PN paspoort, NI identiteitskaart, ... (LO GBA tabel 48)
    nummer: str = field(repr=False)
    datum_uitgifte: BrpDatum
    datum_einde_geldigheid: BrpDatum
    aanduiding_inhouding: str = ""  # I ingehouden, V vermist, R van rechtswege vervallen

    def is_valid_on(self, day: date) -> bool:
        """Usable on `day`: not surrendered or missing, and not past its expiry date."""
        if self.aanduiding_inhouding:
            return False
        end = self.datum_einde_geldigheid.as_date
        return end is not None and day <= end


@dataclass(frozen=True, repr=False)
class Person:
    burgerservicenummer: str | None
    naam: Naam
    geboorte: Geboorte
    geslacht: str = ""  # M, V, O
    nationaliteiten: tuple[str, ...] = ()
    verblijfplaats: Verblijfplaats | None = None
    # BRP indicatie geheim 0..7: anything but 0 means the person asked that their data is not
    # given to third parties (ministries, churches, ...). The desk must show it prominently.
    indicatie_geheim: int = 0
    datum_overlijden: BrpDatum | None = None
    datum_opschorting: BrpDatum | None = None
    reden_opschorting: str = ""
    reisdocumenten: tuple[Reisdocument, ...] = ()

    @property
    def geheimhouding(self) -> bool:
        return self.indicatie_geheim != 0

    @property
    def is_overleden(self) -> bool:
        return self.datum_overlijden is not None

    def valid_documents(self, day: date) -> tuple[Reisdocument, ...]:
        return tuple(doc for doc in self.reisdocumenten if doc.is_valid_on(day))

    def __repr__(self) -> str:
        # No BSN, name or document number here, on purpose.
        return f"Person(overleden={self.is_overleden}, geheimhouding={self.geheimhouding})"
