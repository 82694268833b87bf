"""The export validates against the Klantinteracties OpenAPI schema (Open Klant 2, test fixture).

Every exported resource is checked against its own component schema in
tests/fixtures/klantinteracties-openapi.yaml, with $refs resolved inside that document, formats
(uuid, date-time) checked, and the API's discriminators (soortPartij, soortActor) honoured.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30ReadValidator, OAS30Validator

from app.core.clock import FakeClock
from app.core.kcc.contact import ContactResultaat, Onderwerp, Toewijzing, ToewijzingSoort
from app.core.kcc.contact_memory import InMemoryContactStore
from app.core.kcc.contact_service import ContactService
from app.core.kcc.klantinteracties import to_klantinteracties
from app.core.kcc.working_days import WorkingCalendar, parse_holidays
from app.core.staff import Actor, Role

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "tests" / "fixtures" / "klantinteracties-openapi.yaml"
CALENDAR = WorkingCalendar.from_holidays(
    parse_holidays((ROOT / "resources" / "seed" / "feestdagen-nl-2025-2030.csv").read_text(encoding="utf-8"))
)
AMS = ZoneInfo("Europe/Amsterdam")
BASE = "https://gemeente.example/klantinteracties/api/v1"
ANNA = Actor(1, "anna", "Anna de Balie", frozenset({Role.BALIEMEDEWERKER}))
TEAM = Actor(3, "tl", "Teun Leider", frozenset({Role.TEAMLEIDER}))
BSN = "999993653"
PASPOORT = "http://standaarden.overheid.nl/owms/terms/paspoort"

#: export collection -> component schema of one resource in it
RESOURCE_SCHEMAS = {
    "klantcontacten": "Klantcontact",
    "betrokkenen": "Betrokkene",
    "partijen": "Partij",
    "partijIdentificatoren": "PartijIdentificator",
    "onderwerpobjecten": "Onderwerpobject",
    "actoren": "Actor",
    "internetaken": "InterneTaak",
}
VALIDATORS = [OAS30Validator, OAS30ReadValidator]  # the export is what the API would return (read)


@cache
def components() -> dict[str, Any]:
    document = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    return dict(document["components"])


def schema_errors(export: dict[str, Any], validator: type = OAS30Validator) -> list[str]:
    """Every schema violation of every resource, as 'collection[i].path [keyword]: message'."""
    problems = []
    for collection, name in RESOURCE_SCHEMAS.items():
        schema = {"$ref": f"#/components/schemas/{name}", "components": components()}
        checker = validator(schema, format_checker=validator.FORMAT_CHECKER)
        for index, resource in enumerate(export[collection]):
            for error in checker.iter_errors(resource):
                where = ".".join(str(p) for p in error.absolute_path)
                problems.append(f"{collection}[{index}].{where} [{error.validator}]: {error.message[:160]}")
    return problems


def sample_export() -> dict[str, Any]:
    """A day at the desk: a handled passport question with BSN, a forwarded one, an anonymous call."""
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    service = ContactService(InMemoryContactStore(), CALENDAR, clock, {PASPOORT: 5}.get)
    first = service.save(
        ANNA,
        replace(
            service.new_contact(ANNA, ticket_id=12, afdeling="KCC"),
            onderwerp=Onderwerp(PASPOORT, "Paspoort aanvragen"),
            vraag="Wat kost een paspoort?",
            antwoord="Zie de legestabel.",
            resultaat=ContactResultaat.AFGEHANDELD,
            bsn=BSN,
            kennisartikel_uri="urn:loket:kennis:PASPOORT",
        ),
    )
    clock.advance(timedelta(minutes=4))
    second = service.save(
        ANNA,
        replace(
            service.next_question(ANNA, first),
            onderwerp=Onderwerp(vrije_tekst="Overlast buren"),
            vraag="Wie kan iets doen aan geluidsoverlast?",
            resultaat=ContactResultaat.AFGEHANDELD,
            vertrouwelijk=True,
        ),
    )
    task = service.forward(
        ANNA,
        second.id,
        Toewijzing(ToewijzingSoort.AFDELING, "Team Handhaving"),
        "Inwoner terugbellen over overlast",
        "Speelt al maanden.",
        "06-12345678",
    )
    other = service.forward(
        ANNA, first.id, Toewijzing(ToewijzingSoort.MEDEWERKER, "J. de Vries"), "Afspraak inplannen", "", "via e-mail"
    )
    clock.advance(timedelta(days=1))
    service.record_answer(TEAM, other.id, "Afspraak gemaakt.")
    clock.advance(timedelta(minutes=10))
    service.save(
        ANNA,
        replace(
            service.new_contact(ANNA, kanaal="telefoon"),
            onderwerp=Onderwerp(vrije_tekst="Terugbelverzoek"),
            resultaat=ContactResultaat.CONTACT_MISLUKT,
        ),
    )
    day = (datetime(2026, 4, 24, tzinfo=AMS), datetime(2026, 4, 26, tzinfo=AMS))
    contacts = service.contacts_between(TEAM, *day)
    tasks = [service.forwarded_by_me(ANNA)[i].task for i in range(2)]
    assert {t.id for t in tasks} == {task.id, other.id}
    # Through JSON text, as the CLI writes it.
    return json.loads(json.dumps(to_klantinteracties(contacts, tasks, BASE)))


@pytest.mark.parametrize("validator", VALIDATORS)
def test_export_is_valid_against_the_openapi_schema(validator: type) -> None:
    export = sample_export()
    assert schema_errors(export, validator) == []
    assert len(export["klantcontacten"]) == 3
    assert len(export["internetaken"]) == 2


def test_export_content_maps_the_model() -> None:
    export = sample_export()
    first, second, failed = export["klantcontacten"]
    assert first["kanaal"] == "balie" and failed["kanaal"] == "telefoon"
    assert first["onderwerp"] == "Paspoort aanvragen"
    assert first["inhoud"] == "Wat kost een paspoort?"
    assert first["taal"] == "nld"
    assert second["vertrouwelijk"] is True
    assert (first["indicatieContactGelukt"], failed["indicatieContactGelukt"]) == (True, False)
    assert first["plaatsgevondenOp"] == "2026-04-24T08:00:00+00:00"
    assert first["metadata"]["gesprekId"] == second["metadata"]["gesprekId"]
    assert first["url"] == f"{BASE}/klantcontacten/{first['uuid']}"
    # The BSN is the partij's identifier in the BRP; both questions point to one partij.
    [partij] = export["partijen"]
    [identificator] = partij["partijIdentificatoren"]
    assert identificator["partijIdentificator"] == {
        "codeObjecttype": "natuurlijk_persoon",
        "codeSoortObjectId": "bsn",
        "objectId": BSN,
        "codeRegister": "brp",
    }
    assert partij["soortPartij"] == "persoon"
    with_partij = [b for b in export["betrokkenen"] if "wasPartij" in b]
    assert len(with_partij) == 2 and all(b["rol"] == "klant" for b in export["betrokkenen"])
    [onderwerpobject] = export["onderwerpobjecten"]
    assert onderwerpobject["onderwerpobjectidentificator"]["objectId"] == PASPOORT
    soorten = sorted(a["soortActor"] for a in export["actoren"])
    assert soorten == ["medewerker", "medewerker", "organisatorische_eenheid", "organisatorische_eenheid"]
    statuses = sorted(t["status"] for t in export["internetaken"])
    assert statuses == ["te_verwerken", "verwerkt"]
    handhaving = next(t for t in export["internetaken"] if t["status"] == "te_verwerken")
    assert "06-12345678" in handhaving["toelichting"]
    # Fri 24 April 2026 + default 10 working days, Koningsdag Mon 27 April and Bevrijdingsdag
    # Tue 5 May skipped: 28, 29, 30 Apr, 1, 4, 6, 7, 8, 11, 12 May.
    assert export["loket"]["internetaken"][handhaving["uuid"]]["deadline"] == "2026-05-12"


def test_same_contacts_give_the_same_uuids() -> None:
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    service = ContactService(InMemoryContactStore(), CALENDAR, clock, {PASPOORT: 5}.get)
    contact = service.save(
        ANNA,
        replace(service.new_contact(ANNA), onderwerp=Onderwerp(PASPOORT), resultaat=ContactResultaat.AFGEHANDELD),
    )
    assert to_klantinteracties([contact], [], BASE) == to_klantinteracties([contact], [], BASE)


@pytest.mark.parametrize(
    ("collection", "change", "expected"),
    [
        ("klantcontacten", lambda r: r.pop("kanaal"), "[required]: 'kanaal' is a required property"),
        ("internetaken", lambda r: r.update(status="in_behandeling"), "status [enum]"),
        ("klantcontacten", lambda r: r.update(plaatsgevondenOp="24-04-2026"), "plaatsgevondenOp [format]"),
        ("klantcontacten", lambda r: r.update(onderwerp="x" * 201), "onderwerp [maxLength]"),
        ("actoren", lambda r: r.update(soortActor="robot"), "actoren[0]. [oneOf]"),
        ("betrokkenen", lambda r: r.update(rol="burger"), "rol [enum]"),
        ("partijIdentificatoren", lambda r: r["partijIdentificator"].update(codeRegister="gba"), "codeRegister [enum]"),
        ("internetaken", lambda r: r.update(uuid="geen-uuid"), "uuid [format]"),
    ],
)
def test_validation_catches_a_wrong_value(collection: str, change: Any, expected: str) -> None:
    export = sample_export()
    change(export[collection][0])
    problems = schema_errors(export)
    assert problems, "the schema check must notice the change"
    assert any(expected in p for p in problems), problems


# Any text a keyboard or a paste can give, except NUL (the core refuses it; see test_contact_service).
_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
_TEXT = st.text(_CHARS, max_size=40)
_BSNS = ["999993653", "999990019", None]  # RvIG test BSNs (pass the 11-proef) or no citizen


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kanaal=st.sampled_from(["balie", "digitale balie", "telefoon", "e-mail", "post", "website"]),
    resultaat=st.sampled_from(list(ContactResultaat)),
    product=st.booleans(),
    vrije_tekst=st.text(_CHARS, min_size=1, max_size=200).filter(str.strip),
    vraag=st.text(_CHARS, max_size=1000),
    antwoord=_TEXT,
    taal=st.sampled_from(["nld", "eng", "tur", "ara"]),
    vertrouwelijk=st.booleans(),
    bsn=st.sampled_from(_BSNS),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 365 * 4),
    forward=st.booleans(),
    handeling=st.text(_CHARS, min_size=1, max_size=200).filter(str.strip),
    toelichting=st.text(_CHARS, max_size=700),
)
def test_any_valid_contact_exports_valid(
    kanaal: str,
    resultaat: ContactResultaat,
    product: bool,
    vrije_tekst: str,
    vraag: str,
    antwoord: str,
    taal: str,
    vertrouwelijk: bool,
    bsn: str | None,
    minutes: int,
    forward: bool,
    handeling: str,
    toelichting: str,
) -> None:
    clock = FakeClock(datetime(2025, 1, 2, 8, tzinfo=AMS) + timedelta(minutes=minutes))
    service = ContactService(InMemoryContactStore(), CALENDAR, clock, {PASPOORT: 5}.get)
    onderwerp = Onderwerp(PASPOORT, "Paspoort aanvragen") if product else Onderwerp(vrije_tekst=vrije_tekst)
    contact = service.save(
        ANNA,
        replace(
            service.new_contact(ANNA, kanaal),
            onderwerp=onderwerp,
            vraag=vraag,
            antwoord=antwoord,
            resultaat=resultaat,
            taal=taal,
            vertrouwelijk=vertrouwelijk,
            bsn=bsn,
        ),
    )
    tasks = []
    if forward:
        toewijzing = Toewijzing(ToewijzingSoort.GROEP, "Team Zorg")
        tasks.append(service.forward(ANNA, contact.id, toewijzing, handeling, toelichting, "0612345678" * 20))
        contact = service.get(ANNA, contact.id)
    export = json.loads(json.dumps(to_klantinteracties([contact], tasks, BASE)))
    assert schema_errors(export) == []


def test_repr_hides_bsn_and_free_text() -> None:
    clock = FakeClock(datetime(2026, 4, 24, 10, tzinfo=AMS))
    service = ContactService(InMemoryContactStore(), CALENDAR, clock, {PASPOORT: 5}.get)
    contact = replace(service.new_contact(ANNA), vraag="Jan Jansen vraagt", bsn=BSN, onderwerp=Onderwerp(PASPOORT))
    contact = service.save(ANNA, replace(contact, resultaat=ContactResultaat.DOORGEZET))
    task = service.forward(
        ANNA, contact.id, Toewijzing(ToewijzingSoort.AFDELING, "Burgerzaken"), "Bellen", "Jan Jansen", "06-1"
    )
    assert "Jansen" not in repr(contact) and BSN not in repr(contact)
    assert "Jansen" not in repr(task) and "06-1" not in repr(task)
