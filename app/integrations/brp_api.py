"""Client of the Haal Centraal BRP Personen API (RvIG "BRP API Personen" v2): a PersonRegistry.

POST {base_url}/personen with RaadpleegMetBurgerservicenummer or
ZoekMetGeslachtsnaamEnGeboortedatum and a `fields` list, over the standard library's HTTP(S).
Every failure (network, timeout, 4xx/5xx problem+json, unreadable or oddly shaped JSON) becomes
a typed BrpUnavailable or SearchInvalid with a Dutch message; logs name the status and the
problem code, never a BSN (the BSN travels in the request body, never in the URL).

The BRP Personen API has no travel documents (that is the separate Reisdocumenten API), and a
search answers with a limited person (PersoonBeperkt: name, birth, sex, address lines): the desk
looks the chosen person up by BSN for the rest.
"""

from __future__ import annotations

import json
import logging
import re
import ssl
import urllib.error
import urllib.request
from datetime import date
from typing import Any

from app.core.errors import ConfigError
from app.core.kcc.person import BrpDatum, Geboorte, Naam, Person, Verblijfplaats
from app.core.kcc.persons import BrpUnavailable, PersonAmbiguous, SearchInvalid, check_surname_pattern

log = logging.getLogger(__name__)

RAADPLEEG_FIELDS = (
    "burgerservicenummer",
    "naam",
    "geboorte",
    "geslacht",
    "nationaliteiten",
    "overlijden",
    "verblijfplaats",
    "gemeenteVanInschrijving",
)
ZOEK_FIELDS = ("burgerservicenummer", "naam", "geboorte", "geslacht")
MAX_RESPONSE_BYTES = 5_000_000
# The API's GeslachtsnaamFilter: letters (incl. accented), digits, space . - ' ; `*` only at the end.
_SURNAME = re.compile(r"[a-zA-Z0-9\u00c0-\u017e .\-']{1,200}|[a-zA-Z0-9\u00c0-\u017e .\-']{3,199}\*")
_NATIONALITEIT_TYPES = {
    "Staatloos": "Staatloos",
    "NationaliteitOnbekend": "Onbekend",
    "BehandeldAlsNederlander": "Behandeld als Nederlander",
    "VastgesteldNietNederlander": "Vastgesteld niet-Nederlander",
}
_UNREADABLE = "Het antwoord van de BRP is onleesbaar. Probeer het later opnieuw of meld het aan de beheerder."


class _Shape(Exception):
    """The JSON is valid but not the shape the API promises."""


class HaalCentraalRegistry:
    """PersonRegistry over the Haal Centraal BRP Personen API."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 10.0,
        ca_file: str | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError("Het adres van de BRP moet met http:// of https:// beginnen.", key="brp.url")
        if timeout <= 0:
            raise ConfigError("De wachttijd voor de BRP moet groter dan 0 seconden zijn.", key="brp.timeout_seconds")
        self._url = base_url.rstrip("/") + "/personen"
        self._api_key = api_key
        self._timeout = timeout
        self._context: ssl.SSLContext | None = None
        if base_url.startswith("https://"):
            try:
                self._context = ssl.create_default_context(cafile=ca_file)
            except (OSError, ssl.SSLError):
                raise ConfigError("Het CA-bestand voor de BRP kan niet worden gelezen.", key="brp.ca_file") from None

    def __repr__(self) -> str:
        return f"HaalCentraalRegistry({self._url!r})"  # no API key

    def by_bsn(self, bsn: str) -> Person | None:
        answer = self._post(
            {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [bsn], "fields": list(RAADPLEEG_FIELDS)}
        )
        persons = persons_from_answer(answer, "RaadpleegMetBurgerservicenummer")
        if len(persons) > 1:
            raise PersonAmbiguous("Bij dit BSN horen meer persoonslijsten. Geef dit door aan de afdeling Burgerzaken.")
        return persons[0] if persons else None

    def search(self, geslachtsnaam: str, geboortedatum: date, *, include_deceased: bool = False) -> list[Person]:
        pattern = check_surname_pattern(geslachtsnaam)
        if not _SURNAME.fullmatch(pattern):
            raise SearchInvalid("De achternaam bevat tekens waarmee de BRP niet kan zoeken.")
        query: dict[str, Any] = {
            "type": "ZoekMetGeslachtsnaamEnGeboortedatum",
            "geslachtsnaam": pattern,
            "geboortedatum": geboortedatum.isoformat(),
            "fields": list(ZOEK_FIELDS),
        }
        if include_deceased:
            query["inclusiefOverledenPersonen"] = True
        return persons_from_answer(self._post(query), "ZoekMetGeslachtsnaamEnGeboortedatum")

    # ---- HTTP ------------------------------------------------------------------------------

    def _post(self, query: dict[str, Any]) -> Any:
        body = json.dumps(query).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self._api_key:
            headers["X-API-KEY"] = self._api_key
        request = urllib.request.Request(self._url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout, context=self._context) as response:
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise self._http_error(error) from None
        except TimeoutError:
            log.warning("BRP API: no answer within %.1f s", self._timeout)
            raise BrpUnavailable(
                "De BRP antwoordt niet op tijd. Probeer het later opnieuw.", reason="timeout"
            ) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, ssl.SSLCertVerificationError):
                log.warning("BRP API: server certificate not trusted")
                raise BrpUnavailable(
                    "De BRP-server heeft een certificaat dat Loket niet vertrouwt. Meld dit aan de beheerder.",
                    reason="certificate",
                ) from None
            log.warning("BRP API unreachable: %s", type(error.reason).__name__)
            raise BrpUnavailable("De BRP is nu niet bereikbaar. Probeer het later opnieuw.", reason="network") from None
        except (OSError, ValueError) as error:
            log.warning("BRP API unreachable: %s", type(error).__name__)
            raise BrpUnavailable("De BRP is nu niet bereikbaar. Probeer het later opnieuw.", reason="network") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise BrpUnavailable(_UNREADABLE, reason="too_large")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            log.warning("BRP API: answer is not valid JSON (%d bytes)", len(raw))
            raise BrpUnavailable(_UNREADABLE, reason="malformed") from None

    def _http_error(self, error: urllib.error.HTTPError) -> BrpUnavailable | SearchInvalid:
        status = error.code
        code = ""
        try:
            problem = json.loads(error.read(65536).decode("utf-8"))
            if isinstance(problem, dict) and isinstance(problem.get("code"), str):
                code = problem["code"][:25]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            pass
        finally:
            error.close()
        log.warning("BRP API answered HTTP %d (%s)", status, code or "no problem code")
        if status == 400:
            return SearchInvalid("De BRP weigert deze zoekvraag. Controleer wat u hebt ingevuld.")
        if status in (401, 403):
            return BrpUnavailable(
                "Loket heeft geen toegang tot de BRP. Meld dit aan de beheerder.", reason="unauthorized", status=status
            )
        if status == 429:
            return BrpUnavailable("De BRP is even te druk. Probeer het over een minuut opnieuw.", reason="busy")
        if status >= 500:
            return BrpUnavailable(
                "De BRP heeft een storing. Probeer het later opnieuw.", reason="server_error", status=status
            )
        return BrpUnavailable("De BRP gaf een onverwacht antwoord.", reason="unexpected", status=status)


def persons_from_answer(answer: Any, kind: str) -> list[Person]:
    """The persons in a decoded 200 answer of query type `kind`; BrpUnavailable when it is not
    the shape the API promises (whatever the JSON holds: never another exception)."""
    try:
        if not isinstance(answer, dict) or answer.get("type") != kind:
            raise _Shape("type")
        personen = answer.get("personen", [])
        if not isinstance(personen, list):
            raise _Shape("personen")
        return [person_from_json(p) for p in personen]
    except (_Shape, KeyError, TypeError, ValueError, AttributeError, OverflowError):
        log.warning("BRP API: answer does not have the promised shape")
        raise BrpUnavailable(_UNREADABLE, reason="shape") from None


# ---- API JSON -> Person ------------------------------------------------------------------------


def _obj(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Shape("object expected")
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Shape("text expected")
    return value


def _omschrijving(value: Any) -> str:
    return _text(_obj(value).get("omschrijving"))


def _code(value: Any) -> str:
    return _text(_obj(value).get("code"))


def _int(value: Any, low: int, high: int) -> int:
    # The schema's Jaar (1..9999) and Maand (1..12); a bool is not a number here.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _Shape("number out of range")
    return value


def datum_from_json(value: Any) -> BrpDatum:
    datum = _obj(value)
    kind = datum.get("type")
    if kind == "Datum":
        day = date.fromisoformat(_text(datum.get("datum")))
        return BrpDatum(day.year, day.month, day.day)
    if kind == "JaarMaandDatum":
        return BrpDatum(_int(datum.get("jaar"), 1, 9999), _int(datum.get("maand"), 1, 12))
    if kind == "JaarDatum":
        return BrpDatum(_int(datum.get("jaar"), 1, 9999))
    if kind in ("DatumOnbekend", None):
        return BrpDatum()
    raise _Shape("datum type")


def _verblijfplaats(persoon: dict[str, Any]) -> Verblijfplaats | None:
    plaats = _obj(persoon.get("verblijfplaats"))
    gemeente = _omschrijving(persoon.get("gemeenteVanInschrijving"))
    if not plaats:
        return None
    adres = _obj(plaats.get("verblijfadres"))
    kind = plaats.get("type")
    if kind == "VerblijfplaatsBuitenland":
        return Verblijfplaats(land_buitenland=_omschrijving(adres.get("land")) or "onbekend", gemeente=gemeente)
    if kind == "Locatie":
        return Verblijfplaats(
            locatiebeschrijving=_text(adres.get("locatiebeschrijving")),
            functie_adres=_code(plaats.get("functieAdres")),
            gemeente=gemeente,
        )
    if kind == "VerblijfplaatsOnbekend":
        return None
    if kind != "Adres":
        raise _Shape("verblijfplaats type")
    huisnummer = adres.get("huisnummer")
    if huisnummer is not None:
        huisnummer = _int(huisnummer, 1, 99999)
    return Verblijfplaats(
        straat=_text(adres.get("officieleStraatnaam")) or _text(adres.get("korteStraatnaam")),
        huisnummer=huisnummer,
        huisletter=_text(adres.get("huisletter")),
        huisnummertoevoeging=_text(adres.get("huisnummertoevoeging")),
        postcode=_text(adres.get("postcode")),
        woonplaats=_text(adres.get("woonplaats")),
        gemeente=gemeente,
        functie_adres=_code(plaats.get("functieAdres")),
        adresseerbaar_object_id=_text(plaats.get("adresseerbaarObjectIdentificatie")),
        nummeraanduiding_id=_text(plaats.get("nummeraanduidingIdentificatie")),
    )


def _nationaliteiten(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Shape("nationaliteiten")
    out = []
    for item in value:
        kind = _obj(item).get("type")
        if kind == "Nationaliteit":
            out.append(_omschrijving(item.get("nationaliteit")))
        elif kind in _NATIONALITEIT_TYPES:
            out.append(_NATIONALITEIT_TYPES[kind])
        else:
            raise _Shape("nationaliteit type")
    return tuple(n for n in out if n)


def person_from_json(value: Any) -> Person:
    """One Persoon or PersoonBeperkt of the API as the core's Person; _Shape when it is not one."""
    persoon = _obj(value)
    naam = _obj(persoon.get("naam"))
    geboorte = _obj(persoon.get("geboorte"))
    bsn = _text(persoon.get("burgerservicenummer")) or None
    if bsn is not None and not (len(bsn) == 9 and bsn.isascii() and bsn.isdigit()):
        raise _Shape("burgerservicenummer")
    geheim = persoon.get("geheimhoudingPersoonsgegevens", False)
    if not isinstance(geheim, bool):
        raise _Shape("geheimhoudingPersoonsgegevens")
    overlijden = _obj(persoon.get("overlijden"))
    opschorting = _obj(persoon.get("opschortingBijhouding"))
    return Person(
        burgerservicenummer=bsn,
        naam=Naam(
            voornamen=_text(naam.get("voornamen")),
            geslachtsnaam=_text(naam.get("geslachtsnaam")),
            voorvoegsel=_text(naam.get("voorvoegsel")),
            adellijke_titel_predicaat=_omschrijving(naam.get("adellijkeTitelPredicaat")),
            aanduiding_naamgebruik=_code(naam.get("aanduidingNaamgebruik")),
        ),
        geboorte=Geboorte(
            datum=datum_from_json(geboorte.get("datum")),
            plaats=_omschrijving(geboorte.get("plaats")),
            land=_omschrijving(geboorte.get("land")),
        ),
        geslacht=_code(persoon.get("geslacht")),
        nationaliteiten=_nationaliteiten(persoon.get("nationaliteiten")),
        verblijfplaats=_verblijfplaats(persoon),
        # The API gives only yes/no; the BRP's 1..7 grades are not exposed. 1 stands for "yes".
        indicatie_geheim=1 if geheim else 0,
        datum_overlijden=datum_from_json(overlijden.get("datum")) if overlijden else None,
        datum_opschorting=datum_from_json(opschorting.get("datum")) if opschorting else None,
        reden_opschorting=_omschrijving(opschorting.get("reden")),
    )
