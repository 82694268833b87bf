"""Export of klantcontacten in the shape of the VNG Klantinteracties API (Open Klant 2, v0.9).

Each resource is what the API would return for it (GET /klantcontacten/{uuid} etc.): klantcontacten,
betrokkenen (rol klant), partijen (persoon, identified by BSN in the BRP), partijIdentificatoren,
onderwerpobjecten (the product's UPL URI), actoren (the clerk, departments) and internetaken.

Identities of resources we do not keep ourselves (betrokkene, partij, actor, ...) are uuid5 values
derived from what they stand for, so exporting the same period twice gives the same uuids.

What the standard has no field for — our service-norm deadline, the back office's answer, how to
reach the citizen, the outcome code — goes in a separate top-level `loket` block keyed on the
resource uuid, not as extra fields inside the resources: the schemas do not forbid extra
properties, but Open Klant would drop them silently on import, and the block keeps every resource
exactly what the API defines. Short strings also go in the klantcontact's own `metadata`
(key/value strings of at most 255 characters, which the schema does define).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.core.kcc.contact import (
    ContactResultaat,
    InterneTaak,
    Klantcontact,
    Medewerker,
    TaakStatus,
    ToewijzingSoort,
)

API_VERSION = "0.9.0"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: namespace of the derived uuids (a fixed random value; never change it, exports would differ)
_NAMESPACE = uuid.UUID("6f1c3c0e-5b2a-4f0e-9d55-2c1e6a0d7b41")
_METADATA_MAX = 255
_TOELICHTING_MAX = 1000


def _uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def _time(moment: datetime) -> str:
    return moment.isoformat()


class _Export:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.klantcontacten: list[dict[str, Any]] = []
        self.betrokkenen: list[dict[str, Any]] = []
        self.partijen: dict[str, dict[str, Any]] = {}
        self.partij_identificatoren: list[dict[str, Any]] = []
        self.onderwerpobjecten: list[dict[str, Any]] = []
        self.actoren: dict[str, dict[str, Any]] = {}
        self.internetaken: list[dict[str, Any]] = []
        self.extra_contacts: dict[str, dict[str, Any]] = {}
        self.extra_tasks: dict[str, dict[str, Any]] = {}

    def ref(self, collection: str, key: str) -> dict[str, str]:
        return {"uuid": key, "url": f"{self.base}/{collection}/{key}"}

    # --- actors -------------------------------------------------------------------------

    def medewerker(self, medewerker: Medewerker) -> dict[str, Any]:
        key = _uuid("medewerker", medewerker.gebruikersnaam)
        return self._actor(key, medewerker.naam or medewerker.gebruikersnaam, "medewerker", medewerker.gebruikersnaam)

    def eenheid(self, naam: str) -> dict[str, Any]:
        return self._actor(_uuid("organisatorische_eenheid", naam), naam, "organisatorische_eenheid", naam)

    def _actor(self, key: str, naam: str, soort: str, object_id: str) -> dict[str, Any]:
        if key not in self.actoren:
            self.actoren[key] = {
                **self.ref("actoren", key),
                "naam": naam[:200],
                "soortActor": soort,
                "indicatieActief": True,
                "actoridentificator": {
                    "objectId": object_id[:200],
                    "codeObjecttype": soort,
                    "codeRegister": "loket",
                    "codeSoortObjectId": "gebruikersnaam" if soort == "medewerker" else "naam",
                },
            }
        return self.actoren[key]

    # --- contacts -----------------------------------------------------------------------

    def contact(self, contact: Klantcontact, tasks: list[InterneTaak]) -> None:
        key = contact.id
        contact_ref = self.ref("klantcontacten", key)
        actors = [self.medewerker(contact.medewerker)]
        if contact.afdeling:
            actors.append(self.eenheid(contact.afdeling))
        betrokkene_key = _uuid("betrokkene", key)
        self.betrokkene(betrokkene_key, contact)
        onderwerpobjecten = []
        if contact.onderwerp.product_uri:
            onderwerpobjecten.append(self.onderwerpobject(contact))
        number = str(contact.nummer) if contact.nummer is not None else None
        self.klantcontacten.append(
            {
                **contact_ref,
                "gingOverOnderwerpobjecten": onderwerpobjecten,
                "hadBetrokkenActoren": actors,
                "omvatteBijlagen": [],
                "hadBetrokkenen": [self.ref("betrokkenen", betrokkene_key)],
                "leiddeTotInterneTaken": [self.ref("internetaken", t.id) for t in tasks],
                "nummer": number,
                "referentienummer": number,
                "kanaal": contact.kanaal,
                "onderwerp": contact.onderwerp.omschrijving,
                "inhoud": contact.vraag,
                "reactie": contact.antwoord,
                "indicatieContactGelukt": contact.resultaat is not ContactResultaat.CONTACT_MISLUKT,
                "verdereActieOndernomen": False,
                "taal": contact.taal,
                "vertrouwelijk": contact.vertrouwelijk,
                "plaatsgevondenOp": _time(contact.gestart_op),
                "metadata": self.metadata(contact),
            }
        )
        self.extra_contacts[key] = {
            "resultaat": contact.resultaat.value if contact.resultaat else None,
            "gesprekId": contact.gesprek_id,
            "beeindigdOp": _time(contact.beeindigd_op) if contact.beeindigd_op else None,
            "terugkoppeling": contact.terugkoppeling,
            "terugkoppelingOp": _time(contact.terugkoppeling_op) if contact.terugkoppeling_op else None,
        }
        for task in tasks:
            self.task(task, contact_ref)

    @staticmethod
    def metadata(contact: Klantcontact) -> dict[str, str]:
        values = {
            "gesprekId": contact.gesprek_id,
            "resultaat": contact.resultaat.value if contact.resultaat else "",
            "ticketId": str(contact.ticket_id) if contact.ticket_id is not None else "",
            "kennisartikel": contact.kennisartikel_uri or "",
            "afdeling": contact.afdeling or "",
        }
        return {k: v[:_METADATA_MAX] for k, v in values.items() if v}

    def betrokkene(self, key: str, contact: Klantcontact) -> None:
        betrokkene: dict[str, Any] = {
            **self.ref("betrokkenen", key),
            "hadKlantcontact": self.ref("klantcontacten", contact.id),
            "digitaleAdressen": [],
            "volledigeNaam": "",  # the API derives it from contactnaam; we keep no name
            "rol": "klant",
            "initiator": True,  # the citizen came to us
        }
        if contact.bsn:
            partij = self.partij(contact.bsn)
            partij["betrokkenen"].append(self.ref("betrokkenen", key))
            betrokkene["wasPartij"] = self.ref("partijen", partij["uuid"])
        self.betrokkenen.append(betrokkene)

    def partij(self, bsn: str) -> dict[str, Any]:
        key = _uuid("partij-bsn", bsn)
        if key not in self.partijen:
            identificator = {
                **self.ref("partijidentificatoren", _uuid("partijidentificator-bsn", bsn)),
                "identificeerdePartij": self.ref("partijen", key),
                "partijIdentificator": {
                    "codeObjecttype": "natuurlijk_persoon",
                    "codeSoortObjectId": "bsn",
                    "objectId": bsn,
                    "codeRegister": "brp",
                },
            }
            self.partij_identificatoren.append(identificator)
            self.partijen[key] = {
                **self.ref("partijen", key),
                "betrokkenen": [],
                "categorieRelaties": [],
                "digitaleAdressen": [],
                "vertegenwoordigden": [],
                "rekeningnummers": [],
                "partijIdentificatoren": [identificator],
                "soortPartij": "persoon",
                "indicatieActief": True,
            }
        return self.partijen[key]

    def onderwerpobject(self, contact: Klantcontact) -> dict[str, str]:
        key = _uuid("onderwerpobject", contact.id)
        self.onderwerpobjecten.append(
            {
                **self.ref("onderwerpobjecten", key),
                "klantcontact": self.ref("klantcontacten", contact.id),
                "onderwerpobjectidentificator": {
                    "objectId": (contact.onderwerp.product_uri or "")[:200],
                    "codeObjecttype": "product",
                    "codeRegister": "upl",  # Uniforme Productnamenlijst
                    "codeSoortObjectId": "uri",
                },
            }
        )
        return self.ref("onderwerpobjecten", key)

    def task(self, task: InterneTaak, contact_ref: dict[str, str]) -> None:
        toewijzing = task.toegewezen_aan
        if toewijzing.soort is ToewijzingSoort.MEDEWERKER:
            actor = self._actor(
                _uuid("medewerker-naam", toewijzing.naam), toewijzing.naam, "medewerker", toewijzing.naam
            )
        else:
            actor = self.eenheid(toewijzing.naam)
        toelichting = task.toelichting
        if task.bereikbaarheid:
            toelichting = f"{toelichting}\nBereikbaar via: {task.bereikbaarheid}".strip()
        number = str(task.nummer) if task.nummer is not None else None
        resource: dict[str, Any] = {
            **self.ref("internetaken", task.id),
            "nummer": number,
            "referentienummer": number,
            "gevraagdeHandeling": task.gevraagde_handeling,
            "aanleidinggevendKlantcontact": contact_ref,
            "toegewezenAanActoren": [self.ref("actoren", actor["uuid"])],
            "toelichting": toelichting[:_TOELICHTING_MAX],
            "status": task.status.value,
            "toegewezenOp": _time(task.toegewezen_op),
        }
        if task.afgehandeld_op is not None:
            resource["afgehandeldOp"] = _time(task.afgehandeld_op)
        self.internetaken.append(resource)
        done_by = task.afgehandeld_door
        self.extra_tasks[task.id] = {
            "deadline": task.deadline.isoformat(),
            "toegewezenAan": {"soort": toewijzing.soort.value, "naam": toewijzing.naam},
            "bereikbaarheid": task.bereikbaarheid,
            "doorgezetDoor": task.doorgezet_door.gebruikersnaam,
            "antwoord": task.antwoord,
            "afgehandeldDoor": done_by.gebruikersnaam if done_by else None,
            "opTijd": None if task.status is TaakStatus.TE_VERWERKEN or task.afgehandeld_op is None else _on_time(task),
        }

    def result(self) -> dict[str, Any]:
        return {
            "klantcontacten": self.klantcontacten,
            "betrokkenen": self.betrokkenen,
            "partijen": list(self.partijen.values()),
            "partijIdentificatoren": self.partij_identificatoren,
            "onderwerpobjecten": self.onderwerpobjecten,
            "actoren": list(self.actoren.values()),
            "internetaken": self.internetaken,
            "loket": {
                "toelichting": "Velden die Klantinteracties niet kent, per uuid van de resource.",
                "klantcontacten": self.extra_contacts,
                "internetaken": self.extra_tasks,
            },
        }


def _on_time(task: InterneTaak) -> bool:
    """Handled on or before the deadline day (a Dutch calendar day)."""
    assert task.afgehandeld_op is not None
    return task.afgehandeld_op.astimezone(AMSTERDAM).date() <= task.deadline


def to_klantinteracties(
    contacts: Iterable[Klantcontact], tasks: Iterable[InterneTaak], base_url: str
) -> dict[str, Any]:
    """The contacts and their tasks as Klantinteracties resources (JSON-ready dict).

    `base_url` is the API root the urls are built on, e.g. https://example.nl/klantinteracties/api/v1.
    Tasks of contacts not in `contacts` are left out (the export is per period of contacts).
    """
    by_contact: dict[str, list[InterneTaak]] = {}
    for task in tasks:
        by_contact.setdefault(task.klantcontact_id, []).append(task)
    export = _Export(base_url)
    for contact in contacts:
        export.contact(contact, by_contact.get(contact.id, []))
    return export.result()
