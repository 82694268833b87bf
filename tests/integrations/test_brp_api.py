"""The Haal Centraal BRP client against the stand-in over real HTTP on 127.0.0.1.

Expected values come from the RvIG rows of the CSV fixture; the stand-in's answers and the
client's requests are validated against the BRP OpenAPI fixture, so neither side only agrees
with the other.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import yaml

from app.core.audit import AuditOutcome, InMemoryAuditLog
from app.core.clock import FakeClock
from app.core.kcc.brp_local import load_persons
from app.core.kcc.persons import (
    BrpUnavailable,
    LocalPersonRegistry,
    PersonAmbiguous,
    PersonLookup,
    SearchInvalid,
    person_warnings,
)
from app.core.staff import Actor, Role
from app.integrations.brp_api import HaalCentraalRegistry
from app.integrations.brp_standin import BrpStandIn, answer_query
from tests.integrations.brp_openapi import SPEC, schema_errors
from tests.unit.brp_fixture import summary_rows, summary_text

ROWS = {row["pl_id"]: row for row in summary_rows()}
LOCAL = LocalPersonRegistry(load_persons(summary_text()))
TODAY = date(2026, 11, 23)
CLERK = Actor(staff_id=3, username="balie1", display_name="Anna", roles=frozenset({Role.BALIEMEDEWERKER}))


@pytest.fixture
def standin() -> Iterator[BrpStandIn]:
    with BrpStandIn(LOCAL, today=TODAY) as server:
        yield server


@pytest.fixture
def client(standin: BrpStandIn) -> HaalCentraalRegistry:
    return HaalCentraalRegistry(standin.url, timeout=5)


def test_by_bsn_gives_name_address_and_nationality_of_the_test_person(client: HaalCentraalRegistry) -> None:
    row = ROWS["Lg01_716"]
    person = client.by_bsn(row["burgerservicenummer"])
    assert person is not None
    assert person.burgerservicenummer == row["burgerservicenummer"]
    assert (person.naam.voornamen, person.naam.geslachtsnaam) == (row["voornamen"], row["geslachtsnaam"])
    assert person.geboorte.datum.as_date == date.fromisoformat(row["geboortedatum"])
    assert (person.geboorte.plaats, person.geboorte.land) == (row["geboorteplaats"], row["geboorteland"])
    assert person.geslacht == row["geslacht"]
    assert person.nationaliteiten == (row["nationaliteiten"],)
    place = person.verblijfplaats
    assert place is not None
    assert (place.straat, place.huisnummer, place.postcode) == (row["straat"], int(row["huisnummer"]), row["postcode"])
    assert (place.woonplaats, place.gemeente, place.functie_adres) == (
        row["woonplaats"],
        row["gemeente_inschrijving"],
        row["functie_adres"],
    )
    assert place.nummeraanduiding_id == row["nummeraanduiding_id"]
    assert not person.geheimhouding and not person.is_overleden


def test_secrecy_death_and_voorvoegsel_come_through(client: HaalCentraalRegistry) -> None:
    secret = ROWS["Lg01_675"]  # Peter Jan van der Meijden, indicatie geheim
    person = client.by_bsn(secret["burgerservicenummer"])
    assert person is not None and person.geheimhouding
    assert person.naam.voorvoegsel == secret["voorvoegsel"] == "van der"
    assert "Geheimhouding: geen gegevens aan derden verstrekken." in person_warnings(person)
    dead = ROWS["Lg01_669"]
    person = client.by_bsn(dead["burgerservicenummer"])
    assert person is not None and person.datum_overlijden is not None
    assert str(person.datum_overlijden) == dead["datum_overlijden"]


def test_address_abroad(client: HaalCentraalRegistry) -> None:
    row = next(r for r in ROWS.values() if r["land_adres_buitenland"] and r["burgerservicenummer"])
    person = client.by_bsn(row["burgerservicenummer"])
    assert person is not None and person.verblijfplaats is not None
    assert person.verblijfplaats.land_buitenland == row["land_adres_buitenland"]


def test_unknown_and_ambiguous_bsn(client: HaalCentraalRegistry) -> None:
    assert client.by_bsn("100000009") is None
    counts: dict[str, int] = {}
    for row in ROWS.values():
        counts[row["burgerservicenummer"]] = counts.get(row["burgerservicenummer"], 0) + 1
    double = next(bsn for bsn, n in counts.items() if bsn and n > 1)
    with pytest.raises(PersonAmbiguous):
        client.by_bsn(double)


def test_search_by_surname_and_birth_date(client: HaalCentraalRegistry) -> None:
    rows = [r for r in ROWS.values() if r["geslachtsnaam"] == "Meijden" and r["geboortedatum"] == "1959-04-17"]
    living = {r["burgerservicenummer"] for r in rows if not r["datum_overlijden"]}
    found = client.search("Meijden", date(1959, 4, 17))
    assert {p.burgerservicenummer for p in found} == living
    assert all(p.naam.geslachtsnaam == "Meijden" for p in found)
    everyone = client.search("meij*", date(1959, 4, 17), include_deceased=True)
    assert {p.burgerservicenummer for p in everyone} == {r["burgerservicenummer"] for r in rows}
    with pytest.raises(SearchInvalid):
        client.search("Meijden<script>", date(1959, 4, 17))


def test_lookup_through_the_api_is_audited(client: HaalCentraalRegistry) -> None:
    audit = InMemoryAuditLog()
    lookup = PersonLookup(client, audit, FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)))
    row = ROWS["Lg01_716"]
    assert lookup.by_bsn(CLERK, row["burgerservicenummer"], "paspoort").naam.geslachtsnaam == row["geslachtsnaam"]
    [entry] = audit.entries_between(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert (entry.subject, entry.outcome) == (row["burgerservicenummer"], AuditOutcome.FOUND)


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("server_error", "server_error"),
        ("unavailable", "server_error"),
        ("unauthorized", "unauthorized"),
        ("malformed_json", "malformed"),
        ("wrong_shape", "shape"),
        ("hang_up", "network"),
    ],
)
def test_failures_become_brp_unavailable_without_bsn(
    standin: BrpStandIn, client: HaalCentraalRegistry, caplog: pytest.LogCaptureFixture, fault: str, reason: str
) -> None:
    standin.fault = fault
    bsn = ROWS["Lg01_716"]["burgerservicenummer"]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BrpUnavailable) as failed:
        client.by_bsn(bsn)
    assert failed.value.code == "kcc.brp_unavailable"
    assert failed.value.details["reason"] == reason
    assert bsn not in str(failed.value) and bsn not in repr(failed.value.details)
    assert bsn not in caplog.text


def test_failed_lookup_is_audited_as_unavailable(standin: BrpStandIn, client: HaalCentraalRegistry) -> None:
    standin.fault = "server_error"
    audit = InMemoryAuditLog()
    lookup = PersonLookup(client, audit, FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)))
    with pytest.raises(BrpUnavailable):
        lookup.by_bsn(CLERK, ROWS["Lg01_716"]["burgerservicenummer"], "paspoort")
    [entry] = audit.entries_between(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert entry.outcome is AuditOutcome.UNAVAILABLE


def test_api_key_is_sent() -> None:
    with BrpStandIn(LOCAL, today=TODAY, api_key="geheime-sleutel") as server:
        bsn = ROWS["Lg01_716"]["burgerservicenummer"]
        with pytest.raises(BrpUnavailable):
            HaalCentraalRegistry(server.url, api_key="verkeerd").by_bsn(bsn)
        assert HaalCentraalRegistry(server.url, api_key="geheime-sleutel").by_bsn(bsn) is not None


def test_nobody_listening_and_nobody_answering() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(BrpUnavailable) as refused:
        HaalCentraalRegistry(f"http://127.0.0.1:{port}", timeout=2).by_bsn("999993653")
    assert refused.value.details["reason"] == "network"
    # A server that accepts the connection (kernel backlog) and never answers: the timeout decides.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(BrpUnavailable) as slow:
            HaalCentraalRegistry(url, timeout=0.2).by_bsn("999993653")
    assert slow.value.details["reason"] in ("timeout", "network")


# ---- the stand-in against the OpenAPI specification ------------------------------------------


def test_the_validator_enforces_the_discriminators() -> None:
    # Without this, a broken AbstractDatum or Adres would slip through and the checks below prove little.
    broken = {
        "type": "RaadpleegMetBurgerservicenummer",
        "personen": [
            {
                "geboorte": {"datum": {"type": "Datum", "langFormaat": "1 mei 2000"}},
                "verblijfplaats": {"type": "Adres", "verblijfadres": {"huisnummer": "12"}},
            }
        ],
    }
    messages = {e.message for e in schema_errors(broken, "RaadpleegMetBurgerservicenummerResponse")}
    assert "'datum' is a required property" in messages
    assert "'12' is not of type 'integer'" in messages


def test_client_requests_and_stand_in_answers_follow_the_specification(
    standin: BrpStandIn, client: HaalCentraalRegistry
) -> None:
    client.by_bsn(ROWS["Lg01_716"]["burgerservicenummer"])
    client.search("Meij*", date(1959, 4, 17), include_deceased=True)
    for request in standin.requests:
        assert schema_errors(request, "PersonenQuery") == []
    for pl_id in ("Lg01_716", "Lg01_675", "Lg01_669"):
        query = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [ROWS[pl_id]["burgerservicenummer"]]}
        answer = answer_query(LOCAL, {**query, "fields": list(_ALL_FIELDS)}, TODAY)
        assert answer["personen"], pl_id
        assert schema_errors(answer, "RaadpleegMetBurgerservicenummerResponse") == []
    search = {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Meijden", "geboortedatum": "1959-04-17"}
    answer = answer_query(
        LOCAL, {**search, "fields": ["burgerservicenummer", "naam", "geboorte", "adressering"]}, TODAY
    )
    assert answer["personen"]
    assert schema_errors(answer, "ZoekMetGeslachtsnaamEnGeboortedatumResponse") == []


_ALL_FIELDS = (
    "burgerservicenummer",
    "naam",
    "geboorte",
    "geslacht",
    "leeftijd",
    "nationaliteiten",
    "overlijden",
    "verblijfplaats",
    "gemeenteVanInschrijving",
    "adressering",
)


def _spec_pattern(*path: str) -> re.Pattern[str]:
    node = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]
    for key in path:
        node = node[key]
    return re.compile(node)


def test_every_test_person_is_valid_except_where_the_rvig_data_breaks_the_apis_own_patterns() -> None:
    """All 685 persons with a BSN. The RvIG set deliberately holds odd values (names with @ or
    quotes, a birth place with degrees, 15-digit BAG ids); those break the API's own patterns.
    The persons with errors must be exactly the rows with such a value, and only patterns fail."""
    name = _spec_pattern("Geslachtsnaam", "pattern")
    voornamen = _spec_pattern("Voornamen", "pattern")
    omschrijving = _spec_pattern("Waardetabel", "properties", "omschrijving", "pattern")
    bag_id = _spec_pattern("NummeraanduidingIdentificatie", "pattern")

    def odd(row: dict[str, str]) -> bool:
        return (
            not name.match(row["geslachtsnaam"])
            or (bool(row["voornamen"]) and not voornamen.match(row["voornamen"]))
            or (bool(row["geboorteplaats"]) and not omschrijving.match(row["geboorteplaats"]))
            or any(not omschrijving.match(n) for n in filter(None, row["nationaliteiten"].split("|")))
            or any(
                bool(row[k]) and not bag_id.match(row[k]) for k in ("nummeraanduiding_id", "adresseerbaar_object_id")
            )
        )

    bsns = {r["burgerservicenummer"] for r in ROWS.values() if r["burgerservicenummer"]}
    with_errors, validators = set(), set()
    for bsn in sorted(bsns):
        query = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [bsn], "fields": list(_ALL_FIELDS)}
        errors = schema_errors(answer_query(LOCAL, query, TODAY), "RaadpleegMetBurgerservicenummerResponse")
        if errors:
            with_errors.add(bsn)
            validators |= {e.validator for e in errors}
    assert len(bsns) == 680
    assert with_errors == {r["burgerservicenummer"] for r in ROWS.values() if r["burgerservicenummer"] and odd(r)}
    assert validators <= {"pattern"}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999993653"]}, 400),  # no fields
        (
            {
                "type": "RaadpleegMetBurgerservicenummer",
                "burgerservicenummer": ["999993653"],
                "fields": ["geheimhoudingPersoonsgegevens"],  # delivered automatically: not allowed
            },
            400,
        ),
        ({"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "3077AW", "huisnummer": 31, "fields": ["naam"]}, 400),
    ],
)
def test_stand_in_refuses_like_the_api_with_problem_json(
    standin: BrpStandIn, query: dict[str, object], status: int
) -> None:
    import urllib.request

    request = urllib.request.Request(
        standin.url + "/personen",
        data=json.dumps(query).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == status
    assert refused.value.headers["Content-Type"] == "application/problem+json"
    problem = json.loads(refused.value.read())
    refused.value.close()
    assert schema_errors(problem, "BadRequestFoutbericht") == []
