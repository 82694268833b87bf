"""The Haal Centraal BRP Personen JSON of a Person, as the BRP stand-in serves it.

Persoon (or PersoonBeperkt for a search) with AbstractDatum, Waardetabel and the typed
verblijfplaats; `filter_fields` applies the API's `fields` parameter. The other direction (JSON
to Person) lives in brp_api.py, so the two are written and tested independently.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from app.core.kcc.person import BrpDatum, Person, Verblijfplaats

_MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_GESLACHT = {"M": "man", "V": "vrouw", "O": "onbekend"}
_NAAMGEBRUIK = {
    "E": "eigen geslachtsnaam",
    "P": "geslachtsnaam partner",
    "V": "geslachtsnaam partner voor eigen geslachtsnaam",
    "N": "eigen geslachtsnaam voor geslachtsnaam partner",
}
_FUNCTIE_ADRES = {"W": "woonadres", "B": "briefadres"}
_OPSCHORTING = {
    "overlijden": "O",
    "emigratie": "E",
    "ministerieel besluit": "M",
    "pl aangelegd in RNI": "R",
    "fout": "F",
}
_PREDICATEN = {"jonkheer", "jonkvrouw"}
_LETTER = re.compile(r"[a-zA-Z0-9\u00c0-\u017e]")
# Delivered with every person; asking for them in `fields` is a 400 (as the real API does).
AUTOMATIC_FIELDS = {"geheimhoudingPersoonsgegevens", "opschortingBijhouding", "inOnderzoek", "rni", "verificatie"}


def datum_json(datum: BrpDatum) -> dict[str, Any]:
    if datum.year is None:
        return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
    if datum.month is None:
        return {"type": "JaarDatum", "jaar": datum.year, "langFormaat": str(datum.year)}
    maand = _MAANDEN[datum.month - 1]
    if datum.day is None:
        return {
            "type": "JaarMaandDatum",
            "jaar": datum.year,
            "maand": datum.month,
            "langFormaat": f"{maand} {datum.year}",
        }
    return {
        "type": "Datum",
        "datum": f"{datum.year:04d}-{datum.month:02d}-{datum.day:02d}",
        "langFormaat": f"{datum.day} {maand} {datum.year}",
    }


def _tabel(omschrijving: str, code: str | None = None) -> dict[str, str]:
    value = {"omschrijving": omschrijving}
    if code:
        value["code"] = code
    return value


def _age(geboren: BrpDatum, today: date) -> int | None:
    born = geboren.as_date
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _naam(person: Person, *, beperkt: bool) -> dict[str, Any]:
    naam = person.naam
    out: dict[str, Any] = {}
    if naam.voornamen:
        out["voornamen"] = naam.voornamen
        letters = "".join(f"{part[0]}." for part in naam.voornamen.split() if _LETTER.match(part[0]))
        if letters:
            out["voorletters"] = letters[:40]
    if naam.voorvoegsel:
        out["voorvoegsel"] = naam.voorvoegsel
    if naam.geslachtsnaam:
        out["geslachtsnaam"] = naam.geslachtsnaam
    if naam.adellijke_titel_predicaat:
        titel = naam.adellijke_titel_predicaat
        out["adellijkeTitelPredicaat"] = {
            "omschrijving": titel,
            "soort": "predicaat" if titel.lower() in _PREDICATEN else "titel",
        }
    if naam.volledige_naam:
        out["volledigeNaam"] = naam.volledige_naam
    if not beperkt and naam.aanduiding_naamgebruik in _NAAMGEBRUIK:
        code = naam.aanduiding_naamgebruik
        out["aanduidingNaamgebruik"] = _tabel(_NAAMGEBRUIK[code], code)
    return out


def _verblijfplaats(place: Verblijfplaats) -> dict[str, Any]:
    if place.is_buitenland:
        return {"type": "VerblijfplaatsBuitenland", "verblijfadres": {"land": _tabel(place.land_buitenland)}}
    functie = (
        {"functieAdres": _tabel(_FUNCTIE_ADRES[place.functie_adres], place.functie_adres)}
        if place.functie_adres in _FUNCTIE_ADRES
        else {}
    )
    if place.locatiebeschrijving and not place.straat:
        return {"type": "Locatie", "verblijfadres": {"locatiebeschrijving": place.locatiebeschrijving[:35]}, **functie}
    adres: dict[str, Any] = {}
    if place.straat:
        adres["officieleStraatnaam"] = place.straat
        adres["korteStraatnaam"] = place.straat[:24]
    if place.huisnummer is not None:
        adres["huisnummer"] = place.huisnummer
    for key, value in (
        ("huisletter", place.huisletter),
        ("huisnummertoevoeging", place.huisnummertoevoeging),
        ("postcode", place.postcode),
        ("woonplaats", place.woonplaats),
    ):
        if value:
            adres[key] = value
    out: dict[str, Any] = {"type": "Adres", "verblijfadres": adres, **functie}
    if place.adresseerbaar_object_id:
        out["adresseerbaarObjectIdentificatie"] = place.adresseerbaar_object_id
    if place.nummeraanduiding_id:
        out["nummeraanduidingIdentificatie"] = place.nummeraanduiding_id
    return out


def _adressering(place: Verblijfplaats) -> dict[str, Any]:
    if place.is_buitenland:
        return {"land": _tabel(place.land_buitenland)}
    regel1 = " ".join(
        p for p in (place.straat, f"{place.huisnummer or ''}{place.huisletter}", place.huisnummertoevoeging) if p
    )
    regel2 = " ".join(p for p in (place.postcode, place.woonplaats.upper()) if p)
    out = {}
    if regel1 or place.locatiebeschrijving:
        out["adresregel1"] = (regel1 or place.locatiebeschrijving)[:40]
    if regel2:
        out["adresregel2"] = regel2[:50]
    return out


def _nationaliteit(text: str) -> dict[str, Any]:
    if text == "Staatloos":
        return {"type": "Staatloos"}
    if text == "Onbekend":
        return {"type": "NationaliteitOnbekend"}
    return {"type": "Nationaliteit", "nationaliteit": _tabel(text)}


def persoon_json(person: Person, today: date, *, beperkt: bool = False) -> dict[str, Any]:
    """The whole Persoon (or PersoonBeperkt for a search) before `fields` filtering."""
    out: dict[str, Any] = {}
    if person.burgerservicenummer:
        out["burgerservicenummer"] = person.burgerservicenummer
    out["naam"] = _naam(person, beperkt=beperkt)
    out["geboorte"] = {"datum": datum_json(person.geboorte.datum)}
    if not beperkt:
        if person.geboorte.plaats:
            out["geboorte"]["plaats"] = _tabel(person.geboorte.plaats)
        if person.geboorte.land:
            out["geboorte"]["land"] = _tabel(person.geboorte.land)
    if person.geslacht in _GESLACHT:
        out["geslacht"] = _tabel(_GESLACHT[person.geslacht], person.geslacht)
    age = _age(person.geboorte.datum, today)
    if age is not None and not person.is_overleden and 0 <= age <= 150:
        out["leeftijd"] = age
    if person.geheimhouding:
        out["geheimhoudingPersoonsgegevens"] = True
    if person.datum_opschorting is not None:
        reden = person.reden_opschorting
        out["opschortingBijhouding"] = {"datum": datum_json(person.datum_opschorting)}
        if reden:
            out["opschortingBijhouding"]["reden"] = _tabel(reden, _OPSCHORTING.get(reden))
    if person.verblijfplaats is not None:
        out["adressering"] = _adressering(person.verblijfplaats)
    if beperkt:
        return out
    if person.nationaliteiten:
        out["nationaliteiten"] = [_nationaliteit(n) for n in person.nationaliteiten]
    if person.datum_overlijden is not None:
        out["overlijden"] = {"datum": datum_json(person.datum_overlijden)}
    if person.verblijfplaats is not None:
        out["verblijfplaats"] = _verblijfplaats(person.verblijfplaats)
        if person.verblijfplaats.gemeente:
            out["gemeenteVanInschrijving"] = _tabel(person.verblijfplaats.gemeente)
    return out


def filter_fields(persoon: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Keep the requested paths ("naam", "naam.voornamen", ...) and the automatic fields."""
    out: dict[str, Any] = {k: v for k, v in persoon.items() if k in AUTOMATIC_FIELDS}
    for path in fields:
        source: Any = persoon
        target = out
        parts = path.split(".")
        for i, part in enumerate(parts):
            if not isinstance(source, dict) or part not in source:
                break
            if i == len(parts) - 1:
                target[part] = source[part]
            else:
                # A path into a typed object (verblijfplaats.x) keeps the discriminator "type".
                node = target.setdefault(part, {"type": source[part]["type"]} if "type" in source[part] else {})
                source, target = source[part], node
    return out
