"""`loket export klantcontacten --from --to`: a period of contacts as Klantinteracties JSON."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.core.kcc.contact import ContactInvalid
from app.core.kcc.klantinteracties import API_VERSION, to_klantinteracties
from app.store.contact_repository import SqlContactStore
from app.store.database import Database

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://klantinteracties.invalid/klantinteracties/api/v1"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def export_klantcontacten(
    database: Database,
    from_date: date,
    to_date: date,
    *,
    base_url: str = DEFAULT_BASE_URL,
    timezone: ZoneInfo = AMSTERDAM,
) -> dict[str, Any]:
    """Contacts that started on from_date..to_date (both included, local days) with their tasks."""
    if to_date < from_date:
        raise ContactInvalid("De einddatum ligt voor de begindatum.", field="periode")
    start = datetime.combine(from_date, time(0), tzinfo=timezone)
    end = datetime.combine(to_date + timedelta(days=1), time(0), tzinfo=timezone)
    store = SqlContactStore(database.writer, database.reader)
    contacts = store.contacts_between(start, end)
    tasks = store.tasks_for_contacts([c.id for c in contacts])
    result = to_klantinteracties(contacts, tasks, base_url)
    result["loket"]["periode"] = {"van": from_date.isoformat(), "tot_en_met": to_date.isoformat()}
    result["loket"]["klantinteractiesVersie"] = API_VERSION
    log.info("exported %d klantcontacten and %d interne taken", len(contacts), len(tasks))
    return result
