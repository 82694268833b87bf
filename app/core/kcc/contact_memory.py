"""An in-memory ContactStore: for unit and screen tests that need no database.

Same contract as the SQL store (app/store/contact_repository.py): upsert by id, `nummer` assigned
on first save, ContactNotFound / TaskNotFound for unknown ids. Thread-safe, because screens call
the core from the task runner's worker.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from app.core.kcc.contact import ContactNotFound, InterneTaak, Klantcontact, TaakStatus, TaskNotFound


class InMemoryContactStore:
    def __init__(self) -> None:
        self._contacts: dict[str, Klantcontact] = {}
        self._tasks: dict[str, InterneTaak] = {}
        self._lock = threading.Lock()

    def save_contact(self, contact: Klantcontact) -> Klantcontact:
        with self._lock:
            return self._put_contact(contact)

    def get_contact(self, contact_id: str) -> Klantcontact:
        with self._lock:
            try:
                return self._contacts[contact_id]
            except KeyError:
                raise ContactNotFound("Dit klantcontact bestaat niet.", contact=contact_id) from None

    def save_task(self, task: InterneTaak) -> InterneTaak:
        with self._lock:
            return self._put_task(task)

    def get_task(self, task_id: str) -> InterneTaak:
        with self._lock:
            try:
                return self._tasks[task_id]
            except KeyError:
                raise TaskNotFound("Deze doorgezette vraag bestaat niet.", task=task_id) from None

    def save_contact_and_task(self, contact: Klantcontact, task: InterneTaak) -> tuple[Klantcontact, InterneTaak]:
        with self._lock:
            return self._put_contact(contact), self._put_task(task)

    def contacts_between(self, start: datetime, end: datetime, *, username: str | None = None) -> list[Klantcontact]:
        with self._lock:
            found = [
                c
                for c in self._contacts.values()
                if start <= c.gestart_op < end and (username is None or c.medewerker.gebruikersnaam == username)
            ]
        return sorted(found, key=lambda c: (c.gestart_op, c.nummer or 0))

    def contacts_by_ids(self, contact_ids: Collection[str]) -> list[Klantcontact]:
        with self._lock:
            return [self._contacts[i] for i in contact_ids if i in self._contacts]

    def tasks_for_contacts(self, contact_ids: Collection[str]) -> list[InterneTaak]:
        wanted = set(contact_ids)
        with self._lock:
            return sorted((t for t in self._tasks.values() if t.klantcontact_id in wanted), key=_task_order)

    def tasks_for_owner(self, username: str) -> list[InterneTaak]:
        with self._lock:
            found = [t for t in self._tasks.values() if t.doorgezet_door.gebruikersnaam == username]
        return sorted(found, key=_task_order)

    def open_tasks(self, toegewezen_aan: str | None = None) -> list[InterneTaak]:
        with self._lock:
            found = [
                t
                for t in self._tasks.values()
                if t.status is TaakStatus.TE_VERWERKEN and toegewezen_aan in (None, t.toegewezen_aan.naam)
            ]
        return sorted(found, key=_task_order)

    def _put_contact(self, contact: Klantcontact) -> Klantcontact:
        old = self._contacts.get(contact.id)
        nummer = old.nummer if old else len(self._contacts) + 1
        contact = replace(contact, nummer=nummer)
        self._contacts[contact.id] = contact
        return contact

    def _put_task(self, task: InterneTaak) -> InterneTaak:
        if task.klantcontact_id not in self._contacts:
            raise ContactNotFound("Dit klantcontact bestaat niet.", contact=task.klantcontact_id)
        old = self._tasks.get(task.id)
        nummer = old.nummer if old else len(self._tasks) + 1
        task = replace(task, nummer=nummer)
        self._tasks[task.id] = task
        return task


def _task_order(task: InterneTaak) -> tuple[object, ...]:
    return (task.deadline, task.toegewezen_op, task.nummer or 0)
