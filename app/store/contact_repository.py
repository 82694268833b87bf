"""Klantcontacten and interne taken in SQL: the core's ContactStore port on SQLite and PostgreSQL.

Saving is an upsert by uuid in one transaction, with a change-log row (ids only) so the other
desks hear of it. Database errors are re-raised without their SQL
parameters (`from None`): a parameter list holds the BSN, and errors end up in logs.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.core.errors import DatabaseUnavailable
from app.core.events import ContactChanged, TaskChanged
from app.core.kcc.contact import (
    ContactError,
    ContactNotFound,
    ContactResultaat,
    InterneTaak,
    Klantcontact,
    Medewerker,
    Onderwerp,
    TaakStatus,
    TaskNotFound,
    Toewijzing,
    ToewijzingSoort,
)
from app.store.change_log import record_change
from app.store.contact_tables import interne_taken, klantcontacten
from app.store.schema import to_db, utc

log = logging.getLogger(__name__)

#: at most this many ids in one IN (...) list, well below SQLite's variable limit
_CHUNK = 500


class ContactConflict(ContactError):
    """The database refused the row (e.g. two workstations saved the same new contact at once)."""

    code = "kcc.contact.conflict"


class SqlContactStore:
    """Implements app.core.kcc.contact_service.ContactStore."""

    def __init__(self, writer: Engine, reader: Engine | None = None) -> None:
        self._writer = writer
        self._reader = reader or writer

    # --- writing ------------------------------------------------------------------------

    def save_contact(self, contact: Klantcontact) -> Klantcontact:
        with self._writing() as conn:
            return self._put_contact(conn, contact)

    def save_task(self, task: InterneTaak) -> InterneTaak:
        with self._writing() as conn:
            return self._put_task(conn, task)

    def save_contact_and_task(self, contact: Klantcontact, task: InterneTaak) -> tuple[Klantcontact, InterneTaak]:
        with self._writing() as conn:
            return self._put_contact(conn, contact), self._put_task(conn, task)

    # --- reading ------------------------------------------------------------------------

    def get_contact(self, contact_id: str) -> Klantcontact:
        with self._reading() as conn:
            row = conn.execute(select(klantcontacten).where(klantcontacten.c.uuid == contact_id)).first()
        if row is None:
            raise ContactNotFound("Dit klantcontact bestaat niet.", contact=contact_id)
        return contact_from_row(row)

    def get_task(self, task_id: str) -> InterneTaak:
        with self._reading() as conn:
            row = conn.execute(select(interne_taken).where(interne_taken.c.uuid == task_id)).first()
        if row is None:
            raise TaskNotFound("Deze doorgezette vraag bestaat niet.", task=task_id)
        return task_from_row(row)

    def contacts_between(self, start: datetime, end: datetime, *, username: str | None = None) -> list[Klantcontact]:
        query = select(klantcontacten).where(
            klantcontacten.c.gestart_op >= to_db(start), klantcontacten.c.gestart_op < to_db(end)
        )
        if username is not None:
            query = query.where(klantcontacten.c.medewerker_gebruikersnaam == username)
        with self._reading() as conn:
            rows = conn.execute(query.order_by(klantcontacten.c.gestart_op, klantcontacten.c.nummer)).all()
        return [contact_from_row(r) for r in rows]

    def contacts_by_ids(self, contact_ids: Collection[str]) -> list[Klantcontact]:
        ids = list(contact_ids)
        found: list[Klantcontact] = []
        with self._reading() as conn:
            for i in range(0, len(ids), _CHUNK):
                rows = conn.execute(select(klantcontacten).where(klantcontacten.c.uuid.in_(ids[i : i + _CHUNK])))
                found.extend(contact_from_row(r) for r in rows)
        return found

    def tasks_for_contacts(self, contact_ids: Collection[str]) -> list[InterneTaak]:
        ids = list(contact_ids)
        found: list[InterneTaak] = []
        with self._reading() as conn:
            for i in range(0, len(ids), _CHUNK):
                query = select(interne_taken).where(interne_taken.c.klantcontact_uuid.in_(ids[i : i + _CHUNK]))
                found.extend(task_from_row(r) for r in conn.execute(query))
        return sorted(found, key=lambda t: (t.deadline, t.toegewezen_op, t.nummer or 0))

    def tasks_for_owner(self, username: str) -> list[InterneTaak]:
        query = select(interne_taken).where(interne_taken.c.doorgezet_door_gebruikersnaam == username)
        return self._tasks(query)

    def open_tasks(self, toegewezen_aan: str | None = None) -> list[InterneTaak]:
        query = select(interne_taken).where(interne_taken.c.status == TaakStatus.TE_VERWERKEN.value)
        if toegewezen_aan is not None:
            query = query.where(interne_taken.c.toewijzing_naam == toegewezen_aan)
        return self._tasks(query)

    # --- helpers ------------------------------------------------------------------------

    def _tasks(self, query: Any) -> list[InterneTaak]:
        query = query.order_by(interne_taken.c.deadline, interne_taken.c.toegewezen_op, interne_taken.c.nummer)
        with self._reading() as conn:
            return [task_from_row(r) for r in conn.execute(query)]

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with _translate_errors(), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with _translate_errors(), self._reader.connect() as conn:
            yield conn

    @staticmethod
    def _put_contact(conn: Connection, contact: Klantcontact) -> Klantcontact:
        values = contact_values(contact)
        nummer = conn.execute(select(klantcontacten.c.nummer).where(klantcontacten.c.uuid == contact.id)).scalar()
        if nummer is None:
            nummer = conn.execute(insert(klantcontacten).values(values).returning(klantcontacten.c.nummer)).scalar_one()
        else:
            conn.execute(update(klantcontacten).where(klantcontacten.c.nummer == nummer).values(values))
        record_change(conn, ContactChanged(0, contact.id, contact.medewerker.staff_id))
        return _with_nummer(contact, nummer)

    @staticmethod
    def _put_task(conn: Connection, task: InterneTaak) -> InterneTaak:
        exists = conn.execute(select(klantcontacten.c.nummer).where(klantcontacten.c.uuid == task.klantcontact_id))
        if exists.first() is None:
            raise ContactNotFound("Dit klantcontact bestaat niet.", contact=task.klantcontact_id)
        values = task_values(task)
        nummer = conn.execute(select(interne_taken.c.nummer).where(interne_taken.c.uuid == task.id)).scalar()
        if nummer is None:
            nummer = conn.execute(insert(interne_taken).values(values).returning(interne_taken.c.nummer)).scalar_one()
        else:
            conn.execute(update(interne_taken).where(interne_taken.c.nummer == nummer).values(values))
        record_change(conn, TaskChanged(0, task.id, task.doorgezet_door.staff_id, task.status.value))
        return _with_nummer(task, nummer)


def _with_nummer(item: Any, nummer: int) -> Any:
    return replace(item, nummer=nummer)


@contextmanager
def _translate_errors() -> Iterator[None]:
    """Connection trouble becomes DatabaseUnavailable; no error carries the SQL parameters."""
    try:
        yield
    except OperationalError:
        raise DatabaseUnavailable("De database is niet bereikbaar") from None
    except IntegrityError:
        log.warning("the database refused a contact row (constraint)")
        raise ContactConflict(
            "Het contact botst met wat er al is opgeslagen (misschien tegelijk op een andere plek). "
            "Probeer het opnieuw."
        ) from None
    except DBAPIError as error:
        if error.connection_invalidated:
            raise DatabaseUnavailable("De verbinding met de database is verbroken") from None
        log.error("database error while saving a contact: %s", type(error.orig).__name__)
        raise DatabaseUnavailable("De database gaf een fout; het contact is niet opgeslagen.") from None


def contact_values(contact: Klantcontact) -> dict[str, Any]:
    if contact.resultaat is None:  # the service validates first; this guards direct callers
        raise ContactError("Een contact zonder resultaat kan niet worden opgeslagen.")
    return {
        "uuid": contact.id,
        "gesprek_id": contact.gesprek_id,
        "kanaal": contact.kanaal,
        "product_uri": contact.onderwerp.product_uri,
        "product_naam": contact.onderwerp.product_naam,
        "vrije_tekst": contact.onderwerp.vrije_tekst,
        "vraag": contact.vraag,
        "antwoord": contact.antwoord,
        "resultaat": contact.resultaat.value,
        "taal": contact.taal,
        "vertrouwelijk": contact.vertrouwelijk,
        "gestart_op": to_db(contact.gestart_op),
        "beeindigd_op": to_db(contact.beeindigd_op),
        "medewerker_id": contact.medewerker.staff_id,
        "medewerker_gebruikersnaam": contact.medewerker.gebruikersnaam,
        "medewerker_naam": contact.medewerker.naam,
        "afdeling": contact.afdeling,
        "bsn": contact.bsn,
        "ticket_id": contact.ticket_id,
        "kennisartikel_uri": contact.kennisartikel_uri,
        "terugkoppeling": contact.terugkoppeling,
        "terugkoppeling_op": to_db(contact.terugkoppeling_op),
    }


def contact_from_row(row: Any) -> Klantcontact:
    gestart_op = utc(row.gestart_op)
    assert gestart_op is not None
    return Klantcontact(
        id=row.uuid,
        gesprek_id=row.gesprek_id,
        kanaal=row.kanaal,
        onderwerp=Onderwerp(row.product_uri, row.product_naam, row.vrije_tekst),
        vraag=row.vraag,
        antwoord=row.antwoord,
        resultaat=ContactResultaat(row.resultaat),
        gestart_op=gestart_op,
        medewerker=Medewerker(row.medewerker_id, row.medewerker_gebruikersnaam, row.medewerker_naam),
        beeindigd_op=utc(row.beeindigd_op),
        taal=row.taal,
        vertrouwelijk=bool(row.vertrouwelijk),
        afdeling=row.afdeling,
        bsn=row.bsn,
        ticket_id=row.ticket_id,
        kennisartikel_uri=row.kennisartikel_uri,
        terugkoppeling=row.terugkoppeling,
        terugkoppeling_op=utc(row.terugkoppeling_op),
        nummer=row.nummer,
    )


def task_values(task: InterneTaak) -> dict[str, Any]:
    done_by = task.afgehandeld_door
    return {
        "uuid": task.id,
        "klantcontact_uuid": task.klantcontact_id,
        "toewijzing_soort": task.toegewezen_aan.soort.value,
        "toewijzing_naam": task.toegewezen_aan.naam,
        "gevraagde_handeling": task.gevraagde_handeling,
        "toelichting": task.toelichting,
        "bereikbaarheid": task.bereikbaarheid,
        "deadline": task.deadline,
        "status": task.status.value,
        "toegewezen_op": to_db(task.toegewezen_op),
        "afgehandeld_op": to_db(task.afgehandeld_op),
        "antwoord": task.antwoord,
        "doorgezet_door_id": task.doorgezet_door.staff_id,
        "doorgezet_door_gebruikersnaam": task.doorgezet_door.gebruikersnaam,
        "doorgezet_door_naam": task.doorgezet_door.naam,
        "afgehandeld_door_id": done_by.staff_id if done_by else None,
        "afgehandeld_door_gebruikersnaam": done_by.gebruikersnaam if done_by else None,
        "afgehandeld_door_naam": done_by.naam if done_by else None,
    }


def task_from_row(row: Any) -> InterneTaak:
    toegewezen_op = utc(row.toegewezen_op)
    assert toegewezen_op is not None
    done_by = None
    if row.afgehandeld_door_gebruikersnaam is not None:
        done_by = Medewerker(
            row.afgehandeld_door_id, row.afgehandeld_door_gebruikersnaam, row.afgehandeld_door_naam or ""
        )
    return InterneTaak(
        id=row.uuid,
        klantcontact_id=row.klantcontact_uuid,
        toegewezen_aan=Toewijzing(ToewijzingSoort(row.toewijzing_soort), row.toewijzing_naam),
        gevraagde_handeling=row.gevraagde_handeling,
        toelichting=row.toelichting,
        bereikbaarheid=row.bereikbaarheid,
        deadline=row.deadline,
        doorgezet_door=Medewerker(row.doorgezet_door_id, row.doorgezet_door_gebruikersnaam, row.doorgezet_door_naam),
        toegewezen_op=toegewezen_op,
        status=TaakStatus(row.status),
        afgehandeld_op=utc(row.afgehandeld_op),
        antwoord=row.antwoord,
        afgehandeld_door=done_by,
        nummer=row.nummer,
    )
